// The memory-mapped indexed dataset that GPT-NeoX and Megatron-LM train from
// (MMapIndexedDataset): a .bin of token ids, concatenated, and a .idx describing it. Format
// as EleutherAI/gpt-neox@ea7aefd megatron/data/indexed_dataset.py writes it
// (MMapIndexedDataset.Index.writer, MMapIndexedDatasetBuilder), all little-endian:
//   .idx: "MMIDIDX\x00\x00" | version u64 = 1 | dtype code u8 | sequence count u64 |
//         document count u64 | sizes i32[sequences] | pointers i64[sequences] (byte offset of
//         each sequence in .bin) | document index i64[documents] (0, then the sequence count
//         after each document)
//   .bin: the ids of every sequence in the dtype, nothing else.
// One sequence per document, as tools/datasets/preprocess_data.py writes without sentence
// splitting (add_item + end_document), so the document index is 0, 1, ..., n.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "rpdata/io/hash.h"

namespace rpdata::io {

// The dtype codes of indexed_dataset.py's `dtypes` table that token ids use.
enum class TokenDtype : uint8_t { kInt32 = 4, kUint16 = 8 };

// indexed_dataset.py's __best_fitting_dtype: uint16 when vocab_size < 65500, else int32.
TokenDtype best_fitting_dtype(int64_t vocab_size);
const char* dtype_name(TokenDtype dtype);  // "uint16", "int32"
size_t dtype_bytes(TokenDtype dtype);

// Writes one .bin/.idx pair. Ids are checked against the dtype: one that does not fit is a
// ConfigError (the vocabulary is larger than the dtype), never a silent wrap.
class IndexedDatasetWriter {
 public:
  IndexedDatasetWriter(const std::filesystem::path& bin, TokenDtype dtype);
  ~IndexedDatasetWriter();
  IndexedDatasetWriter(const IndexedDatasetWriter&) = delete;
  IndexedDatasetWriter& operator=(const IndexedDatasetWriter&) = delete;

  // Appends one document as one sequence.
  void add_document(std::span<const int32_t> ids);
  // Flushes and fsyncs the .bin and writes (and fsyncs) the .idx. The writer is spent.
  void finish(const std::filesystem::path& idx);

  int64_t documents() const { return static_cast<int64_t>(sizes_.size()); }
  int64_t tokens() const { return tokens_; }
  // After finish: sha256 (hex) of the .bin and .idx bytes written, hashed as they were written.
  const std::string& bin_sha256() const { return bin_sha256_; }
  const std::string& idx_sha256() const { return idx_sha256_; }

 private:
  std::filesystem::path bin_path_;
  std::FILE* bin_ = nullptr;
  TokenDtype dtype_;
  std::vector<int32_t> sizes_;
  int64_t tokens_ = 0;
  std::vector<char> buf_;  // the current document in the dtype
  Hasher bin_hash_;
  std::string bin_sha256_, idx_sha256_;
};

struct IndexedDatasetIndex {
  TokenDtype dtype = TokenDtype::kUint16;
  std::vector<int32_t> sizes;
  std::vector<int64_t> pointers;
  std::vector<int64_t> doc_idx;
};

// Reads and checks a .idx (magic, version, dtype, counts against the file size, pointers
// consistent with the sizes); InputError naming the file and what is wrong.
IndexedDatasetIndex read_index(const std::filesystem::path& idx);

}  // namespace rpdata::io
