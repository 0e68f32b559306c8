// Internal helpers of the downloader (not a public header): URL and header parsing, log
// redaction of secrets, and the progress display. Split from http_fetch.cpp by concern.
#pragma once

#include <chrono>
#include <filesystem>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "rpdata/io/http_fetch.h"

namespace rpdata::io::http {

using Clock = std::chrono::steady_clock;

std::string lower(std::string_view s);
std::string_view trim(std::string_view s);
std::optional<uint64_t> parse_u64(std::string_view s);
// The URL without user:password@ and with signature/token/credential/key query values hidden.
std::string redact_url(const std::string& url);
// "scheme://host:port" (lowercased) for per-host limits.
std::string host_key(const std::string& url);
bool is_file_url(const std::string& url);
// The size of a file:// URL's file, if it exists.
std::optional<uint64_t> local_file_size(const std::string& url);
std::string human_bytes(uint64_t n);

struct ContentRange {
  uint64_t start = 0;
  std::optional<uint64_t> total;  // "*" = unknown
};
// "bytes a-b/total" or "bytes */total" (the latter with start = UINT64_MAX).
std::optional<ContentRange> parse_content_range(std::string_view v);
// Seconds to wait from a Retry-After value (delta-seconds or an HTTP date); -1 if absent.
double parse_retry_after(std::string_view v);

// A one-line bar on a terminal, else an info line every `log_interval_s`.
class Progress {
 public:
  Progress(std::string label, bool bar, double log_interval_s);
  // `have`: bytes in the file now; `total`: announced size if known; `delta`: new bytes.
  void update(uint64_t have, std::optional<uint64_t> total, uint64_t delta);
  void finish();
  double elapsed_s() const;

 private:
  std::string label_;
  bool bar_;
  double log_interval_s_;
  Clock::time_point start_;
  Clock::time_point last_;
  uint64_t transferred_ = 0;
  bool drawn_ = false;
};

// "HTTP 503 SlowDown" from an S3-style <Error><Code>..</Code> body (plus the <Message> of a
// client error), else "HTTP 503".
std::string describe_status(long status, const std::string& body);
// Size, sha256 and md5 of a finished file against `expect`; "" when it matches.
std::string check_expect(const std::filesystem::path& path, uint64_t size, const Expect& expect);

}  // namespace rpdata::io::http
