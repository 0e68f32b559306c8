// Streaming WARC record reader (WARC/1.0, 1.1 and ClueWeb's 0.18) over any InputStream, and
// an HTTP `response` block splitter (chunked transfer decoding, gzip content decoding).
// Reads CommonCrawl WET segments for cc_net (RedPajama CC slice, spec §1.3) and the fetched
// Wikipedia-reference pages of the quality classifier (spec §1.7).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rpdata/io/input_stream.h"

namespace rpdata::io {

struct HeaderField {
  std::string name;   // as written in the file
  std::string value;  // leading/trailing spaces and tabs removed; folded lines joined by " "
};

// Header fields in file order with case-insensitive lookup (WARC and HTTP names are
// case-insensitive: ISO 28500 §5.1, RFC 9110 §5.1).
class HeaderList {
 public:
  // First field named `name` (ASCII case-insensitive), or nullptr.
  const std::string* find(std::string_view name) const;
  std::string_view get(std::string_view name, std::string_view fallback = {}) const;
  void add(std::string name, std::string value) { fields_.push_back({std::move(name), std::move(value)}); }
  const std::vector<HeaderField>& fields() const { return fields_; }
  std::vector<HeaderField>& fields() { return fields_; }
  size_t size() const { return fields_.size(); }
  void clear() { fields_.clear(); }

 private:
  std::vector<HeaderField> fields_;
};

struct WarcRecord {
  std::string version;  // "WARC/1.0", "WARC/1.1", "WARC/0.18"
  HeaderList headers;
  std::string block;    // exactly Content-Length bytes (binary-safe)
  uint64_t index = 0;   // 0-based position among the records of the file, dropped ones included
  uint64_t offset = 0;  // decompressed byte offset of the version line
  // Compressed bytes consumed from the file when the version line was parsed: the start of the
  // record's gzip member for one-member-per-record files read from a member boundary,
  // otherwise an upper bound (the stream reads ahead).
  uint64_t compressed_offset = 0;

  std::string_view type() const { return headers.get("WARC-Type"); }
};

struct WarcReaderOptions {
  // kStrict: a malformed record, a Content-Length beyond EOF or a damaged compressed stream
  // throws InputError (TruncatedInputError for a cut stream) with the path and the record's
  // decompressed start offset. kResync: the problem is counted in WarcReaderStats and the
  // reader continues at the next line starting with "WARC/" (or stops, counted, when the
  // stream itself is damaged: nothing after a gzip error can be trusted).
  enum class Mode { kStrict, kResync };
  Mode mode = Mode::kStrict;
  // kResync only: a damaged stream or a record cut by the end of input still throws (a lost
  // tail of a shard must not pass silently) unless this is false; then it is counted in
  // `truncated`/`stream_errors` and the reader stops after the intact records.
  bool throw_on_damage = true;
  // Blocks larger than this are skipped by streaming past them (never buffered) and counted
  // in `too_large`. CommonCrawl truncates payloads at 1 MiB (WARC) / WET texts are smaller.
  uint64_t max_record_bytes = 64ull << 20;
  // A header section longer than this (no blank line) is malformed: bounds memory on garbage.
  uint64_t max_header_bytes = 1ull << 20;
};

struct WarcReaderStats {
  uint64_t records = 0;         // records returned by next()
  uint64_t too_large = 0;       // records over max_record_bytes, skipped
  uint64_t malformed = 0;       // malformed headers / garbage regions skipped (kResync)
  uint64_t skipped_bytes = 0;   // bytes discarded while resynchronising (kResync)
  uint64_t truncated = 0;       // records cut by EOF or stream damage, dropped (kResync)
  uint64_t stream_errors = 0;   // decompression errors that ended the file (kResync)
  std::string last_problem;     // message of the last counted problem, for logs
};

class WarcReader {
 public:
  WarcReader(std::unique_ptr<InputStream> in, WarcReaderOptions options = {});
  static WarcReader open(const std::filesystem::path& path, WarcReaderOptions options = {});
  WarcReader(WarcReader&&) noexcept;
  WarcReader& operator=(WarcReader&&) noexcept;
  ~WarcReader();

  // Reads the next record into `record`; false at the end of the input.
  bool next(WarcRecord& record);
  const WarcReaderStats& stats() const { return stats_; }
  const std::string& path() const;
  // Decompressed / compressed bytes consumed so far.
  uint64_t offset() const;
  uint64_t compressed_offset() const;

 private:
  class Buffer;
  bool read_record(WarcRecord& record);
  bool skip_blank_lines();
  bool resync(bool skip_current);
  [[noreturn]] void fail(const std::string& what, uint64_t record_offset, bool truncated = false);
  void problem(const std::string& what, uint64_t record_offset);

  std::unique_ptr<Buffer> buf_;
  WarcReaderOptions options_;
  WarcReaderStats stats_;
  uint64_t index_ = 0;
  bool stopped_ = false;
};

// An HTTP response split out of a WARC `response` block (Content-Type application/http).
struct HttpResponse {
  std::string status_line;  // "HTTP/1.1 200 OK"
  int status = 0;           // 0 if the status line has no numeric code
  HeaderList headers;
  std::string payload;      // after transfer and content decoding as reported below
  bool chunked = false;     // Transfer-Encoding: chunked was decoded
  // Content-Encoding handling: "identity", "gzip" (decoded), "gzip_not_decoded" (decode_gzip
  // off), "gzip_not_compressed" (declared
  // gzip/x-gzip but the bytes have no gzip magic: ClueWeb09 stored decoded bodies and kept
  // the header; payload left as is), "gzip_corrupt" (payload left as is), or the declared
  // encoding when it is not one we decode (payload left as is).
  std::string content_encoding = "identity";
};

struct HttpOptions {
  bool decode_chunked = true;
  bool decode_gzip = true;
  uint64_t max_decoded_bytes = 64ull << 20;  // gzip bomb bound: larger output -> gzip_corrupt
};

// Splits status line, headers (CRLF or bare LF line ends, folded lines joined) and payload.
// Returns nullopt and sets `error` when there is no status line or no header terminator.
std::optional<HttpResponse> parse_http_response(std::string_view block, std::string* error = nullptr,
                                                const HttpOptions& options = {});

// RFC 9112 §7.1 chunked decoding: nullopt if the framing is malformed (no hex size line,
// a chunk running past the end). Chunk extensions and trailers are ignored.
std::optional<std::string> decode_chunked(std::string_view body);

}  // namespace rpdata::io
