// One downloader request through libcurl: the transfer state the callbacks share, how a
// response's headers and body are routed, and the classification of how the request ended.
#include "http_request.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "rpdata/core/error.h"

namespace rpdata::io::http {
namespace {

constexpr size_t kMaxErrorBody = 16 * 1024;      // bytes of a non-2xx body kept for messages
constexpr long kCurlBufferSize = 256 * 1024;     // bytes per write callback, at most
#ifndef CURL_WRITEFUNC_ERROR  // curl < 7.87
#define CURL_WRITEFUNC_ERROR 0xFFFFFFFF
#endif

void curl_global_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw DownloadError("curl_global_init failed");
  });
}

// One request's state, shared with the curl callbacks.
struct Transfer {
  Sink* sink = nullptr;
  Progress* progress = nullptr;
  const std::string* shown_url = nullptr;  // redacted, for log lines
  bool file_scheme = false;
  std::optional<uint64_t> local_size;  // file:// only: the source file's size
  uint64_t offset = 0;  // bytes already in the sink when the request was made

  // Headers of the latest response (reset on each status line, so redirects don't mix).
  long status = 0;
  std::optional<uint64_t> content_length;
  std::string content_range;
  std::string retry_after;

  bool decided = false;  // body routing chosen (first body byte, or after the transfer)
  bool to_sink = false;  // 2xx body → sink; otherwise kept in error_body
  std::optional<uint64_t> total;
  uint64_t received = 0;  // body bytes written to the sink by this request
  std::string error_body;

  bool range_mismatch = false;
  std::string mismatch_reason;
  std::exception_ptr local_error;  // IoError from the sink, rethrown after perform

  // get_page only: the latest response's raw header lines, and whether the body hit the cap.
  std::vector<std::string>* header_lines = nullptr;
  bool stopped_full = false;
};

void decide(Transfer& t) {
  t.decided = true;
  if (t.file_scheme) {
    t.total = t.local_size;
    t.to_sink = true;
    return;
  }
  if (t.status == 206) {
    auto cr = parse_content_range(t.content_range);
    if (!cr || cr->start != t.offset) {
      t.range_mismatch = true;
      t.mismatch_reason = "206 with Content-Range '" + t.content_range + "' for a request from byte " +
                          std::to_string(t.offset);
      return;
    }
    t.total = cr->total;
    t.to_sink = true;
    return;
  }
  if (t.status >= 200 && t.status < 300) {
    if (t.offset > 0) {  // the server ignored Range: the body is the whole file
      spdlog::warn("fetch {}: server ignored Range (HTTP {}), taking the whole body from byte 0",
                   *t.shown_url, t.status);
      t.sink->truncate();
      t.offset = 0;
    }
    t.total = t.content_length;
    t.to_sink = true;
  }
}

void parse_header_line(Transfer& t, std::string_view line) {
  line = trim(line);
  if (t.header_lines && line.size() >= 5 && line.substr(0, 5) == "HTTP/") t.header_lines->clear();
  if (t.header_lines && !line.empty()) t.header_lines->emplace_back(line);
  if (line.size() >= 5 && line.substr(0, 5) == "HTTP/") {
    t.status = 0;
    size_t sp = line.find(' ');
    if (sp != std::string_view::npos) {
      auto code = parse_u64(line.substr(sp + 1, 3));
      if (code) t.status = static_cast<long>(*code);
    }
    t.content_length.reset();
    t.content_range.clear();
    t.retry_after.clear();
    return;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return;
  std::string name = lower(trim(line.substr(0, colon)));
  std::string_view value = trim(line.substr(colon + 1));
  if (name == "content-length") t.content_length = parse_u64(value);
  else if (name == "content-range") t.content_range = value;
  else if (name == "retry-after") t.retry_after = value;
}

size_t on_header(char* data, size_t size, size_t nitems, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  size_t len = size * nitems;
  try {
    parse_header_line(t, std::string_view(data, len));
  } catch (...) {  // exceptions must not cross libcurl's C frames
    t.local_error = std::current_exception();
    return CURL_WRITEFUNC_ERROR;
  }
  return len;
}

size_t on_body(char* data, size_t size, size_t nmemb, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  size_t len = size * nmemb;
  try {
    if (!t.decided) decide(t);
    if (t.range_mismatch) return CURL_WRITEFUNC_ERROR;
    if (!t.to_sink) {
      size_t keep = std::min(len, kMaxErrorBody - std::min(kMaxErrorBody, t.error_body.size()));
      t.error_body.append(data, keep);
      return len;
    }
    t.sink->append(data, len);
    t.received += len;
    if (t.progress) t.progress->update(t.sink->size(), t.total, len);
    if (t.sink->full()) {  // get_page's size cap: stop the transfer, keep what we have
      t.stopped_full = true;
      return CURL_WRITEFUNC_ERROR;
    }
  } catch (...) {
    t.local_error = std::current_exception();
    return CURL_WRITEFUNC_ERROR;
  }
  return len;
}

}  // namespace

Requester::Requester(const FetchOptions& options) : options_(options), hosts_(options) {
  curl_global_once();
  for (const auto& h : options_.headers) {
    curl_slist* next = curl_slist_append(headers_, h.c_str());
    if (!next) throw DownloadError("cannot build the request header list");
    headers_ = next;
  }
}

Requester::~Requester() { curl_slist_free_all(headers_); }

