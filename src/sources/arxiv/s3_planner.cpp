// [download] s3 = "s3://arxiv/src/": arXiv's requester-pays bucket. The inputs are the objects
// directly under the prefix whose names match name_prefix/name_suffix (ListObjectsV2), with
// size and md5 from the bucket's manifest (else the listing's size); downloads are signed
// (Signature V4) and, before any byte is fetched, the requester-pays cost of what this task
// would fetch is logged and must be confirmed with --yes. A --mirror of the bucket is read
// with [download] pattern/first/count instead.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>

#include "rpdata/core/error.h"
#include "rpdata/download/builtin.h"
#include "rpdata/io/s3.h"
#include "rpdata/sources/arxiv/arxiv.h"
#include "rpdata/sources/arxiv/planner.h"

namespace rpdata::sources::arxiv {
namespace fs = std::filesystem;
using namespace rpdata::download;

namespace {

struct S3Keys {
  std::string uri, name_prefix, name_suffix, manifest, endpoint, region;
  int64_t until = 0;  // the last YYMM kept (0: all)
  bool requester_pays = true;
  double price_per_gb = kEgressUsdPerGb;
};

void confirm_cost(const std::string& bucket_url, const Published& expects, double price_per_gb,
                  const std::vector<const PlanUnit*>& units, const fs::path& raw_dir, bool yes) {
  uint64_t bytes = 0, files = 0, unknown = 0;
  for (const PlanUnit* u : units) {
    std::error_code ec;
    if (fs::exists(raw_dir / u->name, ec)) continue;  // already downloaded
    auto it = expects.find(u->name);
    if (it == expects.end() || !it->second.size) {
      ++unknown;
      continue;
    }
    uint64_t have = 0;
    if (auto part = raw_dir / (u->name + ".part"); fs::exists(part, ec)) have = fs::file_size(part, ec);
    bytes += *it->second.size > have ? *it->second.size - have : 0;
    ++files;
  }
  double usd = requester_pays_usd(bytes, files, price_per_gb);
  spdlog::info(
      "{}: {} file(s) to fetch, {} bytes ({:.2f} GiB){}; estimated requester-pays cost ${:.2f} "
      "(egress ${:.2f}/GB, AWS S3 pricing page, data transfer out to the internet, first 10 TB/month, "
      "us-east-1, as of 2026-11; plus $0.0004 per 1,000 GETs)",
      bucket_url, files, bytes, static_cast<double>(bytes) / (1ull << 30),
      unknown ? fmt::format(" + {} of unknown size", unknown) : "", usd, price_per_gb);
  if ((bytes > 0 || unknown > 0) && !yes)
    throw ConfigError(fmt::format("downloading from {} costs about ${:.2f} billed to your AWS account "
                                  "(requester pays); rerun with --yes to proceed",
                                  bucket_url, usd));
}

// The last month of the bucket RedPajama processed: arXiv_src_2303_*, the bucket as of about
// April 2023 (configs/arxiv.toml's snapshot note).
constexpr int64_t kRedPajamaUntil = 2303;

// Whether a name that starts with YYMM ("2303_001.tar") is at or before `until` (YYMM).
// arXiv's years run 1991-2090: 91..99 are the 1900s.
bool within(const std::string& rest, int64_t until) {
  if (rest.size() < 4 || !std::all_of(rest.begin(), rest.begin() + 4, [](char c) { return c >= '0' && c <= '9'; }))
    return true;  // not dated: kept
  auto month_index = [](int64_t yymm) { return (yymm / 100 >= 91 ? 1900 : 2000) * 12 + (yymm / 100) * 12 + yymm % 100; };
  return month_index(std::stoll(rest.substr(0, 4))) <= month_index(until);
}

class S3Planner : public InputPlanner {
 public:
  S3Planner(S3Keys keys, std::unique_ptr<InputPlanner> mirror) : k_(std::move(keys)), mirror_(std::move(mirror)) {}

