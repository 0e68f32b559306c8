// KenLM binary files (lm/binary_format.cc): the mapping, the header checks, the vocabulary
// strings at the end, and the probing layout (lm/search_hashed.cc, model type 0).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "kenlm_internal.h"
#include "rpdata/core/error.h"

namespace rpdata::quality::kenlm_detail {

MappedFile::MappedFile(const std::filesystem::path& path) : path_(path.string()) {
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(std::string("cannot open: ") + std::strerror(errno), path_, 0);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    throw InputError("cannot stat", path_, 0);
  }
  size_ = static_cast<size_t>(st.st_size);
  if (size_ > 0) {
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      ::close(fd);
      throw InputError(std::string("cannot map: ") + std::strerror(errno), path_, 0);
    }
    data_ = static_cast<const uint8_t*>(p);
  }
  ::close(fd);
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<uint8_t*>(data_), size_);
}

namespace {

template <class T>
T load(const MappedFile& f, size_t offset) {
  if (offset + sizeof(T) > f.size())
    throw InputError("KenLM binary: truncated (needs " + std::to_string(offset + sizeof(T)) +
                         " bytes)", f.path(), f.size());
  T v;
  std::memcpy(&v, f.data() + offset, sizeof(T));
  return v;
}

constexpr size_t align8(size_t x) { return (x + 7) & ~size_t{7}; }

// util::ProbingHashTable buckets: max(entries + 1, (size_t)(multiplier * (float)entries)).
size_t probing_buckets(uint64_t entries, float multiplier) {
  auto scaled = static_cast<size_t>(multiplier * static_cast<float>(entries));
  return std::max<size_t>(entries + 1, scaled);
}

class ProbingBackend : public Backend {
 public:
  ProbingBackend(std::shared_ptr<MappedFile> file, const BinaryHeader& h);
  float score(std::string_view line, bool bos, bool eos,
              std::vector<LmTokenScore>* detail) const override {
    return score_line(tables_, line, bos, eos, detail);
  }
  float score_ids(std::span<const uint32_t> ids, bool bos, bool eos) const override {
    return score_id_seq(tables_, ids, bos, eos);
  }

 private:
  std::shared_ptr<MappedFile> file_;
  HashedTables tables_;
};

ProbingBackend::ProbingBackend(std::shared_ptr<MappedFile> file, const BinaryHeader& h)
    : file_(std::move(file)) {
  format_ = LmFormat::kProbing;
  order_ = h.order;
  const MappedFile& f = *file_;
  // Vocabulary: uint32 version, uint32 words (with <unk>), then the word-hash table.
  size_t at = h.size;
  uint32_t words = load<uint32_t>(f, at + 4);
  at += 8 + probing_buckets(h.counts[0], h.probing_multiplier) * 12;
  const size_t unigram_at = at;
  at += (h.counts[0] + 1) * sizeof(ProbBackoff);
  std::vector<size_t> middle_at, middle_n;
  for (unsigned n = 2; n < order_; ++n) {
    middle_at.push_back(at);
    middle_n.push_back(probing_buckets(h.counts[n - 1], h.probing_multiplier));
    at += middle_n.back() * sizeof(MiddleEntry);
  }
  const size_t longest_at = at;
  const size_t longest_n = probing_buckets(h.counts[order_ - 1], h.probing_multiplier);
  at += longest_n * sizeof(LongestEntry);
  if (at > f.size() || words > h.counts[0] + 1)
    throw InputError("KenLM probing: file too small for its counts", f.path(), f.size());
  vocab_.build(read_vocab_strings(f, at, words));
  bos_id_ = vocab_.index("<s>");
  eos_id_ = vocab_.index("</s>");
  if (bos_id_ == 0 || eos_id_ == 0)
    throw InputError("KenLM probing: vocabulary lacks <s> or </s>", f.path(), at);
  // The mapping is page-aligned and every offset here is a multiple of 4, the tables' alignment.
  tables_.unigrams = {reinterpret_cast<const ProbBackoff*>(f.data() + unigram_at), words};
  for (size_t k = 0; k < middle_at.size(); ++k)
    tables_.middles.emplace_back(std::span<const MiddleEntry>(
        reinterpret_cast<const MiddleEntry*>(f.data() + middle_at[k]), middle_n[k]));
  tables_.longest = ProbingView<LongestEntry>(std::span<const LongestEntry>(
      reinterpret_cast<const LongestEntry*>(f.data() + longest_at), longest_n));
}

}  // namespace

