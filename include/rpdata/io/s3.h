// A small S3 client for requester-pays buckets (arXiv's s3://arxiv/src/): AWS Signature V4
// written here (OpenSSL HMAC-SHA256), ListObjectsV2 with pagination and GET through the
// shared downloader (its retries, backoff on 503 SlowDown, Range resume), credentials from
// the standard AWS environment variables or ~/.aws/credentials. Secrets are never logged:
// they only reach the signing key, and the signed headers are not logged by the Fetcher.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rpdata/io/http_fetch.h"

namespace rpdata::io {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless temporary credentials
  std::string origin;         // "environment" or "<file> [profile]", for messages
};

// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN) first, else the profile
// $AWS_PROFILE (default "default") of $AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials.
// ConfigError saying where it looked when there are none.
AwsCredentials load_aws_credentials();
// One profile of a credentials file (INI: [name], key = value, '#'/';' comments).
std::optional<AwsCredentials> parse_aws_credentials(std::string_view text, std::string_view profile);

// AWS's URI encoding: unreserved characters (A-Z a-z 0-9 - . _ ~) kept, '/' kept unless
// `encode_slash`, everything else %XX (uppercase).
std::string aws_uri_encode(std::string_view s, bool encode_slash);

struct SigV4Scope {
  std::string region = "us-east-1";
  std::string service = "s3";
};

// The Authorization header value of AWS Signature V4 for one request. `url` is sent as is
// (path and query already AWS-encoded); `headers` are the (lowercase name, value) pairs to
// sign besides host (added from the URL); `amz_date` is "YYYYMMDDTHHMMSSZ".
std::string sigv4_authorization(const AwsCredentials& creds, const SigV4Scope& scope, std::string_view method,
                                const std::string& url, std::vector<std::pair<std::string, std::string>> headers,
                                std::string_view payload_sha256, std::string_view amz_date);

// The FetchOptions::sign hook for S3 GETs: x-amz-date (now), x-amz-content-sha256 (empty
// body), x-amz-request-payer: requester (when set), x-amz-security-token, Authorization.
std::function<std::vector<std::string>(std::string_view, const std::string&)> make_s3_signer(
    AwsCredentials creds, SigV4Scope scope, bool requester_pays);

struct S3Location {
  std::string bucket;
  std::string prefix;  // key prefix, may be empty
};
// "s3://bucket/prefix" -> {bucket, prefix}; ConfigError otherwise.
S3Location parse_s3_uri(std::string_view uri);

struct S3Object {
  std::string key;
  uint64_t size = 0;
  std::string etag;  // without quotes
};

struct S3Config {
  std::string bucket;
  std::string region = "us-east-1";
  // "" = https://<bucket>.s3.amazonaws.com/<key> (virtual-hosted); otherwise path-style
  // <endpoint>/<bucket>/<key> (a local S3 server in tests, or another S3 service).
  std::string endpoint;
  bool requester_pays = true;
};

class S3Client {
 public:
  S3Client(S3Config config, AwsCredentials creds, FetchOptions fetch = {});
  ~S3Client();

  std::string object_url(std::string_view key) const;
  // Every object under `prefix` (ListObjectsV2, following continuation tokens), in S3's
  // (lexicographic) order. `page_size` is max-keys per request (S3 caps it at 1000).
  std::vector<S3Object> list(std::string_view prefix, int page_size = 1000);
  // A small object into memory (the arXiv manifest).
  std::string get(std::string_view key);
  // An object to a file, resumable (the Fetcher's .part + Range).
  FetchResult fetch(std::string_view key, const std::filesystem::path& dest, const Expect& expect = {});
  // Options (with the signer) for another Fetcher that downloads this bucket's URLs.
  const FetchOptions& fetch_options() const { return options_; }

 private:
  S3Config config_;
  FetchOptions options_;
  std::unique_ptr<Fetcher> fetcher_;
};

// The parts of a ListObjectsV2 response page this client uses.
struct ListPage {
  std::vector<S3Object> objects;
  bool truncated = false;
  std::string next_token;
};
ListPage parse_list_objects_v2(std::string_view xml);
// XML character data with the five predefined entities and numeric references decoded.
std::string xml_unescape(std::string_view s);

}  // namespace rpdata::io
