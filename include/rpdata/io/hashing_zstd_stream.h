// A zstd-decompressing InputStream over a file that also hashes (sha256) every compressed byte
// it reads, so a shard is checked against its manifest in the same pass that reads it: no
// second read of the file. The format is zstd's (RFC 8878), multi-frame as ShardWriter writes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "rpdata/io/input_stream.h"

namespace rpdata::io {

class HashingZstdStream final : public InputStream {
 public:
  // Throws InputError naming the file when it cannot be opened.
  explicit HashingZstdStream(const std::filesystem::path& path);
  ~HashingZstdStream() override;

  // Throws InputError (path, compressed offset) on corrupt data, TruncatedInputError when the
  // file ends inside a frame.
  size_t read(char* buf, size_t n) override;
  uint64_t compressed_offset() const override { return compressed_offset_; }
  uint64_t offset() const override { return offset_; }
  const std::string& path() const override { return path_; }

  // Lowercase hex sha256 of the whole file; only after read() has returned 0.
  std::string sha256_hex();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string path_;
  uint64_t compressed_offset_ = 0, offset_ = 0;
};

}  // namespace rpdata::io
