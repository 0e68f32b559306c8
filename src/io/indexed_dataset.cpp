#include "rpdata/io/indexed_dataset.h"

#include <bit>
#include <cerrno>
#include <cstring>
#include <limits>

#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"

namespace rpdata::io {
namespace fs = std::filesystem;

static_assert(std::endian::native == std::endian::little, "the indexed dataset is written in host order");

namespace {
constexpr char kMagic[9] = {'M', 'M', 'I', 'D', 'I', 'D', 'X', '\0', '\0'};

void put(std::string& out, const void* p, size_t n) { out.append(static_cast<const char*>(p), n); }

template <class T>
void put_value(std::string& out, T v) {
  put(out, &v, sizeof v);
}
}  // namespace

TokenDtype best_fitting_dtype(int64_t vocab_size) {
  return vocab_size < 65500 ? TokenDtype::kUint16 : TokenDtype::kInt32;
}

const char* dtype_name(TokenDtype dtype) { return dtype == TokenDtype::kUint16 ? "uint16" : "int32"; }

size_t dtype_bytes(TokenDtype dtype) { return dtype == TokenDtype::kUint16 ? 2 : 4; }

IndexedDatasetWriter::IndexedDatasetWriter(const fs::path& bin, TokenDtype dtype) : bin_path_(bin), dtype_(dtype) {
  bin_ = std::fopen(bin.c_str(), "wb");
  if (!bin_) throw IoError(std::string("cannot create: ") + std::strerror(errno), bin.string());
  std::setvbuf(bin_, nullptr, _IOFBF, 1 << 20);
}

IndexedDatasetWriter::~IndexedDatasetWriter() {
  if (bin_) std::fclose(bin_);
}

void IndexedDatasetWriter::add_document(std::span<const int32_t> ids) {
  if (ids.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max()))
    throw InputError("a document of " + std::to_string(ids.size()) + " tokens does not fit the index's int32 sizes",
                     bin_path_.string());
  const size_t width = dtype_bytes(dtype_);
  buf_.resize(ids.size() * width);
  char* out = buf_.data();
  if (dtype_ == TokenDtype::kUint16) {
    for (int32_t id : ids) {
      if (id < 0 || id > 0xffff)
        throw ConfigError("token id " + std::to_string(id) +
                              " does not fit uint16: the vocabulary is larger than the dataset's dtype allows",
                          bin_path_.string());
      auto v = static_cast<uint16_t>(id);
      std::memcpy(out, &v, 2);
      out += 2;
    }
  } else {
    for (int32_t id : ids)
      if (id < 0) throw ConfigError("negative token id " + std::to_string(id), bin_path_.string());
    std::memcpy(out, ids.data(), buf_.size());
  }
  if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), bin_) != buf_.size())
    throw IoError(std::string("write failed: ") + std::strerror(errno), bin_path_.string());
  bin_hash_.update(std::string_view(buf_.data(), buf_.size()));
  sizes_.push_back(static_cast<int32_t>(ids.size()));
  tokens_ += static_cast<int64_t>(ids.size());
}

void IndexedDatasetWriter::finish(const fs::path& idx) {
  if (std::fflush(bin_) != 0 || std::ferror(bin_))
    throw IoError(std::string("write failed: ") + std::strerror(errno), bin_path_.string());
  int closed = std::fclose(bin_);
  bin_ = nullptr;
  if (closed != 0) throw IoError(std::string("close failed: ") + std::strerror(errno), bin_path_.string());
  fsync_path(bin_path_);

  const uint64_t n = sizes_.size();
  std::string out;
  out.reserve(34 + n * 20 + 8);
  put(out, kMagic, sizeof kMagic);
  put_value<uint64_t>(out, 1);
  put_value<uint8_t>(out, static_cast<uint8_t>(dtype_));
  put_value<uint64_t>(out, n);
  put_value<uint64_t>(out, n + 1);
  put(out, sizes_.data(), n * sizeof(int32_t));
  int64_t pointer = 0;
  for (int32_t s : sizes_) {
    put_value<int64_t>(out, pointer);
    pointer += static_cast<int64_t>(s) * static_cast<int64_t>(dtype_bytes(dtype_));
  }
  for (uint64_t i = 0; i <= n; ++i) put_value<int64_t>(out, static_cast<int64_t>(i));
  std::FILE* f = std::fopen(idx.c_str(), "wb");
  if (!f) throw IoError(std::string("cannot create: ") + std::strerror(errno), idx.string());
  bool ok = std::fwrite(out.data(), 1, out.size(), f) == out.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok) throw IoError(std::string("write failed: ") + std::strerror(errno), idx.string());
  fsync_path(idx);
  bin_sha256_ = bin_hash_.hex_digest();
  idx_sha256_ = sha256_hex(out);
}

IndexedDatasetIndex read_index(const fs::path& idx) {
  const std::string data = read_file(idx);
  auto bad = [&](const std::string& why, uint64_t offset) -> void { throw InputError(why, idx.string(), offset); };
  size_t at = 0;
  auto take = [&](void* dst, size_t n, const char* what) {
    if (data.size() - at < n) bad(std::string("truncated index: no room for ") + what, at);
    std::memcpy(dst, data.data() + at, n);
    at += n;
  };
  char magic[9];
  take(magic, 9, "the magic");
  if (std::memcmp(magic, kMagic, 9) != 0) bad("not an MMIDIDX index (bad magic)", 0);
  uint64_t version = 0, sequences = 0, documents = 0;
  uint8_t code = 0;
  take(&version, 8, "the version");
  if (version != 1) bad("index version " + std::to_string(version) + ", expected 1", 9);
  take(&code, 1, "the dtype");
  if (code != static_cast<uint8_t>(TokenDtype::kUint16) && code != static_cast<uint8_t>(TokenDtype::kInt32))
    bad("dtype code " + std::to_string(code) + " is not a token dtype (4 int32, 8 uint16)", 17);
  take(&sequences, 8, "the sequence count");
  take(&documents, 8, "the document count");
  const uint64_t need = sequences * 12 + documents * 8;
  if (sequences > data.size() || documents > data.size() || data.size() - at != need)
    bad("index size does not match its counts (" + std::to_string(sequences) + " sequences, " +
            std::to_string(documents) + " documents)",
        at);
  IndexedDatasetIndex ix;
  ix.dtype = static_cast<TokenDtype>(code);
  ix.sizes.resize(sequences);
  ix.pointers.resize(sequences);
  ix.doc_idx.resize(documents);
  take(ix.sizes.data(), sequences * 4, "the sizes");
  take(ix.pointers.data(), sequences * 8, "the pointers");
  take(ix.doc_idx.data(), documents * 8, "the document index");
  int64_t expect = 0;
  for (uint64_t i = 0; i < sequences; ++i) {
    if (ix.sizes[i] < 0 || ix.pointers[i] != expect) bad("sequence " + std::to_string(i) + " is not where its size puts it", 34);
    expect += static_cast<int64_t>(ix.sizes[i]) * static_cast<int64_t>(dtype_bytes(ix.dtype));
  }
  return ix;
}

}  // namespace rpdata::io