bool retryable_curl_code(int curl_code) {
  switch (static_cast<CURLcode>(curl_code)) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_PARTIAL_FILE:
    case CURLE_OPERATION_TIMEDOUT:  // includes the low-speed (stall) abort
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
    case CURLE_QUIC_CONNECT_ERROR:
    case CURLE_WEIRD_SERVER_REPLY:
      return true;
    default:
      return false;
  }
}

bool retryable_status(long status) { return status == 408 || status == 429 || status >= 500; }

Requester::HeaderList Requester::prepare(void* curl, std::string_view method, const std::string& url,
                                         const std::string& shown, char* errbuf) {
  CURL* c = curl;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,file");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, options_.connect_timeout_s);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_bytes_per_s);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, options_.low_speed_time_s);
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(c, CURLOPT_BUFFERSIZE, kCurlBufferSize);
  curl_easy_setopt(c, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  // Signed headers are made per attempt (a signature carries its time) on a private list.
  HeaderList signed_headers(nullptr, curl_slist_free_all);
  if (options_.sign) {
    curl_slist* list = nullptr;
    for (const curl_slist* h = headers_; h; h = h->next) list = curl_slist_append(list, h->data);
    for (const auto& h : options_.sign(method, url)) {
      curl_slist* next = curl_slist_append(list, h.c_str());
      if (!next) {
        curl_slist_free_all(list);
        throw DownloadError("cannot build the request header list", shown);
      }
      list = next;
    }
    signed_headers.reset(list);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  } else if (headers_) {
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers_);
  }
  return signed_headers;
}

Outcome Requester::attempt(const std::string& url, const std::string& shown, const std::string& host,
                           Sink& sink, bool resume, Progress* progress,
                           std::optional<uint64_t> expect_size, PageCapture* capture) {
  if (!resume) sink.truncate();
  Transfer t;
  if (capture) t.header_lines = &capture->header_lines;
  t.sink = &sink;
  t.shown_url = &shown;
  t.progress = progress;
  t.file_scheme = is_file_url(url);
  if (t.file_scheme) t.local_size = local_file_size(url);
  t.offset = sink.size();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw DownloadError("curl_easy_init failed", shown);
  char errbuf[CURL_ERROR_SIZE] = {0};
  std::string range = std::to_string(t.offset) + "-";
  CURL* c = curl.get();
  HeaderList headers = prepare(c, "GET", url, shown, errbuf);
  if (t.offset > 0) curl_easy_setopt(c, CURLOPT_RANGE, range.c_str());
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);

  CURLcode rc;
  {
    HostLimits::Slot slot(hosts_, host);
    rc = curl_easy_perform(c);
  }
  if (t.local_error) std::rethrow_exception(t.local_error);
  if (!t.file_scheme && t.status == 0) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &t.status);
  if (capture) {
    char* effective = nullptr;
    curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &effective);
    capture->effective_url = effective ? effective : url;
    capture->status = t.status;
    capture->truncated = t.stopped_full;
    if (t.stopped_full) rc = CURLE_OK;  // the cap, not a failure
  }
  if (rc == CURLE_OK && !t.decided) decide(t);  // empty body: no write callback ran

  Outcome out;
  if (t.range_mismatch) {
    out.kind = Outcome::kRestart;
    out.reason = t.mismatch_reason;
    return out;
  }
  if (rc != CURLE_OK) {
    out.reason = fmt::format("{} (curl error {})", errbuf[0] ? errbuf : curl_easy_strerror(rc),
                             static_cast<int>(rc));
    if (t.decided && t.to_sink && t.total && t.received > 0)
      out.reason += fmt::format(" at byte {} of {}", sink.size(), *t.total);
    if (rc == CURLE_BAD_DOWNLOAD_RESUME || rc == CURLE_RANGE_ERROR)
      out.kind = Outcome::kRestart;  // file:// .part longer than the file
    else
      out.kind = retryable_curl_code(rc) ? Outcome::kRetry : Outcome::kFatal;
    return out;
  }
  if (t.to_sink) {
    uint64_t have = sink.size();
    std::optional<uint64_t> want = t.total ? t.total : expect_size;
    if (want && have < *want && !t.stopped_full) {
      out.kind = Outcome::kRetry;
      out.reason = fmt::format("body ended at byte {} of {}", have, *want);
    } else if (t.total && have > *t.total) {
      out.kind = Outcome::kRestart;
      out.reason = fmt::format("{} bytes on disk but the server announced {}", have, *t.total);
    } else {
      out.kind = Outcome::kComplete;
      out.resumed = t.offset > 0;
    }
    return out;
  }
  if (t.status == 416 && t.offset > 0) {
    auto cr = parse_content_range(t.content_range);
    if (cr && cr->total && *cr->total == t.offset) {
      out.kind = Outcome::kComplete;  // the .part already holds the whole file
      out.resumed = true;
    } else {
      out.kind = Outcome::kRestart;
      out.reason = fmt::format("HTTP 416 for a resume from byte {} (Content-Range '{}')",
                               t.offset, t.content_range);
    }
    return out;
  }
  out.reason = describe_status(t.status, t.error_body);
  out.status = t.status;
  if (retryable_status(t.status)) {
    out.kind = Outcome::kRetry;
    if (t.status == 429 || t.status == 503) out.retry_after_s = parse_retry_after(t.retry_after);
    if (out.retry_after_s >= 0) out.reason += fmt::format(" (Retry-After {} s)", out.retry_after_s);
  } else {
    out.kind = Outcome::kFatal;
  }
  return out;
}

}  // namespace rpdata::io::http
