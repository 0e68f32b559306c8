#include "rpdata/io/s3.h"

#include <openssl/hmac.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

#include "rpdata/core/error.h"
#include "rpdata/io/hash.h"

namespace rpdata::io {
namespace {

constexpr std::string_view kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string trim(std::string_view s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string_view::npos) return {};
  size_t b = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(a, b - a + 1));
}

std::string hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len))
    throw Error("HMAC-SHA256 failed");
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string hex(std::string_view bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

struct UrlParts {
  std::string host;   // authority as sent in Host (userinfo removed)
  std::string path;   // "/..." (already encoded)
  std::string query;  // without '?'
};

UrlParts split_url(const std::string& url) {
  UrlParts u;
  size_t scheme = url.find("://");
  size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  size_t slash = url.find_first_of("/?", start);
  std::string authority = url.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
  if (size_t at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
  u.host = authority;
  std::string rest = slash == std::string::npos ? "/" : url.substr(slash);
  size_t q = rest.find('?');
  u.path = rest.substr(0, q);
  if (u.path.empty()) u.path = "/";
  if (q != std::string::npos) u.query = rest.substr(q + 1);
  return u;
}

// Sorted "k=v" pairs (already encoded); a bare "k" becomes "k=".
std::string canonical_query(const std::string& query) {
  if (query.empty()) return {};
  std::vector<std::pair<std::string, std::string>> kv;
  std::stringstream ss(query);
  std::string item;
  while (std::getline(ss, item, '&')) {
    if (item.empty()) continue;
    size_t eq = item.find('=');
    kv.emplace_back(item.substr(0, eq), eq == std::string::npos ? "" : item.substr(eq + 1));
  }
  std::sort(kv.begin(), kv.end());
  std::string out;
  for (const auto& [k, v] : kv) out += (out.empty() ? "" : "&") + k + "=" + v;
  return out;
}

std::string amz_now() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string tag_value(std::string_view xml, std::string_view tag, size_t from = 0) {
  std::string open = "<" + std::string(tag) + ">", close = "</" + std::string(tag) + ">";
  size_t a = xml.find(open, from);
  if (a == std::string_view::npos) return {};
  a += open.size();
  size_t b = xml.find(close, a);
  if (b == std::string_view::npos) return {};
  return xml_unescape(xml.substr(a, b - a));
}

}  // namespace

std::optional<AwsCredentials> parse_aws_credentials(std::string_view text, std::string_view profile) {
  std::istringstream in{std::string(text)};
  std::string line, section;
  AwsCredentials c;
  bool found = false;
  while (std::getline(in, line)) {
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      section = trim(std::string_view(t).substr(1, t.size() - 2));
      if (section.rfind("profile ", 0) == 0) section = trim(section.substr(8));
      continue;
    }
    if (section != profile) continue;
    size_t eq = t.find('=');
    if (eq == std::string::npos) continue;
    std::string key = trim(std::string_view(t).substr(0, eq)), value = trim(std::string_view(t).substr(eq + 1));
    if (key == "aws_access_key_id") c.access_key_id = value, found = true;
    else if (key == "aws_secret_access_key") c.secret_access_key = value;
    else if (key == "aws_session_token") c.session_token = value;
  }
  if (!found || c.access_key_id.empty() || c.secret_access_key.empty()) return std::nullopt;
  return c;
}

AwsCredentials load_aws_credentials() {
  auto env = [](const char* n) -> std::string {
    const char* v = std::getenv(n);
    return v ? v : "";
  };
  AwsCredentials c;
  c.access_key_id = env("AWS_ACCESS_KEY_ID");
  c.secret_access_key = env("AWS_SECRET_ACCESS_KEY");
  if (!c.access_key_id.empty() && !c.secret_access_key.empty()) {
    c.session_token = env("AWS_SESSION_TOKEN");
    c.origin = "environment";
    return c;
  }
  std::string profile = env("AWS_PROFILE");
  if (profile.empty()) profile = "default";
  std::filesystem::path file = env("AWS_SHARED_CREDENTIALS_FILE");
  if (file.empty() && !env("HOME").empty()) file = std::filesystem::path(env("HOME")) / ".aws" / "credentials";
  if (!file.empty()) {
    std::ifstream in(file);
    if (in) {
      std::stringstream ss;
      ss << in.rdbuf();
      if (auto parsed = parse_aws_credentials(ss.str(), profile)) {
        parsed->origin = file.string() + " [" + profile + "]";
        return *parsed;
      }
    }
  }
  throw ConfigError("no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN "
                    "for temporary ones), or add profile [" + profile + "] to " +
                    (file.empty() ? std::string("~/.aws/credentials") : file.string()) +
                    " (AWS_PROFILE selects the profile)");
}

