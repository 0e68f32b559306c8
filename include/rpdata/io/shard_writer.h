// Sharded zstd JSONL output with manifest rows. Shards rotate by uncompressed size; each is
// written under a temporary name and renamed when complete, with its sha256 computed while
// writing (no second read). Every `frame_docs` documents end a zstd frame, and a small
// sidecar index (<shard>.idx) lists the frames, so a shard can be sampled or validated
// frame by frame without decompressing all of it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rpdata::io {

struct ShardInfo {
  std::string name;               // file name inside the writer's directory
  int64_t docs = 0;
  uint64_t bytes = 0;             // uncompressed JSONL bytes
  uint64_t compressed_bytes = 0;
  std::string sha256;             // of the compressed file
  int64_t frames = 0;
  std::map<std::string, int64_t> tokens;  // per tokenizer name; empty until counting is on
};

struct FrameEntry {
  uint64_t offset = 0;       // compressed byte offset of the frame
  uint64_t size = 0;         // compressed size
  int64_t first_doc = 0;     // index of its first document in the shard
  int64_t docs = 0;
  uint64_t raw_offset = 0;   // uncompressed offset
  uint64_t raw_size = 0;
};

struct ShardWriterOptions {
  std::filesystem::path dir;
  std::string stem;                      // shards are "<stem>-NNNNN.jsonl.zst"
  uint64_t max_shard_bytes = 1ull << 30; // uncompressed bytes before rotating
  int64_t frame_docs = 1000;             // documents per zstd frame; 0 = one frame per shard
  int level = 3;
  bool write_index = true;
};

class ShardWriter {
 public:
  explicit ShardWriter(ShardWriterOptions options);
  ~ShardWriter();  // an unclosed writer deletes its temporary file: nothing partial remains
  ShardWriter(const ShardWriter&) = delete;
  ShardWriter& operator=(const ShardWriter&) = delete;

  // Appends one JSONL record (must end with '\n'); rotates after it when the shard is full.
  void add(std::string_view record, const std::map<std::string, int64_t>* tokens = nullptr);
  // Publishes the open shard (if any documents) and returns every shard written.
  std::vector<ShardInfo> close();

  static std::string shard_name(const std::string& stem, int index);

 private:
  void open_shard();
  void end_frame();
  void finish_shard();
  void write_out(const void* data, size_t n);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads a shard's sidecar index; throws InputError if malformed.
std::vector<FrameEntry> read_frame_index(const std::filesystem::path& index_path);
std::string frame_index_path(const std::string& shard_path);

}  // namespace rpdata::io

namespace rpdata::io {
// Decompresses one frame of a shard (random access through the index).
std::string read_frame(const std::filesystem::path& shard_path, const FrameEntry& frame);
}  // namespace rpdata::io
