// One request of the downloader (internal): curl set-up from the Fetcher's options, the
// header and body callbacks that route a response into a Sink (2xx bodies and 206 bodies
// starting at the requested byte; any other body is kept for the error message), and how the
// request ended, for the Fetcher's retry loop (http_fetch.cpp).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "rpdata/io/http_fetch.h"
#include "host_limits.h"
#include "http_util.h"
#include "part_file.h"

struct curl_slist;

namespace rpdata::io::http {

struct Outcome {
  // kRetry: a transient failure, the next request resumes; kRestart: the bytes in the sink
  // are unusable, start again from byte 0; kFatal: give up.
  enum Kind { kComplete, kRetry, kRestart, kFatal } kind = kFatal;
  std::string reason;
  double retry_after_s = -1;
  bool resumed = false;  // the completed file kept bytes from before this request
  long status = 0;       // the HTTP status of a non-2xx answer (0: no HTTP answer)
};

// Transient failures worth another request: transport errors (a CURLcode) and HTTP statuses
// (408, 429, 5xx). Anything else (bad URL, missing file://, TLS verification, 4xx) is final.
bool retryable_curl_code(int curl_code);
bool retryable_status(long status);

// Makes the requests of one Fetcher: holds the request header list built from its options
// and the per-host limits every transfer waits on. attempt() is thread-safe.
class Requester {
 public:
  // `options` must outlive this object. Initialises libcurl once per process.
  explicit Requester(const FetchOptions& options);
  ~Requester();
  Requester(const Requester&) = delete;
  Requester& operator=(const Requester&) = delete;

  // One request into `sink`, resuming from its current size when `resume` is set. `shown` is
  // the redacted URL for messages, `host` its host_key. Throws the sink's IoError.
  Outcome attempt(const std::string& url, const std::string& shown, const std::string& host,
                  Sink& sink, bool resume, Progress* progress, std::optional<uint64_t> expect_size,
                  PageCapture* capture);
  // One HEAD of `url`, or a GET of byte 0 when `range_get` (http_probe.cpp); fills `out`'s
  // status, size and effective URL. kComplete for 2xx.
  Outcome probe(const std::string& url, const std::string& shown, const std::string& host, bool range_get,
                ProbeResult& out);

 private:
  using HeaderList = std::unique_ptr<curl_slist, void (*)(curl_slist*)>;
  // The options every request shares (URL, protocols, redirects, timeouts, user agent) and
  // its headers: the options' list, plus the signed ones for `method` when options.sign is
  // set (the returned list, which must outlive the transfer).
  HeaderList prepare(void* curl, std::string_view method, const std::string& url, const std::string& shown,
                     char* errbuf);

  const FetchOptions& options_;
  curl_slist* headers_ = nullptr;
  HostLimits hosts_;
};

}  // namespace rpdata::io::http
