// Google Cloud Storage JSON API listing for public buckets (PG-19's gs://deepmind-gutenberg,
// as the Hugging Face pg19 loader lists it): objects under a prefix with their size and md5
// (the API's base64 md5Hash, returned as lowercase hex for io::Expect), following
// nextPageToken, through the shared downloader's retry policy. A file:// endpoint is a local
// mirror of the bucket: <dir>/<bucket>/<object name>.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rpdata/io/http_fetch.h"

namespace rpdata::io {

struct GcsObject {
  std::string name;      // object name, e.g. "train/10001.txt"
  uint64_t size = 0;
  std::string md5;       // lowercase hex; empty when the listing has none (file:// mirrors)
};

// All objects whose name starts with `prefix`, sorted by name (bytewise). `endpoint` is e.g.
// "https://storage.googleapis.com" (GET <endpoint>/storage/v1/b/<bucket>/o?prefix=...).
// Throws DownloadError on HTTP failures after retries, InputError on a malformed page.
std::vector<GcsObject> gcs_list(Fetcher& fetcher, const std::string& endpoint, const std::string& bucket,
                                const std::string& prefix);
// One object's metadata (GET <endpoint>/storage/v1/b/<bucket>/o/<name, '/' encoded>).
GcsObject gcs_stat(Fetcher& fetcher, const std::string& endpoint, const std::string& bucket, const std::string& name);
// Where an object's bytes are served: <endpoint>/<bucket>/<name> (segments percent-encoded).
std::string gcs_object_url(const std::string& endpoint, const std::string& bucket, const std::string& name);
// Base64 (standard alphabet, '=' padding) to lowercase hex; "" if malformed.
std::string base64_to_hex(std::string_view b64);
// RFC 3986 unreserved characters kept, everything else %XX ('/' too).
std::string url_encode_component(std::string_view s);

}  // namespace rpdata::io
