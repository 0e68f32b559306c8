// One probe request of the downloader (internal): a HEAD, or a GET of byte 0 for servers that
// refuse HEAD, reading only the status line and headers (and an error body for the message);
// the Fetcher's retry loop around it is Fetcher::probe (http_fetch.cpp).
#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>

#include "http_request.h"
#include "rpdata/core/error.h"

namespace rpdata::io::http {
namespace {

constexpr size_t kMaxErrorBody = 16 * 1024;  // bytes of a non-2xx body kept for messages
#ifndef CURL_WRITEFUNC_ERROR  // curl < 7.87
#define CURL_WRITEFUNC_ERROR 0xFFFFFFFF
#endif

// The latest response's headers (reset on each status line, so redirects don't mix).
struct ProbeState {
  long status = 0;
  std::optional<uint64_t> content_length;
  std::string content_range;
  std::string retry_after;
  std::string error_body;
  bool stopped = false;  // a 2xx body began: the probe has what it needs
};

size_t on_probe_header(char* data, size_t size, size_t nitems, void* user) {
  auto& p = *static_cast<ProbeState*>(user);
  size_t len = size * nitems;
  std::string_view line = trim(std::string_view(data, len));
  if (line.starts_with("HTTP/")) {
    p = ProbeState{};
    size_t sp = line.find(' ');
    if (sp != std::string_view::npos)
      if (auto code = parse_u64(line.substr(sp + 1, 3))) p.status = static_cast<long>(*code);
    return len;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return len;
  std::string name = lower(trim(line.substr(0, colon)));
  std::string_view value = trim(line.substr(colon + 1));
  if (name == "content-length") p.content_length = parse_u64(value);
  else if (name == "content-range") p.content_range = value;
  else if (name == "retry-after") p.retry_after = value;
  return len;
}

size_t on_probe_body(char* data, size_t size, size_t nmemb, void* user) {
  auto& p = *static_cast<ProbeState*>(user);
  size_t len = size * nmemb;
  if (p.status >= 200 && p.status < 300) {  // a server that ignored Range sends the whole file
    p.stopped = true;
    return CURL_WRITEFUNC_ERROR;
  }
  p.error_body.append(data, std::min(len, kMaxErrorBody - std::min(kMaxErrorBody, p.error_body.size())));
  return len;
}

}  // namespace

Outcome Requester::probe(const std::string& url, const std::string& shown, const std::string& host,
                         bool range_get, ProbeResult& out) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw DownloadError("curl_easy_init failed", shown);
  char errbuf[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();
  HeaderList headers = prepare(c, range_get ? "GET" : "HEAD", url, shown, errbuf);
  if (range_get) curl_easy_setopt(c, CURLOPT_RANGE, "0-0");
  else curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  ProbeState p;
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_probe_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &p);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_probe_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &p);
  CURLcode rc;
  {
    HostLimits::Slot slot(hosts_, host);
    rc = curl_easy_perform(c);
  }
  if (p.stopped) rc = CURLE_OK;
  if (p.status == 0) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &p.status);
  char* effective = nullptr;
  curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &effective);
  out.method = range_get ? "GET bytes=0-0" : "HEAD";
  out.url = redact_url(effective ? effective : url);
  out.status = p.status;
  out.size.reset();

  Outcome r;
  if (rc != CURLE_OK) {
    r.reason = fmt::format("{} (curl error {})", errbuf[0] ? errbuf : curl_easy_strerror(rc), static_cast<int>(rc));
    r.kind = retryable_curl_code(rc) ? Outcome::kRetry : Outcome::kFatal;
    out.status = 0;  // no complete answer
    return r;
  }
  auto range = parse_content_range(p.content_range);
  if (p.status == 206) out.size = range ? range->total : std::nullopt;
  else if (p.status >= 200 && p.status < 300) out.size = p.content_length;
  if (p.status == 416 && range && range->total == 0) {  // byte 0 of an empty file
    out.status = 200;
    out.size = 0;
  }
  if (out.status >= 200 && out.status < 300) {
    r.kind = Outcome::kComplete;
    return r;
  }
  r.reason = describe_status(p.status, p.error_body);
  r.status = p.status;
  if (retryable_status(p.status)) {
    r.kind = Outcome::kRetry;
    if (p.status == 429 || p.status == 503) r.retry_after_s = parse_retry_after(p.retry_after);
  } else {
    r.kind = Outcome::kFatal;
  }
  return r;
}

}  // namespace rpdata::io::http
