// [download] files = ["a.7z", "b.7z"]: the inputs by name, under the base URL.
#include "builtin_types.h"
#include "rpdata/download/url.h"

namespace rpdata::download {
namespace {

class FilesPlanner : public InputPlanner {
 public:
  explicit FilesPlanner(std::vector<std::string> files) : files_(std::move(files)) {}

  Planned plan(const PlanContext& ctx) const override {
    const std::string& base = ctx.require_base();
    Planned out;
    for (const auto& name : files_) out.units.push_back({name, base + "/" + percent_encode_segment(name), ""});
    return out;
  }

 private:
  std::vector<std::string> files_;
};

}  // namespace

PlannerType files_planner_type() {
  return {"files", {"files"}, false, "the inputs by file name under the base URL",
          {Key::require("files", ParamType::kStrings, "the input file names, relative to base_url")},
          [](const Params& d) { return std::make_unique<FilesPlanner>(d.get_strings("files")); }};
}

}  // namespace rpdata::download
