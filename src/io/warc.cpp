// WarcReader: WARC records streamed out of an InputStream through a read-ahead buffer, in
// strict mode (damage throws) or resynchronising at the next "WARC/" line (damage counted).
#include "rpdata/io/warc.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <memory>
#include <utility>

#include "rpdata/core/error.h"
#include "header_fields.h"

namespace rpdata::io {
namespace {

using header_fields::add_header_line;
using header_fields::trim;

constexpr size_t kChunk = 256 << 10;

std::optional<uint64_t> parse_length(std::string_view s) {
  s = trim(s);
  if (s.empty() || s.size() > 18) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

}  // namespace

// Read-ahead buffer over the decompressed stream. A stream error is held until the buffered
// bytes before it have been consumed (records before the damage are returned).
namespace {

// Bytes that grow at the end without zero-filling the room a read is about to overwrite.
class GrowingBytes {
 public:
  size_t size() const { return size_; }
  const char* data() const { return buf_.get(); }
  // Room for `n` more bytes at the end; commit() adds what was written.
  char* room(size_t n) {
    if (size_ + n > cap_) {
      const size_t cap = std::max(cap_ * 2, size_ + n);
      auto bigger = std::make_unique_for_overwrite<char[]>(cap);
      if (size_) std::memcpy(bigger.get(), buf_.get(), size_);
      buf_ = std::move(bigger);
      cap_ = cap;
    }
    return buf_.get() + size_;
  }
  void commit(size_t n) { size_ += n; }
  void erase_front(size_t n) {
    std::memmove(buf_.get(), buf_.get() + n, size_ - n);
    size_ -= n;
  }
  void clear() { size_ = 0; }

 private:
  std::unique_ptr<char[]> buf_;
  size_t size_ = 0, cap_ = 0;
};

}  // namespace

class WarcReader::Buffer {
 public:
  explicit Buffer(std::unique_ptr<InputStream> in) : in_(std::move(in)) {}

  size_t avail() const { return data_.size() - pos_; }
  const char* cur() const { return data_.data() + pos_; }
  uint64_t offset() const { return base_ + pos_; }
  InputStream& stream() { return *in_; }
  std::exception_ptr error() const { return error_; }

  // Appends up to kChunk bytes; false at end of stream or on a (held) stream error.
  bool fill() {
    if (eof_) return false;
    if (pos_ > 0 && (pos_ >= data_.size() / 2 || pos_ >= kChunk)) {
      data_.erase_front(pos_);
      base_ += pos_;
      pos_ = 0;
    }
    char* room = data_.room(kChunk);
    size_t got = 0;
    try {
      got = in_->read(room, kChunk);
    } catch (const InputError&) {
      error_ = std::current_exception();
    }
    data_.commit(got);
    if (got == 0) eof_ = true;
    return got > 0;
  }
  bool ensure(size_t n) {
    while (avail() < n)
      if (!fill()) return false;
    return true;
  }
  // Finds the next '\n' from the current position, reading at most `max` bytes ahead.
  // Returns the line length including '\n', 0 if EOF/limit came first (`too_long` says which).
  size_t find_line(size_t max, bool& too_long) {
    size_t searched = 0;
    too_long = false;
    while (true) {
      const void* nl = std::memchr(cur() + searched, '\n', avail() - searched);
      if (nl) return static_cast<size_t>(static_cast<const char*>(nl) - cur()) + 1;
      searched = avail();
      if (searched > max) {
        too_long = true;
        return 0;
      }
      if (!fill()) return 0;
    }
  }
  void consume(size_t n) { pos_ += n; }
  // Appends up to `n` bytes to `out`; returns the count (less than n only at end of stream).
  uint64_t read(std::string* out, uint64_t n) {
    uint64_t done = 0;
    while (done < n) {
      if (avail() == 0 && !fill()) break;
      size_t take = static_cast<size_t>(std::min<uint64_t>(avail(), n - done));
      if (out) out->append(cur(), take);
      pos_ += take;
      done += take;
      if (!out && pos_ == data_.size()) {  // skipping: do not let the buffer grow
        base_ += pos_;
        data_.clear();
        pos_ = 0;
      }
    }
    return done;
  }

