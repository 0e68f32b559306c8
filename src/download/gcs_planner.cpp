// [download] bucket_listing = "gcs": the objects of <bucket>/<prefix> from the JSON API at the
// base URL (PG-19 on GCS), in name order, `files_per_unit` per unit, each unit led by the
// optional `metadata` object, every file with the listing's md5 and size for verification.
// Unit names are "<label>-NNNNN" (group number), so plans are stable across runs.
#include <algorithm>
#include <cstdio>

#include "builtin_types.h"
#include "rpdata/core/error.h"
#include "rpdata/download/builtin.h"
#include "rpdata/io/gcs_list.h"

namespace rpdata::download {
namespace {

constexpr int64_t kDefaultFilesPerUnit = 100;

// "train/" -> "train"; "a/b/" -> "a-b"; "" -> "files".
std::string label_of(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  std::replace(s.begin(), s.end(), '/', '-');
  return s.empty() ? "files" : s;
}

class GcsPlanner : public InputPlanner {
 public:
  GcsPlanner(std::string bucket, std::string prefix, std::string metadata, int64_t files_per_unit)
      : bucket_(std::move(bucket)),
        prefix_(std::move(prefix)),
        metadata_(std::move(metadata)),
        files_per_unit_(files_per_unit) {}

  Planned plan(const PlanContext& ctx) const override {
    const std::string& base = ctx.require_base();
    io::FetchOptions fo = ctx.fetch;
    fo.progress = false;
    io::Fetcher fetcher(fo);
    auto part_of = [&](const io::GcsObject& o) {
      return PlanPart{bucket_ + "/" + o.name, io::gcs_object_url(base, bucket_, o.name), "", {}, o.md5, o.size};
    };
    std::vector<PlanPart> files;
    for (const auto& o : io::gcs_list(fetcher, base, bucket_, prefix_)) {
      if (!o.name.empty() && o.name.back() == '/') continue;  // "folder" placeholder objects
      if (!metadata_.empty() && o.name == metadata_) continue;
      files.push_back(part_of(o));
    }
    std::optional<PlanPart> metadata;
    if (!metadata_.empty()) metadata = part_of(io::gcs_stat(fetcher, base, bucket_, metadata_));
    Planned out;
    out.units = group_units(label_of(prefix_), files, metadata ? &*metadata : nullptr, files_per_unit_, base);
    return out;
  }

 private:
  std::string bucket_, prefix_, metadata_;
  int64_t files_per_unit_;
};

}  // namespace

std::vector<PlanUnit> group_units(const std::string& label, const std::vector<PlanPart>& files,
                                  const PlanPart* metadata, int64_t per_unit, const std::string& base) {
  if (files.empty()) throw ConfigError("no input files found for " + label);
  size_t n = static_cast<size_t>(per_unit > 0 ? per_unit : kDefaultFilesPerUnit);
  std::vector<PlanUnit> units;
  for (size_t first = 0, g = 0; first < files.size(); first += n, ++g) {
    PlanUnit u;
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "-%05zu", g);
    u.name = label + suffix;
    if (!base.empty()) u.url = base + "/" + u.name;
    if (metadata) u.parts.push_back(*metadata);
    for (size_t i = first; i < std::min(files.size(), first + n); ++i) u.parts.push_back(files[i]);
    units.push_back(std::move(u));
  }
  return units;
}

PlannerType gcs_planner_type() {
  return {"bucket_listing",
          {"bucket_listing"},
          false,
          "the objects of a GCS bucket prefix, files_per_unit per unit, led by a metadata object",
          {Key::require("bucket_listing", ParamType::kString, "\"gcs\": a Google Cloud Storage JSON listing"),
           Key::require("bucket", ParamType::kString, "the bucket"),
           Key::text("prefix", "", "the objects' name prefix"),
           Key::text("metadata", "", "an object every unit also reads (e.g. the repositories table)"),
           Key::integer("files_per_unit", 0, "listed objects per unit (0: all in one)")},
          [](const Params& d) {
            std::string kind = d.get_string("bucket_listing");
            std::string bucket = d.get_string("bucket");
            int64_t per_unit = d.get_int("files_per_unit");
            if (kind != "gcs") throw ConfigError("[download] bucket_listing must be \"gcs\"");
            if (bucket.empty()) throw ConfigError("[download] bucket_listing = \"gcs\" needs a bucket");
            if (per_unit < 0) throw ConfigError("[download] files_per_unit must not be negative");
            return std::make_unique<GcsPlanner>(bucket, d.get_string("prefix"), d.get_string("metadata"),
                                                per_unit);
          }};
}

}  // namespace rpdata::download
