#include "rpdata/io/line_reader.h"

#include <cstring>

namespace rpdata::io {

namespace {
constexpr size_t kChunk = 4 << 20;
}

LineReader::LineReader(std::unique_ptr<InputStream> in, uint64_t max_line_bytes)
    : in_(std::move(in)), max_line_bytes_(max_line_bytes), buf_(kChunk + kPadding) {}

bool LineReader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {  // compact the unread window to the front
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (buf_.size() - kPadding - end_ < kChunk / 2) buf_.resize(buf_.size() * 2);
  size_t got = in_->read(buf_.data() + end_, buf_.size() - kPadding - end_);
  if (got == 0) {
    eof_ = true;
    return false;
  }
  end_ += got;
  return true;
}

bool LineReader::next(Line& line) {
  size_t scanned = begin_;
  while (true) {
    const char* nl = static_cast<const char*>(
        std::memchr(buf_.data() + scanned, '\n', end_ - scanned));
    if (nl) {
      size_t len = static_cast<size_t>(nl - (buf_.data() + begin_));
      if (len > max_line_bytes_) {  // fit in the buffer, but over the limit all the same
        line = Line{std::string_view(), ++number_, offset_, len, true, 0};
        begin_ += len + 1;
        offset_ += len + 1;
        return true;
      }
      line = Line{std::string_view(buf_.data() + begin_, len), ++number_, offset_, len, false,
                  buf_.size() - (begin_ + len)};
      begin_ += len + 1;
      offset_ += len + 1;
      return true;
    }
    scanned = end_;
    if (end_ - begin_ > max_line_bytes_) {
      // Skip the rest of this line without keeping it.
      uint64_t len = end_ - begin_;
      uint64_t start = offset_;
      begin_ = end_ = 0;
      bool found = false;
      while (!found) {
        size_t got = in_->read(buf_.data(), buf_.size() - kPadding);
        if (got == 0) {
          eof_ = true;
          break;
        }
        const char* p = static_cast<const char*>(std::memchr(buf_.data(), '\n', got));
        if (p) {
          size_t head = static_cast<size_t>(p - buf_.data());
          len += head;
          begin_ = head + 1;
          end_ = got;
          found = true;
        } else {
          len += got;
        }
      }
      offset_ = start + len + (found ? 1 : 0);
      line = Line{std::string_view(), ++number_, start, len, true, 0};
      return true;
    }
    size_t before = begin_;
    if (!fill()) {
      if (end_ > begin_) {  // final line without '\n'
        size_t len = end_ - begin_;
        std::memset(buf_.data() + end_, 0, kPadding);
        line = Line{std::string_view(buf_.data() + begin_, len), ++number_, offset_, len, false,
                    buf_.size() - end_};
        offset_ += len;
        begin_ = end_;
        return true;
      }
      return false;
    }
    scanned -= before - begin_;  // the window moved to the front
  }
}

}  // namespace rpdata::io