 private:
  std::unique_ptr<InputStream> in_;
  GrowingBytes data_;
  size_t pos_ = 0;
  uint64_t base_ = 0;
  bool eof_ = false;
  std::exception_ptr error_;
};

WarcReader::WarcReader(std::unique_ptr<InputStream> in, WarcReaderOptions options)
    : buf_(std::make_unique<Buffer>(std::move(in))), options_(options) {}
WarcReader::WarcReader(WarcReader&&) noexcept = default;
WarcReader& WarcReader::operator=(WarcReader&&) noexcept = default;
WarcReader::~WarcReader() = default;

WarcReader WarcReader::open(const std::filesystem::path& path, WarcReaderOptions options) {
  return WarcReader(InputStream::open(path), options);
}

const std::string& WarcReader::path() const { return buf_->stream().path(); }
uint64_t WarcReader::offset() const { return buf_->offset(); }
uint64_t WarcReader::compressed_offset() const { return buf_->stream().compressed_offset(); }

void WarcReader::fail(const std::string& what, uint64_t record_offset, bool truncated) {
  std::string msg = what + " (WARC record at decompressed offset " + std::to_string(record_offset) +
                    ", compressed bytes read " + std::to_string(compressed_offset()) + ")";
  if (std::exception_ptr e = buf_->error()) {
    try {
      std::rethrow_exception(e);
    } catch (const TruncatedInputError& err) {
      throw TruncatedInputError(msg + ": " + err.message(), path(), record_offset);
    } catch (const InputError& err) {
      throw InputError(msg + ": " + err.message(), path(), record_offset);
    }
  }
  if (truncated) throw TruncatedInputError(msg, path(), record_offset);
  throw InputError(msg, path(), record_offset);
}

void WarcReader::problem(const std::string& what, uint64_t record_offset) {
  stats_.last_problem = what + " at decompressed offset " + std::to_string(record_offset);
}

// Skips the blank lines between records; false at end of input (stream errors handled).
bool WarcReader::skip_blank_lines() {
  while (true) {
    if (!buf_->ensure(1)) break;
    char c = *buf_->cur();
    if (c == '\r' || c == '\n') {
      buf_->consume(1);
      continue;
    }
    return true;
  }
  if (buf_->error()) {
    if (options_.mode == WarcReaderOptions::Mode::kStrict || options_.throw_on_damage)
      fail("damaged compressed stream", offset());
    ++stats_.stream_errors;
    problem("damaged compressed stream", offset());
  }
  return false;
}

// From a line start: discards lines (the current one unconditionally if `skip_current`) until
// one starts with "WARC/". False at end of input.
bool WarcReader::resync(bool skip_current) {
  for (bool check = !skip_current;; check = true) {
    buf_->ensure(5);
    if (check && buf_->avail() >= 5 && std::memcmp(buf_->cur(), "WARC/", 5) == 0) return true;
    if (buf_->avail() == 0) return false;
    bool too_long = false;
    size_t n = buf_->find_line(kChunk, too_long);
    if (n == 0) {
      // No newline in sight: drop what is buffered; the tail of this line is not a line start.
      size_t all = buf_->avail();
      stats_.skipped_bytes += all;
      buf_->consume(all);
      while (true) {
        if (buf_->avail() == 0 && !buf_->fill()) return false;
        const void* nl = std::memchr(buf_->cur(), '\n', buf_->avail());
        size_t take = nl ? static_cast<size_t>(static_cast<const char*>(nl) - buf_->cur()) + 1 : buf_->avail();
        stats_.skipped_bytes += take;
        buf_->consume(take);
        if (nl) break;
      }
      continue;
    }
    stats_.skipped_bytes += n;
    buf_->consume(n);
  }
}

bool WarcReader::next(WarcRecord& record) {
  using Mode = WarcReaderOptions::Mode;
  const bool strict = options_.mode == Mode::kStrict;
  const bool throw_damage = strict || options_.throw_on_damage;
  while (!stopped_) {
    if (!skip_blank_lines()) {
      stopped_ = true;
      return false;
    }
    record.headers.clear();
    record.block.clear();
    record.offset = offset();
    record.compressed_offset = compressed_offset();
    record.index = index_;
    const uint64_t start = record.offset;

    // Version line.
    bool too_long = false;
    size_t n = buf_->find_line(256, too_long);
    std::string_view line(buf_->cur(), n);
    if (n == 0 || line.substr(0, 5) != "WARC/") {
      if (n == 0 && !too_long && buf_->error() == nullptr && buf_->avail() > 0 &&
          std::string_view(buf_->cur(), std::min<size_t>(5, buf_->avail())) ==
              std::string_view("WARC/").substr(0, std::min<size_t>(5, buf_->avail()))) {
        // A version line cut by the end of the file.
        if (throw_damage) fail("truncated WARC record (end of input in the version line)", start, true);
        ++stats_.truncated;
        problem("truncated WARC record", start);
        buf_->read(nullptr, buf_->avail());
        continue;
      }
      if (n == 0 && buf_->error() != nullptr) {
        if (throw_damage) fail("damaged compressed stream", start);
        ++stats_.stream_errors;
        problem("damaged compressed stream", start);
        stopped_ = true;
        return false;
      }
      if (strict) fail("expected a WARC/<version> line, found other bytes", start);
      ++stats_.malformed;
      problem("no WARC/ version line", start);
      // Skip this line even if it starts with "WARC/" (an over-long version line).
      if (!resync(true)) {
        stopped_ = true;
        return false;
      }
      continue;
    }
    record.version = std::string(trim(line.substr(0, n - 1)));
    buf_->consume(n);
    ++index_;

    // Header fields up to the blank line.
    bool header_ok = true, header_cut = false;
    std::string bad;
    uint64_t header_bytes = 0;
    while (true) {
      n = buf_->find_line(options_.max_header_bytes, too_long);
      if (n == 0) {
        header_ok = false;
        header_cut = !too_long;
        bad = too_long ? "WARC header section longer than max_header_bytes" : "end of input inside the WARC header";
        break;
      }
      header_bytes += n;
      std::string_view h(buf_->cur(), n - 1);
      if (!h.empty() && h.back() == '\r') h.remove_suffix(1);
      if (h.empty()) {
        buf_->consume(n);
        break;
      }
      if (header_bytes > options_.max_header_bytes) {
        header_ok = false;
        bad = "WARC header section longer than max_header_bytes";
        break;
      }
      if (!add_header_line(record.headers, h)) {
        header_ok = false;
        bad = "malformed WARC header line (no 'Name:')";
        break;
      }
      buf_->consume(n);
    }
    std::optional<uint64_t> length;
    if (header_ok) {
      const std::string* cl = record.headers.find("Content-Length");
      if (!cl) {
        header_ok = false;
        bad = "WARC record without Content-Length";
      } else if (!(length = parse_length(*cl))) {
        header_ok = false;
        bad = "invalid Content-Length '" + cl->substr(0, 40) + "'";
      }
    }
    if (!header_ok) {
      if (header_cut) {
        if (throw_damage) fail(bad, start, true);
        if (buf_->error()) ++stats_.stream_errors;
        ++stats_.truncated;
        problem(bad, start);
        stopped_ = true;
        return false;
      }
      if (strict) fail(bad, start);
      ++stats_.malformed;
      problem(bad, start);
      if (!resync(false)) {
        stopped_ = true;
        return false;
      }
      continue;
    }

    // Block: exactly Content-Length bytes, or streamed past when too large.
    const bool keep = *length <= options_.max_record_bytes;
    if (keep) record.block.reserve(static_cast<size_t>(*length));
    uint64_t got = buf_->read(keep ? &record.block : nullptr, *length);
    if (got < *length) {
      std::string what = "Content-Length " + std::to_string(*length) + " runs past the end of input (" +
                         std::to_string(got) + " bytes present)";
      if (throw_damage) fail(what, start, true);
      if (buf_->error()) ++stats_.stream_errors;
      ++stats_.truncated;
      problem(what, start);
      stopped_ = true;
      return false;
    }
    // The two CRLFs closing the record (skip_blank_lines also accepts bare LFs and extra ones).
    // kStrict checks that a line break follows the block: anything else means a wrong
    // Content-Length, reported at this record rather than as garbage at the next one.
    if (strict) {
      buf_->ensure(1);
      if (buf_->avail() > 0 && *buf_->cur() != '\r' && *buf_->cur() != '\n')
        fail("block not followed by CRLF CRLF (wrong Content-Length " + std::to_string(*length) + "?)", start);
    }
    if (!keep) {
      ++stats_.too_large;
      problem("record of " + std::to_string(*length) + " bytes over max_record_bytes", start);
      continue;
    }
    ++stats_.records;
    return true;
  }
  return false;
}

}  // namespace rpdata::io
