// Internal to the Wikipedia source: a streaming bzip2 decoder for (multistream) dumps —
// concatenated bz2 streams decoded one after the other with libbz2, so a damaged or cut
// stream fails at its own compressed offset after everything before it was returned.
#pragma once

#include <bzlib.h>

#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

namespace rpdata::sources::wikipedia::detail {

class Bz2Stream {
 public:
  // The whole file; or, with `begin` > 0, its first stream (a multistream dump's siteinfo
  // header) followed by the streams in [begin, end) (end 0: to the end of the file). A range
  // that starts past the end of the file, or where no stream starts, or ends inside a
  // stream, is an InputError naming the path and the offset.
  explicit Bz2Stream(std::string path, uint64_t begin = 0, uint64_t end = 0);
  ~Bz2Stream();
  Bz2Stream(const Bz2Stream&) = delete;
  Bz2Stream& operator=(const Bz2Stream&) = delete;

  // Up to `n` decompressed bytes; 0 only at the clean end of the last stream. Throws
  // InputError (corrupt data) or TruncatedInputError (file ends inside a stream) naming the
  // path and the compressed offset.
  size_t read(char* buf, size_t n);
  uint64_t compressed_offset() const { return consumed_; }  // in the file
  uint64_t compressed_read() const { return used_; }        // bytes decoded (header and range)
  uint64_t offset() const { return produced_; }
  const std::string& path() const { return path_; }

  // True if the file starts with bzip2's "BZh" magic.
  static bool is_bz2(const std::string& path);

 private:
  bool refill();
  void fill();  // decodes into z_.next_out until full or the end
  void seek_range();  // after the header stream: on to `begin_`
  std::string path_;
  std::FILE* file_ = nullptr;
  bz_stream z_{};
  bool open_ = false, done_ = false, in_stream_ = false;
  bool header_ = false;  // decoding the first stream before the range
  std::vector<char> in_;
  uint64_t begin_ = 0, end_ = 0;
  uint64_t consumed_ = 0, produced_ = 0, pos_ = 0, used_ = 0;
  std::exception_ptr pending_;
};

}  // namespace rpdata::sources::wikipedia::detail