std::string aws_uri_encode(std::string_view s, bool encode_slash) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                c == '.' || c == '_' || c == '~' || (c == '/' && !encode_slash);
    if (keep) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string sigv4_authorization(const AwsCredentials& creds, const SigV4Scope& scope, std::string_view method,
                                const std::string& url, std::vector<std::pair<std::string, std::string>> headers,
                                std::string_view payload_sha256, std::string_view amz_date) {
  UrlParts u = split_url(url);
  headers.emplace_back("host", u.host);
  for (auto& [k, v] : headers) {
    std::transform(k.begin(), k.end(), k.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    v = trim(v);
  }
  std::sort(headers.begin(), headers.end());
  std::string canon_headers, signed_headers;
  for (const auto& [k, v] : headers) {
    canon_headers += k + ":" + v + "\n";
    signed_headers += (signed_headers.empty() ? "" : ";") + k;
  }
  std::string canonical = std::string(method) + "\n" + u.path + "\n" + canonical_query(u.query) + "\n" +
                          canon_headers + "\n" + signed_headers + "\n" + std::string(payload_sha256);
  std::string day(amz_date.substr(0, 8));
  std::string cred_scope = day + "/" + scope.region + "/" + scope.service + "/aws4_request";
  std::string to_sign = "AWS4-HMAC-SHA256\n" + std::string(amz_date) + "\n" + cred_scope + "\n" + sha256_hex(canonical);
  std::string key = hmac("AWS4" + creds.secret_access_key, day);
  key = hmac(key, scope.region);
  key = hmac(key, scope.service);
  key = hmac(key, "aws4_request");
  return "AWS4-HMAC-SHA256 Credential=" + creds.access_key_id + "/" + cred_scope + ", SignedHeaders=" +
         signed_headers + ", Signature=" + hex(hmac(key, to_sign));
}

std::function<std::vector<std::string>(std::string_view, const std::string&)> make_s3_signer(
    AwsCredentials creds, SigV4Scope scope, bool requester_pays) {
  return [creds = std::move(creds), scope = std::move(scope), requester_pays](std::string_view method,
                                                                               const std::string& url) {
    std::string date = amz_now();
    std::vector<std::pair<std::string, std::string>> h = {{"x-amz-content-sha256", std::string(kEmptySha256)},
                                                          {"x-amz-date", date}};
    if (requester_pays) h.emplace_back("x-amz-request-payer", "requester");
    if (!creds.session_token.empty()) h.emplace_back("x-amz-security-token", creds.session_token);
    std::vector<std::string> out;
    for (const auto& [k, v] : h) out.push_back(k + ": " + v);
    out.push_back("Authorization: " + sigv4_authorization(creds, scope, method, url, h, kEmptySha256, date));
    return out;
  };
}

S3Location parse_s3_uri(std::string_view uri) {
  if (!uri.starts_with("s3://") || uri.size() == 5) throw ConfigError("not an s3://bucket/prefix URI: " + std::string(uri));
  uri.remove_prefix(5);
  size_t slash = uri.find('/');
  S3Location loc;
  loc.bucket = std::string(uri.substr(0, slash));
  if (slash != std::string_view::npos) loc.prefix = std::string(uri.substr(slash + 1));
  if (loc.bucket.empty()) throw ConfigError("s3 URI without a bucket: s3://" + std::string(uri));
  return loc;
}

std::string xml_unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out.push_back(s[i]);
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out.push_back('&');
      continue;
    }
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    std::string rep;
    if (ent == "amp") rep = "&";
    else if (ent == "lt") rep = "<";
    else if (ent == "gt") rep = ">";
    else if (ent == "quot") rep = "\"";
    else if (ent == "apos") rep = "'";
    else if (ent.size() > 1 && ent[0] == '#') {
      uint32_t cp = static_cast<uint32_t>(ent[1] == 'x' ? std::strtoul(std::string(ent.substr(2)).c_str(), nullptr, 16)
                                                          : std::strtoul(std::string(ent.substr(1)).c_str(), nullptr, 10));
      if (cp < 0x80) rep.push_back(static_cast<char>(cp));
      else if (cp < 0x800) rep += {static_cast<char>(0xc0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3f))};
      else if (cp < 0x10000)
        rep += {static_cast<char>(0xe0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3f)),
                static_cast<char>(0x80 | (cp & 0x3f))};
      else
        rep += {static_cast<char>(0xf0 | (cp >> 18)), static_cast<char>(0x80 | ((cp >> 12) & 0x3f)),
                static_cast<char>(0x80 | ((cp >> 6) & 0x3f)), static_cast<char>(0x80 | (cp & 0x3f))};
    } else {
      out.push_back('&');
      continue;
    }
    out += rep;
    i = semi;
  }
  return out;
}

