// The shared downloader (libcurl) every source uses: retries with exponential backoff and
// full jitter on connection errors, 5xx, 429 and S3 SlowDown (honouring Retry-After), HTTP
// Range resume of partial files, size/checksum verification, per-host concurrency and
// request-rate limits, atomic rename, file:// support, and progress reporting.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rpdata::io {

struct FetchOptions {
  int max_attempts = 10;             // total tries per URL, first one included
  double backoff_initial_s = 1.0;    // first retry waits up to this (full jitter), doubling
  double backoff_max_s = 60.0;       // cap on one wait
  long connect_timeout_s = 30;
  long low_speed_bytes_per_s = 1024; // a transfer slower than this ...
  long low_speed_time_s = 60;        // ... for this long is aborted and retried
  int per_host_connections = 4;      // concurrent transfers per host, across threads
  double per_host_requests_per_s = 0;  // 0 = unlimited
  std::vector<std::string> headers;  // extra request headers, "Name: value"
  // Per-request headers, computed afresh for every attempt (e.g. an AWS Signature V4 with
  // the current time): given the method and the exact URL, returns "Name: value" lines sent
  // after `headers`. Must be thread-safe. Their values are never logged.
  std::function<std::vector<std::string>(std::string_view method, const std::string& url)> sign;
  // Called with each wait (seconds) chosen before a retry, before sleeping it; must be
  // thread-safe. Lets a caller see the backoff decisions (tests check them without clocks).
  std::function<void(double seconds)> on_retry_wait;
  std::string user_agent = "rpdata/0.1 (+https://github.com/rpdata)";
  // Progress: a bar on a TTY (stderr), otherwise an info log line every `log_interval_s`.
  bool progress = true;
  double log_interval_s = 30.0;
  uint64_t seed = 0;                 // jitter seed; 0 = from the clock
};

// What the source publishes about a file; empty fields are not checked.
struct Expect {
  std::optional<uint64_t> size;
  std::string sha256;  // lowercase hex
  std::string md5;     // lowercase hex
};

struct FetchResult {
  uint64_t bytes = 0;           // final file size
  int attempts = 0;             // requests made (0 if the file was already complete)
  bool resumed = false;         // some bytes came from an earlier partial download
  bool already_complete = false;
};

// A page fetched into memory with its final response's status and headers (redirects
// followed), for archiving as a WARC response record (the quality classifier's pages).
struct HttpPage {
  std::string url;                        // effective URL after redirects
  long status = 0;                        // final HTTP status (2xx; others throw)
  std::vector<std::string> header_lines;  // status line first, then "Name: value" lines
  std::string body;                       // decoded transfer, raw content encoding
  bool truncated = false;                 // body cut at max_body_bytes
};

// What a probe learned about a URL without downloading it.
struct ProbeResult {
  long status = 0;               // final HTTP status; a file:// URL gives 200 (a file) or 404
  std::optional<uint64_t> size;  // a HEAD's Content-Length, or the total of a 206's Content-Range
  std::string method;            // "HEAD", "GET bytes=0-0" (the server refused HEAD) or "stat" (file://)
  std::string url;               // the effective URL after redirects, redacted as in logs
  std::string failure;           // "" for 2xx, else the status described ("HTTP 403 AccessDenied: ...")
  int attempts = 0;              // requests made
  bool ok() const { return status >= 200 && status < 300; }
};

// Internal: what get_page collects from the transfer.
struct PageCapture {
  std::string effective_url;
  long status = 0;
  std::vector<std::string> header_lines;
  bool truncated = false;
};

class Fetcher {
 public:
  explicit Fetcher(FetchOptions options = {});
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  // Downloads `url` (http, https or file) to `dest`. Bytes go to `dest` + ".part", which is
  // kept across failures so a later call resumes it with a Range request; the file is
  // verified (Content-Length / Content-Range total, `expect`), fsynced and renamed to `dest`
  // only when complete. An existing `dest` is complete by construction and is returned as is
  // (after checking `expect`, re-downloading on mismatch). Throws DownloadError naming the
  // URL, the attempts made and the last failure. Thread-safe.
  FetchResult fetch(const std::string& url, const std::filesystem::path& dest,
                    const Expect& expect = {});

  // GETs a small body into memory (listings, checksum files) with the same retry policy.
  std::string get(const std::string& url);

  // GETs one page with the same retry policy (non-2xx after the retries: DownloadError),
  // keeping the final response's status line and headers; the body is cut (truncated) at
  // `max_body_bytes`, as CommonCrawl cuts payloads at 1 MiB. Thread-safe.
  HttpPage get_page(const std::string& url, uint64_t max_body_bytes);

  // Whether `url` is there, and its size, without downloading it: a HEAD (signed with method
  // HEAD when options.sign is set), or a GET of `Range: bytes=0-0` when the server refuses
  // HEAD (405, 501). Same retry policy as fetch (connection errors, 5xx, 429, Retry-After).
  // A final HTTP error status is returned (failure set), not thrown; DownloadError when no
  // response came after the retries (connection refused, no such host). Thread-safe.
  ProbeResult probe(const std::string& url);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rpdata::io
