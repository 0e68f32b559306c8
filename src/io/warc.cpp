#include "rpdata/io/warc.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <utility>

#include "rpdata/core/error.h"

namespace rpdata::io {
namespace {

constexpr size_t kChunk = 256 << 10;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Parses "Name: value" or a folded continuation into `headers`; false if malformed.
bool add_header_line(HeaderList& headers, std::string_view line) {
  if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
    if (headers.size() == 0) return false;
    std::string& value = headers.fields().back().value;
    std::string_view more = trim(line);
    if (!more.empty()) {
      if (!value.empty()) value += ' ';
      value += more;
    }
    return true;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view name = trim(line.substr(0, colon));
  if (name.empty()) return false;
  headers.add(std::string(name), std::string(trim(line.substr(colon + 1))));
  return true;
}

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

const std::string* HeaderList::find(std::string_view name) const {
  for (const auto& f : fields_)
    if (iequals(f.name, name)) return &f.value;
  return nullptr;
}

std::string_view HeaderList::get(std::string_view name, std::string_view fallback) const {
  const std::string* v = find(name);
  return v ? std::string_view(*v) : fallback;
}

// Read-ahead buffer over the decompressed stream. A stream error is held until the buffered
// bytes before it have been consumed (records before the damage are returned).
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
      data_.erase(0, pos_);
      base_ += pos_;
      pos_ = 0;
    }
    size_t old = data_.size();
    data_.resize(old + kChunk);
    size_t got = 0;
    try {
      got = in_->read(data_.data() + old, kChunk);
    } catch (const InputError&) {
      error_ = std::current_exception();
    }
    data_.resize(old + got);
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
  std::string data_;
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

std::optional<std::string> decode_chunked(std::string_view body) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t eol = body.find('\n', pos);
    if (eol == std::string_view::npos) return std::nullopt;
    std::string_view size_line = trim(body.substr(pos, eol - pos));
    size_t semi = size_line.find(';');
    if (semi != std::string_view::npos) size_line = trim(size_line.substr(0, semi));
    if (size_line.empty() || size_line.size() > 15) return std::nullopt;
    uint64_t size = 0;
    for (char c : size_line) {
      int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (d < 0) return std::nullopt;
      size = size * 16 + static_cast<uint64_t>(d);
    }
    pos = eol + 1;
    if (size == 0) return out;  // trailers, if any, are ignored
    if (size > body.size() - pos) return std::nullopt;
    out.append(body.substr(pos, size));
    pos += size;
    if (body.substr(pos, 2) == "\r\n") pos += 2;
    else if (body.substr(pos, 1) == "\n") pos += 1;
  }
}

namespace {

// Inflates gzip (all members); nullopt if corrupt or larger than `max`.
std::optional<std::string> gunzip(std::string_view in, uint64_t max) {
  z_stream z;
  std::memset(&z, 0, sizeof(z));
  if (inflateInit2(&z, 15 + 16) != Z_OK) return std::nullopt;
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  char buf[1 << 16];
  bool ok = false;
  while (true) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof(buf);
    int rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - z.avail_out);
    if (out.size() > max) break;
    if (rc == Z_STREAM_END) {
      if (z.avail_in == 0 || z.next_in[0] != 0x1f) {
        ok = true;
        break;
      }
      inflateReset(&z);
      continue;
    }
    if (rc != Z_OK) break;  // Z_BUF_ERROR here means the input ended inside the member
  }
  inflateEnd(&z);
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace

std::optional<HttpResponse> parse_http_response(std::string_view block, std::string* error,
                                                const HttpOptions& options) {
  auto set_error = [&](const char* e) {
    if (error) *error = e;
    return std::nullopt;
  };
  HttpResponse r;
  size_t pos = 0;
  bool first = true, ended = false;
  while (pos < block.size()) {
    size_t eol = block.find('\n', pos);
    if (eol == std::string_view::npos) break;
    std::string_view line = block.substr(pos, eol - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = eol + 1;
    if (first) {
      if (line.substr(0, 5) != "HTTP/") return set_error("no HTTP status line");
      r.status_line = std::string(line);
      size_t sp = line.find(' ');
      if (sp != std::string_view::npos) {
        std::string_view code = line.substr(sp + 1, 3);
        if (code.size() == 3 && std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }))
          r.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
      }
      first = false;
      continue;
    }
    if (line.empty()) {
      ended = true;
      break;
    }
    // Lenient: a header line without a colon is kept as a nameless field, never fatal.
    if (!add_header_line(r.headers, line)) r.headers.add("", std::string(trim(line)));
  }
  if (first) return set_error("no HTTP status line");
  if (!ended) return set_error("HTTP headers not terminated by a blank line");
  std::string_view body = block.substr(pos);

  std::string_view te = r.headers.get("Transfer-Encoding");
  std::optional<std::string> dechunked;
  if (options.decode_chunked && te.find("chunked") != std::string_view::npos &&
      (dechunked = decode_chunked(body))) {
    r.chunked = true;
    r.payload = std::move(*dechunked);
  } else {
    r.payload = std::string(body);
  }
  std::string ce(trim(r.headers.get("Content-Encoding")));
  std::transform(ce.begin(), ce.end(), ce.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; });
  if (ce.empty() || ce == "identity") {
    r.content_encoding = "identity";
  } else if (ce == "gzip" || ce == "x-gzip") {
    if (r.payload.size() < 2 || static_cast<unsigned char>(r.payload[0]) != 0x1f ||
        static_cast<unsigned char>(r.payload[1]) != 0x8b) {
      r.content_encoding = "gzip_not_compressed";
    } else if (!options.decode_gzip) {
      r.content_encoding = "gzip_not_decoded";
    } else if (auto plain = gunzip(r.payload, options.max_decoded_bytes)) {
      r.payload = std::move(*plain);
      r.content_encoding = "gzip";
    } else {
      r.content_encoding = "gzip_corrupt";
    }
  } else {
    r.content_encoding = ce;
  }
  return r;
}

}  // namespace rpdata::io