ListPage parse_list_objects_v2(std::string_view xml) {
  ListPage page;
  for (size_t a = xml.find("<Contents>"); a != std::string_view::npos; a = xml.find("<Contents>", a + 1)) {
    size_t b = xml.find("</Contents>", a);
    if (b == std::string_view::npos) throw DownloadError("ListObjectsV2: unterminated <Contents>");
    std::string_view c = xml.substr(a, b - a);
    S3Object o;
    o.key = tag_value(c, "Key");
    std::string size = tag_value(c, "Size");
    o.size = size.empty() ? 0 : std::stoull(size);
    o.etag = tag_value(c, "ETag");
    o.etag.erase(std::remove(o.etag.begin(), o.etag.end(), '"'), o.etag.end());
    page.objects.push_back(std::move(o));
  }
  page.truncated = tag_value(xml, "IsTruncated") == "true";
  page.next_token = tag_value(xml, "NextContinuationToken");
  return page;
}

S3Client::S3Client(S3Config config, AwsCredentials creds, FetchOptions fetch)
    : config_(std::move(config)), options_(std::move(fetch)) {
  options_.sign = make_s3_signer(std::move(creds), SigV4Scope{config_.region, "s3"}, config_.requester_pays);
  fetcher_ = std::make_unique<Fetcher>(options_);
}
S3Client::~S3Client() = default;

std::string S3Client::object_url(std::string_view key) const {
  std::string k = aws_uri_encode(key, false);
  if (config_.endpoint.empty()) return "https://" + config_.bucket + ".s3.amazonaws.com/" + k;
  std::string e = config_.endpoint;
  while (!e.empty() && e.back() == '/') e.pop_back();
  return e + "/" + config_.bucket + "/" + k;
}

std::vector<S3Object> S3Client::list(std::string_view prefix, int page_size) {
  std::vector<S3Object> all;
  std::string token;
  std::string base = object_url("");
  for (int pages = 0;; ++pages) {
    if (pages > 1000000) throw DownloadError("ListObjectsV2: too many pages", base);
    std::string url = base + "?list-type=2&max-keys=" + std::to_string(std::clamp(page_size, 1, 1000)) +
                      "&prefix=" + aws_uri_encode(prefix, true);
    if (!token.empty()) url += "&continuation-token=" + aws_uri_encode(token, true);
    ListPage page = parse_list_objects_v2(fetcher_->get(url));
    for (auto& o : page.objects) all.push_back(std::move(o));
    if (!page.truncated) break;
    if (page.next_token.empty() || page.next_token == token)
      throw DownloadError("ListObjectsV2: truncated page without a new NextContinuationToken", base);
    token = page.next_token;
  }
  return all;
}

std::string S3Client::get(std::string_view key) { return fetcher_->get(object_url(key)); }

FetchResult S3Client::fetch(std::string_view key, const std::filesystem::path& dest, const Expect& expect) {
  return fetcher_->fetch(object_url(key), dest, expect);
}

}  // namespace rpdata::io
