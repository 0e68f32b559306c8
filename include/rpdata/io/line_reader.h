// Splits a decompressed InputStream into '\n'-terminated lines without copying them, with
// SIMDJSON_PADDING readable bytes after every line so simdjson can parse in place. Lines
// longer than `max_line_bytes` are skipped without being buffered and reported as such, so
// one huge line cannot exhaust memory.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "rpdata/io/input_stream.h"

namespace rpdata::io {

struct Line {
  std::string_view text;      // without the trailing '\n' (and valid until the next call)
  uint64_t number = 0;        // 1-based line number
  uint64_t offset = 0;        // decompressed byte offset of the line start
  uint64_t length = 0;        // full length, also for skipped lines
  bool too_long = false;      // true: `text` is empty, the line was skipped
  size_t padding = 0;         // readable bytes after text.end() (>= 64)
};

class LineReader {
 public:
  static constexpr size_t kPadding = 64;

  explicit LineReader(std::unique_ptr<InputStream> in, uint64_t max_line_bytes = 64ull << 20);
  // False at the end of input. A final line without '\n' is returned as a line.
  bool next(Line& line);
  const InputStream& stream() const { return *in_; }

 private:
  bool fill();  // reads more data after end_, compacting/growing; false at EOF

  std::unique_ptr<InputStream> in_;
  uint64_t max_line_bytes_;
  std::vector<char> buf_;
  size_t begin_ = 0, end_ = 0;  // unread window
  uint64_t offset_ = 0;         // decompressed offset of buf_[begin_]
  uint64_t number_ = 0;
  bool eof_ = false;
};

}  // namespace rpdata::io
