#include "http_util.h"

#include "rpdata/core/error.h"
#include "rpdata/io/hash.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <vector>
#include <cctype>
#include <cstdio>
#include <ctime>

namespace rpdata::io::http {
namespace {
constexpr double kBarRedrawS = 0.2;  // progress bar: at most 5 redraws per second

std::mutex& stderr_mutex() {
  static std::mutex mu;
  return mu;
}
}  // namespace

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

std::optional<uint64_t> parse_u64(std::string_view s) {
  s = trim(s);
  if (s.empty() || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

// URLs are logged and put in errors: presigned query parameters and user:password would leak
// credentials, so their values are replaced.
std::string redact_url(const std::string& url) {
  std::string out = url;
  size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    size_t start = scheme + 3;
    size_t end = out.find_first_of("/?#", start);
    std::string_view authority(out.data() + start,
                               (end == std::string::npos ? out.size() : end) - start);
    size_t at = authority.rfind('@');
    if (at != std::string_view::npos) out.replace(start, at, "***");
  }
  size_t q = out.find('?');
  if (q == std::string::npos) return out;
  size_t frag = out.find('#', q);
  std::string query = out.substr(q + 1, frag == std::string::npos ? std::string::npos : frag - q - 1);
  static constexpr std::array<std::string_view, 8> kSecretWords = {
      "signature", "sig", "token", "credential", "secret", "password", "key", "auth"};
  std::string redacted;
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    std::string param = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    size_t eq = param.find('=');
    std::string name = lower(param.substr(0, eq));
    bool secret = std::any_of(kSecretWords.begin(), kSecretWords.end(),
                              [&](std::string_view w) { return name.find(w) != std::string::npos; });
    if (secret && eq != std::string::npos) param = param.substr(0, eq + 1) + "REDACTED";
    if (!redacted.empty() || pos > 0) redacted += '&';
    redacted += param;
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return out.substr(0, q + 1) + redacted + (frag == std::string::npos ? "" : out.substr(frag));
}

// "scheme://host:port", the unit of the per-host limits; file URLs share one key.
std::string host_key(const std::string& url) {
  CURLU* u = curl_url();
  if (!u) return {};
  std::string key;
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
    char* scheme = nullptr;
    char* host = nullptr;
    char* port = nullptr;
    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
    curl_url_get(u, CURLUPART_HOST, &host, 0);
    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
    key = std::string(scheme ? scheme : "") + "://" + (host ? host : "") +
          (port ? std::string(":") + port : "");
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
  }
  curl_url_cleanup(u);
  return key;
}

bool is_file_url(const std::string& url) {
  return url.size() >= 7 && lower(url.substr(0, 7)) == "file://";
}

// Size of the local file a file:// URL names (curl's own length report is unreliable when
// resuming at the end of the file); nullopt if it cannot be stat'ed.
std::optional<uint64_t> local_file_size(const std::string& url) {
  CURLU* u = curl_url();
  if (!u) return std::nullopt;
  std::optional<uint64_t> size;
  char* path = nullptr;
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE) == CURLUE_OK && path) {
    struct stat st {};
    if (::stat(path, &st) == 0 && S_ISREG(st.st_mode)) size = static_cast<uint64_t>(st.st_size);
  }
  curl_free(path);
  curl_url_cleanup(u);
  return size;
}

std::string human_bytes(uint64_t n) {
  char buf[32];
  if (n < 1000000) std::snprintf(buf, sizeof buf, "%.1f kB", static_cast<double>(n) / 1e3);
  else if (n < 1000000000) std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(n) / 1e6);
  else std::snprintf(buf, sizeof buf, "%.2f GB", static_cast<double>(n) / 1e9);
  return buf;
}

std::optional<ContentRange> parse_content_range(std::string_view v) {
  v = trim(v);
  if (lower(v.substr(0, 6)) != "bytes ") return std::nullopt;
  v.remove_prefix(6);
  size_t slash = v.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  ContentRange cr;
  std::string_view range = trim(v.substr(0, slash));
  std::string_view total = trim(v.substr(slash + 1));
  if (total != "*") {
    cr.total = parse_u64(total);
    if (!cr.total) return std::nullopt;
  }
  if (range == "*") {
    cr.start = UINT64_MAX;
    return cr;
  }
  size_t dash = range.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto start = parse_u64(range.substr(0, dash));
  if (!start) return std::nullopt;
  cr.start = *start;
  return cr;
}

