#include "rpdata/io/gcs_list.h"

#include <curl/curl.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>

#include "http_util.h"
#include "rpdata/core/error.h"

namespace rpdata::io {
namespace fs = std::filesystem;
namespace {

std::string api_base(const std::string& endpoint, const std::string& bucket) {
  std::string base = endpoint;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/storage/v1/b/" + url_encode_component(bucket) + "/o";
}

// A local path from a file:// URL (percent-decoded).
fs::path file_url_path(const std::string& url) {
  CURLU* u = curl_url();
  std::string out;
  char* path = nullptr;
  if (u && curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE) == CURLUE_OK && path)
    out = path;
  curl_free(path);
  if (u) curl_url_cleanup(u);
  if (out.empty()) throw ConfigError("not a usable file:// URL: " + url);
  return out;
}

GcsObject parse_object(simdjson::dom::element item, const std::string& where) {
  GcsObject o;
  std::string_view name, size, md5;
  if (item["name"].get(name)) throw InputError("GCS listing item without a name", where);
  o.name = std::string(name);
  // The JSON API sends size as a decimal string (uint64 in JSON strings).
  if (!item["size"].get(size)) {
    auto v = http::parse_u64(size);
    if (!v) throw InputError("GCS object " + o.name + " has a bad size '" + std::string(size) + "'", where);
    o.size = *v;
  }
  if (!item["md5Hash"].get(md5)) {
    o.md5 = base64_to_hex(md5);
    if (o.md5.size() != 32) throw InputError("GCS object " + o.name + " has a bad md5Hash", where);
  }
  return o;
}

}  // namespace

std::string url_encode_component(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string base64_to_hex(std::string_view b64) {
  static const char* kHex = "0123456789abcdef";
  std::string bytes;
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (char c : b64) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else if (c == '=') { ++pad; continue; }
    else return {};
    if (pad) return {};  // data after padding
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if ((b64.size() % 4) != 0 || pad > 2) return {};
  std::string hex;
  for (unsigned char c : bytes) {
    hex.push_back(kHex[c >> 4]);
    hex.push_back(kHex[c & 15]);
  }
  return hex;
}

std::string gcs_object_url(const std::string& endpoint, const std::string& bucket, const std::string& name) {
  std::string url = endpoint;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += "/" + url_encode_component(bucket);
  size_t pos = 0;
  while (pos <= name.size()) {
    size_t slash = name.find('/', pos);
    if (slash == std::string::npos) slash = name.size();
    url += "/" + url_encode_component(std::string_view(name).substr(pos, slash - pos));
    pos = slash + 1;
  }
  return url;
}

std::vector<GcsObject> gcs_list(Fetcher& fetcher, const std::string& endpoint, const std::string& bucket,
                                const std::string& prefix) {
  std::vector<GcsObject> out;
  if (http::is_file_url(endpoint)) {
    fs::path root = file_url_path(endpoint) / bucket;
    if (!fs::is_directory(root)) throw ConfigError("bucket mirror " + root.string() + " is not a directory");
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      if (!e.is_regular_file()) continue;
      std::string name = fs::relative(e.path(), root).generic_string();
      if (name.compare(0, prefix.size(), prefix) != 0) continue;
      out.push_back({name, e.file_size(), {}});
    }
  } else {
    std::string page_token;
    simdjson::dom::parser parser;
    do {
      std::string url = api_base(endpoint, bucket) + "?prefix=" + url_encode_component(prefix) +
                        "&fields=" + url_encode_component("items(name,size,md5Hash),nextPageToken");
      if (!page_token.empty()) url += "&pageToken=" + url_encode_component(page_token);
      std::string body = fetcher.get(url);
      simdjson::dom::element doc;
      if (parser.parse(body).get(doc)) throw InputError("GCS listing page is not JSON", http::redact_url(url));
      simdjson::dom::array items;
      if (!doc["items"].get(items))
        for (auto item : items) out.push_back(parse_object(item, http::redact_url(url)));
      std::string_view next;
      page_token = doc["nextPageToken"].get(next) ? std::string() : std::string(next);
    } while (!page_token.empty());
  }
  std::sort(out.begin(), out.end(), [](const GcsObject& a, const GcsObject& b) { return a.name < b.name; });
  for (size_t i = 1; i < out.size(); ++i)
    if (out[i].name == out[i - 1].name) throw InputError("GCS listing repeats object " + out[i].name, endpoint);
  return out;
}

GcsObject gcs_stat(Fetcher& fetcher, const std::string& endpoint, const std::string& bucket, const std::string& name) {
  if (http::is_file_url(endpoint)) {
    fs::path p = file_url_path(endpoint) / bucket / name;
    std::error_code ec;
    uint64_t size = fs::file_size(p, ec);
    if (ec) throw DownloadError("no such object in the bucket mirror", p.string());
    return {name, size, {}};
  }
  std::string url = api_base(endpoint, bucket) + "/" + url_encode_component(name);
  std::string body = fetcher.get(url);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc)) throw InputError("GCS object metadata is not JSON", http::redact_url(url));
  return parse_object(doc, http::redact_url(url));
}

}  // namespace rpdata::io
