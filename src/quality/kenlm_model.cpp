// LanguageModel: format detection and dispatch, the vocabulary hash, cc_net's length and
// perplexity arithmetic (cc_net/perplexity.py DocLM + pp()).
#include <xxhash.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "kenlm_internal.h"
#include "rpdata/core/error.h"
#include "rpdata/text/utf8.h"

namespace rpdata::quality {
namespace kenlm_detail {

namespace {
constexpr std::string_view kBinaryMagic = "mmap lm http://kheafield.com/code";
}

void Vocab::build(std::vector<std::string_view> words) {
  words_ = std::move(words);
  size_t buckets = 16;
  while (buckets < words_.size() * 2) buckets <<= 1;
  mask_ = buckets - 1;
  slots_.assign(buckets, 0);
  for (uint32_t id = 0; id < words_.size(); ++id) {
    uint64_t h = XXH3_64bits(words_[id].data(), words_[id].size());
    size_t i = h & mask_;
    while (slots_[i] != 0) {
      // A later duplicate string keeps the first id, as a hash-keyed KenLM vocabulary does.
      if ((slots_[i] >> 32) == (h >> 32) && words_[(slots_[i] & 0xffffffffu) - 1] == words_[id])
        break;
      i = (i + 1) & mask_;
    }
    if (slots_[i] == 0) slots_[i] = (h & 0xffffffff00000000ULL) | (uint64_t{id} + 1);
  }
}

uint32_t Vocab::index(std::string_view word) const {
  uint64_t h = XXH3_64bits(word.data(), word.size());
  size_t i = h & mask_;
  for (;;) {
    uint64_t s = slots_[i];
    if (s == 0) return 0;
    if ((s >> 32) == (h >> 32)) {
      uint32_t id = static_cast<uint32_t>(s & 0xffffffffu) - 1;
      if (words_[id] == word) return id;
    }
    i = (i + 1) & mask_;
  }
}

}  // namespace kenlm_detail

using kenlm_detail::Backend;

LanguageModel::LanguageModel(std::shared_ptr<const Backend> backend)
    : backend_(std::move(backend)) {}

LanguageModel LanguageModel::load(const std::filesystem::path& path,
                                  const LmLoadOptions& options) {
  char head[64] = {};
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot open language model", path.string(), 0);
    in.read(head, sizeof(head));
  }
  if (std::string_view(head, kenlm_detail::kBinaryMagic.size()) == kenlm_detail::kBinaryMagic)
    return LanguageModel(kenlm_detail::load_binary(path));
  return LanguageModel(kenlm_detail::load_arpa(path, options));
}

float LanguageModel::score(std::string_view line, bool bos, bool eos) const {
  return backend_->score(line, bos, eos, nullptr);
}

float LanguageModel::score_ids(std::span<const uint32_t> ids, bool bos, bool eos) const {
  return backend_->score_ids(ids, bos, eos);
}

float LanguageModel::score_detail(std::string_view line, std::vector<LmTokenScore>& detail,
                                  bool bos, bool eos) const {
  return backend_->score(line, bos, eos, &detail);
}

uint32_t LanguageModel::word_id(std::string_view word) const { return backend_->index(word); }
unsigned LanguageModel::order() const { return backend_->order(); }
LmFormat LanguageModel::format() const { return backend_->format(); }
size_t LanguageModel::vocab_size() const { return backend_->vocab_size(); }

namespace {

// Decodes one code point at s[i]; invalid bytes decode as U+FFFD of length 1.
uint32_t decode_utf8(std::string_view s, size_t& i) {
  auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t c = b(i);
  if (c < 0x80) { ++i; return c; }
  size_t n = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? (c < 0xf0 ? 3 : 0) : c >= 0xc2 ? 2 : 0;
  if (n == 0 || i + n > s.size()) { ++i; return 0xfffd; }
  uint32_t cp = n == 2 ? c & 0x1f : n == 3 ? c & 0x0f : c & 0x07;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xc0) != 0x80) { ++i; return 0xfffd; }
    cp = (cp << 6) | (b(i + k) & 0x3f);
  }
  i += n;
  return cp;
}

}  // namespace

size_t ccnet_length(std::string_view line) {
  size_t words = 0;
  bool in_word = false;
  for (size_t i = 0; i < line.size();) {
    // Python's str.split() with no argument splits on str.isspace() code points.
    bool space = text::is_python_space(decode_utf8(line, i));
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words + 1;
}

double ccnet_perplexity(double log10_score, size_t length) {
  double x = std::pow(10.0, -log10_score / static_cast<double>(length));
  if (!std::isfinite(x)) return x;
  // Python's round(x, 1) is the correctly rounded 1-decimal string read back; glibc's
  // printf rounds the exact binary value the same way (ties to even).
  char buf[400];
  std::snprintf(buf, sizeof(buf), "%.1f", x);
  return std::strtod(buf, nullptr);
}

}  // namespace rpdata::quality
