// One request of the downloader (internal): curl set-up from the Fetcher's options, the
// header and body callbacks that route a response into a Sink (2xx bodies and 206 bodies
// starting at the requested byte; any other body is kept for the error message), and how the
// request ended, for the Fetcher's retry loop (http_fetch.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

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
};

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

 private:
  const FetchOptions& options_;
  curl_slist* headers_ = nullptr;
  HostLimits hosts_;
};

}  // namespace rpdata::io::http