double parse_retry_after(std::string_view v) {
  v = trim(v);
  if (v.empty()) return -1;
  if (auto s = parse_u64(v)) return static_cast<double>(*s);
  std::string copy(v);
  time_t when = curl_getdate(copy.c_str(), nullptr);
  if (when < 0) return -1;
  return std::max(0.0, std::difftime(when, std::time(nullptr)));
}

Progress::Progress(std::string label, bool bar, double log_interval_s)
    : label_(std::move(label)), bar_(bar), log_interval_s_(log_interval_s), start_(Clock::now()), last_(start_) {}

// `have`: bytes in the file now; `total`: announced size if known; `delta`: new bytes.
void Progress::update(uint64_t have, std::optional<uint64_t> total, uint64_t delta) {
  transferred_ += delta;
  auto now = Clock::now();
  double since = std::chrono::duration<double>(now - last_).count();
  if (bar_ ? since < kBarRedrawS : (log_interval_s_ <= 0 || since < log_interval_s_)) return;
  last_ = now;
  std::string rate = human_bytes(static_cast<uint64_t>(
                         static_cast<double>(transferred_) / std::max(1e-9, elapsed_s()))) +
                     "/s";
  std::string pct = total && *total > 0
                        ? fmt::format("{:5.1f}%", 100.0 * static_cast<double>(have) / *total)
                        : std::string("    ?%");
  std::string total_s = total ? human_bytes(*total) : std::string("?");
  if (bar_) {
    std::lock_guard lock(stderr_mutex());
    std::fprintf(stderr, "\r\033[K%s %s / %s %s %s", label_.c_str(), human_bytes(have).c_str(),
                 total_s.c_str(), pct.c_str(), rate.c_str());
    std::fflush(stderr);
    drawn_ = true;
  } else {
    spdlog::info("downloading {}: {} / {} ({}), {}", label_, human_bytes(have), total_s,
                 trim(pct), rate);
  }
}


void Progress::finish() {
  if (!drawn_) return;
  std::lock_guard lock(stderr_mutex());
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}


double Progress::elapsed_s() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

// "HTTP 503 SlowDown" from an S3-style <Error><Code>..</Code> body, else "HTTP 503".
std::string describe_status(long status, const std::string& body) {
  std::string out = "HTTP " + std::to_string(status);
  size_t a = body.find("<Code>");
  size_t b = body.find("</Code>");
  if (a != std::string::npos && b != std::string::npos && b > a + 6 && b - a < 80)
    out += " " + body.substr(a + 6, b - a - 6);
  // A client error says why (S3: "The request signature we calculated does not match ...").
  size_t m = body.find("<Message>"), n = body.find("</Message>");
  if (status >= 400 && status < 500 && m != std::string::npos && n != std::string::npos && n > m + 9)
    out += ": " + body.substr(m + 9, std::min<size_t>(n - m - 9, 300));
  return out;
}

// Size, sha256 and md5 of a finished file against `expect`; "" when it matches.
std::string check_expect(const std::filesystem::path& path, uint64_t size, const Expect& expect) {
  if (expect.size && *expect.size != size)
    return fmt::format("size {} != expected {}", size, *expect.size);
  if (expect.sha256.empty() && expect.md5.empty()) return {};
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open for verification", path.string());
  Hasher sha(Hasher::Algo::kSha256);
  Hasher md5(Hasher::Algo::kMd5);
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    std::string_view chunk(buf.data(), static_cast<size_t>(in.gcount()));
    if (!expect.sha256.empty()) sha.update(chunk);
    if (!expect.md5.empty()) md5.update(chunk);
  }
  if (in.bad()) throw IoError("read error while verifying", path.string());
  if (!expect.sha256.empty()) {
    std::string got = sha.hex_digest();
    if (got != lower(expect.sha256)) return "sha256 " + got + " != expected " + lower(expect.sha256);
  }
  if (!expect.md5.empty()) {
    std::string got = md5.hex_digest();
    if (got != lower(expect.md5)) return "md5 " + got + " != expected " + lower(expect.md5);
  }
  return {};
}

}  // namespace rpdata::io::http
