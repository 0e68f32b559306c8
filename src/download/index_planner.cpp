// [download] pattern = "c4-train.{index:05}-of-01024.json.gz", first, count: one input per index.
#include "builtin_types.h"
#include "rpdata/core/error.h"
#include "rpdata/download/builtin.h"
#include "rpdata/download/url.h"

namespace rpdata::download {
namespace {

class IndexPlanner : public InputPlanner {
 public:
  IndexPlanner(std::string pattern, int64_t first, int64_t count)
      : pattern_(std::move(pattern)), first_(first), count_(count) {}

  Planned plan(const PlanContext& ctx) const override {
    const std::string& base = ctx.require_base();
    if (count_ <= 0) throw ConfigError("[download] count must be positive", ctx.recipe);
    Planned out;
    for (int64_t i = 0; i < count_; ++i) {
      std::string name = format_index(pattern_, first_ + i);
      out.units.push_back({name, base + "/" + percent_encode_segment(name), ""});
    }
    return out;
  }

 private:
  std::string pattern_;
  int64_t first_, count_;
};

}  // namespace

std::unique_ptr<InputPlanner> make_index_planner(std::string pattern, int64_t first, int64_t count) {
  return std::make_unique<IndexPlanner>(std::move(pattern), first, count);
}

Keys index_keys() {
  return {Key::require("pattern", ParamType::kString, "the input's path under base_url, with {index} or {index:0N}"),
          Key::integer("first", 0, "the first index"),
          Key::integer("count", 0, "the number of inputs")};
}

PlannerType index_planner_type() {
  return {"index", {"pattern"}, true,
          "pattern with {index} or {index:0N}, for first .. first+count-1",
          index_keys(),
          [](const Params& d) {
            return make_index_planner(d.get_string("pattern"), d.get_int("first"), d.get_int("count"));
          }};
}

}  // namespace rpdata::download
