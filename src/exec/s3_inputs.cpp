// Inputs of a recipe whose [download] names an S3 prefix (arXiv's requester-pays bucket):
// ListObjectsV2 for the file list, the bucket's manifest for sizes and md5s, and the
// requester-pays cost estimate that `--yes` must confirm before any byte is fetched.
#include <spdlog/spdlog.h>

#include "inputs.h"
#include "rpdata/core/error.h"
#include "rpdata/io/s3.h"
#include "rpdata/sources/arxiv/arxiv.h"

namespace rpdata::exec {
namespace fs = std::filesystem;

S3Listing list_s3_inputs(const Settings& s, const io::FetchOptions& base) {
  io::S3Location loc = io::parse_s3_uri(s.s3_uri);
  io::AwsCredentials creds = io::load_aws_credentials();
  spdlog::info("s3: credentials from {} (access key {}...)", creds.origin,
               creds.access_key_id.substr(0, std::min<size_t>(4, creds.access_key_id.size())));
  io::FetchOptions fo = base;
  fo.max_attempts = s.max_attempts;
  fo.per_host_connections = s.per_host_connections;
  fo.per_host_requests_per_s = s.requests_per_s;
  io::S3Client client({loc.bucket, s.s3_region, s.s3_endpoint, s.requester_pays}, creds, fo);

  S3Listing out;
  out.fetch = client.fetch_options();
  out.bucket_url = "s3://" + loc.bucket + "/" + loc.prefix;
  if (!s.s3_manifest.empty()) {
    for (const auto& e : sources::arxiv::parse_manifest(client.get(loc.prefix + s.s3_manifest))) {
      std::string name = e.filename.substr(e.filename.rfind('/') + 1);
      io::Expect x;
      x.size = e.size;
      x.md5 = e.md5;
      out.expects[name] = x;
    }
  }
  for (const auto& o : client.list(loc.prefix)) {
    std::string name = o.key.substr(o.key.rfind('/') + 1);
    if (o.key.size() <= loc.prefix.size() || name.empty() || o.key.substr(loc.prefix.size()).find('/') != std::string::npos)
      continue;  // only files directly under the prefix
    if (!name.starts_with(s.s3_name_prefix) || !name.ends_with(s.s3_name_suffix)) continue;
    if (!s.s3_manifest.empty() && name == s.s3_manifest) continue;
    out.units.push_back({name, client.object_url(o.key), ""});
    auto& x = out.expects[name];
    if (!x.size) x.size = o.size;  // the listing's size when the manifest lacks the file
  }
  if (out.units.empty()) throw ConfigError("no objects under " + out.bucket_url + " match the recipe's name_prefix/name_suffix");
  return out;
}

void confirm_s3_cost(const S3Listing& listing, const Settings& s, const std::vector<const PlanUnit*>& units,
                     const fs::path& raw_dir, bool yes) {
  uint64_t bytes = 0, files = 0, unknown = 0;
  for (const PlanUnit* u : units) {
    std::error_code ec;
    if (fs::exists(raw_dir / u->name, ec)) continue;  // already downloaded
    auto it = listing.expects.find(u->name);
    if (it == listing.expects.end() || !it->second.size) {
      ++unknown;
      continue;
    }
    uint64_t have = 0;
    if (auto part = raw_dir / (u->name + ".part"); fs::exists(part, ec)) have = fs::file_size(part, ec);
    bytes += *it->second.size > have ? *it->second.size - have : 0;
    ++files;
  }
  double usd = sources::arxiv::requester_pays_usd(bytes, files, s.price_per_gb);
  spdlog::info(
      "{}: {} file(s) to fetch, {} bytes ({:.2f} GiB){}; estimated requester-pays cost ${:.2f} "
      "(egress ${:.2f}/GB, AWS S3 pricing page, data transfer out to the internet, first 10 TB/month, "
      "us-east-1, as of 2026-11; plus $0.0004 per 1,000 GETs)",
      listing.bucket_url, files, bytes, static_cast<double>(bytes) / (1ull << 30),
      unknown ? fmt::format(" + {} of unknown size", unknown) : "", usd, s.price_per_gb);
  if ((bytes > 0 || unknown > 0) && !yes)
    throw ConfigError(fmt::format("downloading from {} costs about ${:.2f} billed to your AWS account "
                                  "(requester pays); rerun with --yes to proceed",
                                  listing.bucket_url, usd));
}

}  // namespace rpdata::exec