  Planned plan(const PlanContext& ctx) const override {
    if (ctx.mirror) {
      if (!mirror_)
        throw ConfigError("recipe reads " + k_.uri + " (listed with ListObjectsV2); a mirror needs [download] pattern, "
                          "or give the files with --input",
                          ctx.recipe);
      return mirror_->plan(ctx);
    }
    io::S3Location loc = io::parse_s3_uri(k_.uri);
    io::AwsCredentials creds = io::load_aws_credentials();
    spdlog::info("s3: credentials from {} (access key {}...)", creds.origin,
                 creds.access_key_id.substr(0, std::min<size_t>(4, creds.access_key_id.size())));
    io::S3Client client({loc.bucket, k_.region, k_.endpoint, k_.requester_pays}, creds, ctx.fetch);

    Planned out;
    size_t after = 0;          // objects past `until`
    size_t past_snapshot = 0;  // objects kept that RedPajama's snapshot did not have
    out.fetch = client.fetch_options();
    const std::string bucket_url = "s3://" + loc.bucket + "/" + loc.prefix;
    if (!k_.manifest.empty()) {
      for (const auto& e : parse_manifest(client.get(loc.prefix + k_.manifest))) {
        std::string name = e.filename.substr(e.filename.rfind('/') + 1);
        io::Expect x;
        x.size = e.size;
        x.md5 = e.md5;
        out.expects[name] = x;
      }
    }
    for (const auto& o : client.list(loc.prefix)) {
      std::string name = o.key.substr(o.key.rfind('/') + 1);
      if (o.key.size() <= loc.prefix.size() || name.empty() ||
          o.key.substr(loc.prefix.size()).find('/') != std::string::npos)
        continue;  // only files directly under the prefix
      if (!name.starts_with(k_.name_prefix) || !name.ends_with(k_.name_suffix)) continue;
      if (!k_.manifest.empty() && name == k_.manifest) continue;
      if (k_.until && !within(name.substr(k_.name_prefix.size()), k_.until)) {
        ++after;
        continue;
      }
      if (!within(name.substr(k_.name_prefix.size()), kRedPajamaUntil)) ++past_snapshot;
      out.units.push_back({name, client.object_url(o.key), ""});
      auto& x = out.expects[name];
      if (!x.size) x.size = o.size;  // the listing's size when the manifest lacks the file
    }
    if (after) spdlog::info("s3: {} object(s) after {} left out ([download] until)", after, k_.until);
    if (past_snapshot)
      out.deviations.push_back(std::to_string(past_snapshot) + " tar(s) dated after " + std::to_string(kRedPajamaUntil) +
                               ", past RedPajama's snapshot (--set download.until=" + std::to_string(kRedPajamaUntil) +
                               " stops there)");
    if (out.units.empty())
      throw ConfigError("no objects under " + bucket_url + " match the recipe's name_prefix/name_suffix" +
                        (k_.until ? " up to until = " + std::to_string(k_.until) : std::string()));
    out.before_fetch = [bucket_url, expects = out.expects, price = k_.price_per_gb](
                           const std::vector<const PlanUnit*>& todo, const fs::path& raw_dir, bool yes) {
      confirm_cost(bucket_url, expects, price, todo, raw_dir, yes);
    };
    return out;
  }
  bool listing_needs_network() const override { return true; }
  bool groupable() const override { return false; }
  std::string credentials(const PlanContext& ctx) const override {
    if (ctx.mirror) return {};
    io::AwsCredentials creds = io::load_aws_credentials();
    std::string from = creds.origin == "environment" ? "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY" : creds.origin;
    return "AWS credentials from " + from + " (access key " +
           creds.access_key_id.substr(0, std::min<size_t>(4, creds.access_key_id.size())) + "...)";
  }

 private:
  S3Keys k_;
  std::unique_ptr<InputPlanner> mirror_;
};

}  // namespace

PlannerType s3_planner_type() {
  return {"s3",
          {"s3"},
          false,
          "the objects under an S3 prefix (ListObjectsV2, Signature V4, requester pays with a cost estimate); "
          "a mirror is read with pattern/first/count",
          {Key::require("s3", ParamType::kString, "the s3://bucket/prefix listed"),
           Key::text("name_prefix", "", "keep the objects whose name starts so"),
           Key::text("name_suffix", "", "keep the objects whose name ends so"),
           Key::text("manifest", "", "the bucket's manifest object (sizes and md5s)"),
           Key::text("endpoint", "", "the S3 endpoint (default: AWS's for the region)"),
           Key::text("region", "us-east-1", "the bucket's region"),
           Key::flag("requester_pays", true, "the requester pays the egress (a cost estimate is confirmed first)"),
           Key::number("price_per_gb", kEgressUsdPerGb, "egress price, USD per GB, for the estimate"),
           Key::text("pattern", "", "a mirror's path with {index} (used with --mirror)"),
           Key::integer("first", 0, "the mirror's first index"),
           Key::integer("count", 0, "the mirror's number of inputs"),
           Key::integer("until", 0, "the last YYMM kept (names <name_prefix>YYMM_...): 2303 stops at RedPajama's "
                                    "snapshot; 0 keeps every object")},
          [](const Params& d) -> std::unique_ptr<InputPlanner> {
            S3Keys k;
            k.uri = d.get_string("s3");
            k.name_prefix = d.get_string("name_prefix");
            k.name_suffix = d.get_string("name_suffix");
            k.manifest = d.get_string("manifest");
            k.endpoint = d.get_string("endpoint");
            k.region = d.get_string("region");
            k.requester_pays = d.get_bool("requester_pays");
            k.price_per_gb = d.get_double("price_per_gb");
            k.until = d.get_int("until");
            if (k.until != 0 && (k.until < 0 || k.until > 9999 || k.until % 100 < 1 || k.until % 100 > 12))
              throw ConfigError("[download] until must be YYMM (e.g. 2303), or 0");
            if (!k.uri.starts_with("s3://")) throw ConfigError("[download] s3 must be an s3://bucket/prefix URI");
            std::unique_ptr<InputPlanner> mirror;
            std::string pattern = d.get_string("pattern");
            int64_t first = d.get_int("first"), count = d.get_int("count");
            if (!pattern.empty()) mirror = make_index_planner(pattern, first, count);
            return std::make_unique<S3Planner>(std::move(k), std::move(mirror));
          }};
}

}  // namespace rpdata::sources::arxiv