BinaryHeader parse_binary_header(const MappedFile& f) {
  constexpr std::string_view kMagic = "mmap lm http://kheafield.com/code format version 5\n";
  constexpr std::string_view kIncomplete = "mmap lm http://kheafield.com/code incomplete\n";
  if (f.size() >= kIncomplete.size() &&
      std::memcmp(f.data(), kIncomplete.data(), kIncomplete.size()) == 0)
    throw InputError("KenLM binary: build_binary did not finish writing this file", f.path(), 0);
  if (f.size() < 56 || std::memcmp(f.data(), kMagic.data(), kMagic.size()) != 0)
    throw InputError("KenLM binary: not format version 5", f.path(), 0);
  // Sanity block written by the same architecture: float 0, 1, -0.5, uint 1, ~0, 0, uint64 1.
  if (load<float>(f, 56) != 0.0f || load<float>(f, 60) != 1.0f || load<float>(f, 64) != -0.5f ||
      load<uint32_t>(f, 68) != 1 || load<uint32_t>(f, 72) != 0xFFFFFFFFu ||
      load<uint32_t>(f, 76) != 0 || load<uint64_t>(f, 80) != 1)
    throw InputError("KenLM binary: sanity values differ (other endianness or ABI)", f.path(), 56);
  BinaryHeader h;
  h.order = load<uint8_t>(f, 88);
  h.probing_multiplier = load<float>(f, 92);
  h.model_type = load<uint32_t>(f, 96);
  const uint8_t has_vocabulary = load<uint8_t>(f, 100);
  h.search_version = load<uint32_t>(f, 104);
  if (h.order < 2 || h.order > kMaxOrder)
    throw InputError("KenLM binary: unsupported order " + std::to_string(h.order), f.path(), 88);
  if (!has_vocabulary)
    throw InputError("KenLM binary: built without vocabulary strings (-w none)", f.path(), 100);
  for (unsigned n = 0; n < h.order; ++n) h.counts.push_back(load<uint64_t>(f, 108 + 8 * n));
  // Bounds that keep the size arithmetic below from overflowing on a damaged header.
  if (!(h.probing_multiplier >= 1.0f && h.probing_multiplier <= 1000.0f))
    throw InputError("KenLM binary: bad probing multiplier", f.path(), 92);
  for (unsigned n = 0; n < h.order; ++n)
    if (h.counts[n] > f.size())
      throw InputError("KenLM binary: " + std::to_string(n + 1) + "-gram count exceeds the file size",
                       f.path(), 108 + 8 * n);
  if (h.counts[0] < 3)
    throw InputError("KenLM binary: fewer than 3 unigrams", f.path(), 108);
  h.size = align8(108 + 8 * h.order);
  return h;
}

std::vector<std::string_view> read_vocab_strings(const MappedFile& f, size_t offset, size_t n) {
  std::vector<std::string_view> words;
  words.reserve(n);
  const char* p = reinterpret_cast<const char*>(f.data());
  size_t at = offset;
  for (size_t i = 0; i < n; ++i) {
    const void* nul = at < f.size() ? std::memchr(p + at, 0, f.size() - at) : nullptr;
    if (!nul)
      throw InputError("KenLM binary: vocabulary strings end after " + std::to_string(i) + " of " +
                           std::to_string(n) + " words", f.path(), at);
    size_t len = static_cast<size_t>(static_cast<const char*>(nul) - (p + at));
    words.emplace_back(p + at, len);
    at += len + 1;
  }
  if (n == 0 || words[0] != "<unk>")
    throw InputError("KenLM binary: vocabulary strings do not start with <unk>", f.path(), offset);
  return words;
}

std::shared_ptr<const Backend> load_probing(std::shared_ptr<MappedFile> f, const BinaryHeader& h) {
  if (h.search_version != 0)
    throw InputError("KenLM probing: search version " + std::to_string(h.search_version) +
                         " (expected 0)", f->path(), 104);
  return std::make_shared<ProbingBackend>(std::move(f), h);
}

std::shared_ptr<const Backend> load_binary(const std::filesystem::path& path) {
  auto f = std::make_shared<MappedFile>(path);
  BinaryHeader h = parse_binary_header(*f);
  switch (h.model_type) {
    case 0: return load_probing(std::move(f), h);
    case 2: return load_trie(std::move(f), h);
    default:
      throw InputError("KenLM binary: model type " + std::to_string(h.model_type) +
                           " is not supported (0 probing and 2 trie are; rebuild with "
                           "build_binary probing|trie without -q/-a)", f->path(), 96);
  }
}

}  // namespace rpdata::quality::kenlm_detail
