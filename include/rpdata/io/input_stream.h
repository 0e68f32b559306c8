// Decompressing byte streams over any input RedPajama reads: gzip (zlib, multi-member, as in
// C4 and CommonCrawl WET), and bz2/xz/zstd/plain through libarchive's raw format. Errors
// name the file and the compressed byte offset where decoding failed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace rpdata::io {

class InputStream {
 public:
  virtual ~InputStream() = default;
  // Reads up to `n` decompressed bytes; returns 0 only at the end of the stream.
  // Throws InputError (path, compressed offset) on corrupt or truncated input.
  virtual size_t read(char* buf, size_t n) = 0;
  // Compressed bytes consumed from the file so far.
  virtual uint64_t compressed_offset() const = 0;
  // Decompressed bytes returned so far.
  virtual uint64_t offset() const = 0;
  virtual const std::string& path() const = 0;

  // Opens `path`, choosing the decoder from the magic bytes (not the extension).
  static std::unique_ptr<InputStream> open(const std::filesystem::path& path);
};

}  // namespace rpdata::io
