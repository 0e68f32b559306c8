// [download] listing = "crawl-data/CC-MAIN-<dump>/wet.paths.gz", units, unit_name: cc_net's
// shards. The listing is fetched once into _work/listing/<listing path> and read from there
// afterwards (process_wet_file.cc_segments' cache file), so the plan is stable and `rpdata
// process` needs no network. Unit s of `units` is listing entries [s*n//units, (s+1)*n//units)
// as its parts, named by unit_name ({index}); units without entries (n < units) are left out.
// With `dumps`, listing and unit_name hold "{dump}" and each dump is planned in turn, its
// units grouped by the dump.
#include "rpdata/core/error.h"
#include "rpdata/download/url.h"
#include "rpdata/sources/commoncrawl/listing.h"
#include "rpdata/sources/commoncrawl/planner.h"

namespace rpdata::sources::commoncrawl {
namespace fs = std::filesystem;
using namespace rpdata::download;

namespace {

class ListingPlanner : public InputPlanner {
 public:
  ListingPlanner(std::string listing, int64_t units, std::string unit_name, std::vector<std::string> dumps)
      : listing_(std::move(listing)), units_(units), unit_name_(std::move(unit_name)), dumps_(std::move(dumps)) {}

  Planned plan(const PlanContext& ctx) const override {
    Planned out;
    std::vector<std::string> dumps = dumps_.empty() ? std::vector<std::string>{""} : dumps_;
    for (const auto& dump : dumps) {
      std::string listing = replace_all(listing_, "{dump}", dump);
      fs::path cached = ctx.work_dir / "listing" / listing;
      if (!fs::exists(cached)) {
        if (!ctx.download)
          throw DownloadError("the listing is not cached (run `rpdata download` or `rpdata run` first)", cached.string());
        fs::create_directories(cached.parent_path());
        io::Fetcher fetcher(ctx.fetch);
        fetcher.fetch(ctx.require_base() + "/" + encode_path(listing), cached);
      }
      std::vector<std::string> entries = read_listing(cached);
      std::string base = ctx.download ? ctx.require_base() : std::string();
      const size_t n = entries.size(), units = static_cast<size_t>(units_);
      for (size_t u = 0; u < units; ++u) {
        auto [lo, hi] = ccnet_shard_range(n, units, u);
        if (lo == hi) continue;
        PlanUnit unit{format_index(replace_all(unit_name_, "{dump}", dump), static_cast<int64_t>(u)), "", ""};
        unit.group = dumps_.empty() ? std::string() : dump;
        for (size_t k = lo; k < hi; ++k)
          unit.parts.push_back({entries[k], base.empty() ? "" : base + "/" + encode_path(entries[k]), ""});
        out.units.push_back(std::move(unit));
      }
    }
    return out;
  }
  bool groupable() const override { return false; }

 private:
  std::string listing_;
  int64_t units_;
  std::string unit_name_;
  std::vector<std::string> dumps_;
};

}  // namespace

PlannerType listing_planner_type() {
  return {"listing",
          {"listing"},
          false,
          "cc_net shards of a Common Crawl path listing, fetched once and cached",
          {Key::require("listing", ParamType::kString, "the wet.paths.gz listing under base_url (with {dump})"),
           Key::require("units", ParamType::kInt, "cc_net shards: the listing's segments are split into this many"),
           Key::require("unit_name", ParamType::kString, "a unit's name, with {index} or {index:0N} (and {dump})"),
           Key::list("dumps", {}, "the Common Crawl dumps, in order (listing and unit_name with {dump})")},
          [](const Params& d) -> std::unique_ptr<InputPlanner> {
            std::string listing = d.get_string("listing");
            int64_t units = d.get_int("units");
            std::string unit_name = d.get_string("unit_name");
            std::vector<std::string> dumps = d.get_strings("dumps");
            if (!dumps.empty() &&
                (listing.find("{dump}") == std::string::npos || unit_name.find("{dump}") == std::string::npos))
              throw ConfigError("[download] dumps: listing and unit_name must contain {dump}");
            if (units <= 0) throw ConfigError("[download] listing needs units > 0");
            if (unit_name.find("{index") == std::string::npos)
              throw ConfigError("[download] listing needs unit_name with {index} or {index:0N}");
            return std::make_unique<ListingPlanner>(listing, units, unit_name, dumps);
          }};
}

}  // namespace rpdata::sources::commoncrawl
