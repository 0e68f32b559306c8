// [download] select_by = "stackexchange_posts", select_top = N: RedPajama's top-N Stack
// Exchange sites. Every candidate is downloaded, its posts counted (rows of Posts.xml, as
// RedPajama's count.py) and the N sites with most posts kept. Counts are cached in
// _work/post_counts/<input>.json (reused while the raw file keeps its size); the ranking of
// every candidate and the choice are written to _work/site_selection.json.
#include <simdjson.h>

#include <set>

#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/json_writer.h"
#include "rpdata/sources/stackexchange/planner.h"
#include "rpdata/sources/stackexchange/stackexchange.h"

namespace rpdata::sources::stackexchange {
namespace fs = std::filesystem;
using namespace rpdata::download;

namespace {

bool read_cached_count(const fs::path& cache, uint64_t raw_size, int64_t& posts) {
  if (!fs::exists(cache)) return false;
  try {
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.load(cache.string());
    int64_t size = doc["input_size"].get_int64();
    posts = doc["posts"].get_int64();
    return raw_size == 0 || static_cast<uint64_t>(size) == raw_size;
  } catch (const simdjson::simdjson_error&) {
    return false;
  }
}

class TopSitesSelector : public InputSelector {
 public:
  explicit TopSitesSelector(int64_t top) : top_(top) {}

  std::vector<std::string> select(std::vector<PlanUnit>& units, const SelectContext& ctx) const override {
    const PlanContext& pc = ctx.plan;
    std::vector<SiteCount> counts;
    fs::path cache_dir = pc.work_dir / "post_counts";
    fs::create_directories(cache_dir);
    for (const auto& unit : units) {
      fs::path raw = unit.path.empty() ? pc.raw_dir / unit.name : fs::path(unit.path);
      uint64_t raw_size = fs::exists(raw) ? fs::file_size(raw) : 0;
      fs::path cache = cache_dir / (unit.name + ".json");
      int64_t posts = 0;
      if (!read_cached_count(cache, raw_size, posts)) {
        if (unit.path.empty()) ctx.obtain(unit);
        posts = count_posts(raw);
        io::write_file_atomic(cache, io::JsonObject()
                                         .str("name", unit.name)
                                         .num("posts", posts)
                                         .num("input_size", static_cast<int64_t>(fs::file_size(raw)))
                                         .done() +
                                         "\n");
      }
      counts.push_back({unit.name, posts});
    }
    auto chosen = select_top_sites(counts, static_cast<size_t>(top_));
    std::set<std::string> keep;
    for (const auto& c : chosen) keep.insert(c.name);
    auto ranked = select_top_sites(counts, counts.size());
    std::string rows;
    for (size_t i = 0; i < ranked.size(); ++i) {
      rows += (i ? "," : "") + io::JsonObject()
                                   .num("rank", static_cast<int64_t>(i + 1))
                                   .str("name", ranked[i].name)
                                   .num("posts", ranked[i].posts)
                                   .boolean("selected", keep.count(ranked[i].name) > 0)
                                   .done();
    }
    io::write_file_atomic(pc.work_dir / "site_selection.json", io::JsonObject()
                                                                   .str("select_by", "stackexchange_posts")
                                                                   .num("select_top", top_)
                                                                   .raw("sites", "[" + rows + "]")
                                                                   .done() +
                                                                   "\n");
    std::vector<PlanUnit> selected;
    std::string list;
    for (const auto& c : chosen) {
      for (const auto& u : units)
        if (u.name == c.name) selected.push_back(u);
      list += (list.empty() ? "" : ", ") + c.name + " (" + std::to_string(c.posts) + ")";
    }
    std::vector<std::string> log{"selected the " + std::to_string(chosen.size()) + " of " +
                                 std::to_string(counts.size()) + " sites with most posts: " + list};
    if (ctx.delete_raw)
      for (const auto& u : units)
        if (!keep.count(u.name) && u.path.empty()) fs::remove(pc.raw_dir / u.name);
    units = std::move(selected);
    return log;
  }

 private:
  int64_t top_;
};

}  // namespace

SelectorType top_sites_selector_type() {
  return {"stackexchange_posts",
          "keep the select_top candidates with most posts (rows of Posts.xml), downloading each to count it",
          {Key::require("select_top", ParamType::kInt, "how many sites to keep")},
          [](const Params& d) {
            int64_t top = d.get_int("select_top");
            if (top <= 0) throw ConfigError("[download] select_by = \"stackexchange_posts\" needs select_top >= 1");
            return std::make_unique<TopSitesSelector>(top);
          }};
}

}  // namespace rpdata::sources::stackexchange
