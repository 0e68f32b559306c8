// [download] files_from = "checksums_file": the inputs are the names the source's published
// checksum table lists (e.g. the Internet Archive item's files.xml) ending in files_suffix,
// minus `exclude`, in name order.
#include <set>

#include "builtin_types.h"
#include "rpdata/core/error.h"
#include "rpdata/download/url.h"

namespace rpdata::download {
namespace {

class ChecksumsFilePlanner : public InputPlanner {
 public:
  ChecksumsFilePlanner(std::string suffix, std::vector<std::string> exclude)
      : suffix_(std::move(suffix)), exclude_(exclude.begin(), exclude.end()) {}

  Planned plan(const PlanContext& ctx) const override {
    const std::string& base = ctx.require_base();
    const Published& table = ctx.published();
    if (table.empty())
      throw ConfigError("[download] files_from = \"checksums_file\": the checksums kind publishes no file list",
                        ctx.recipe);
    Planned out;
    for (const auto& [name, expect] : table) {
      if (!name.ends_with(suffix_) || exclude_.count(name) || name.find('/') != std::string::npos) continue;
      out.units.push_back({name, base + "/" + percent_encode_segment(name), ""});
    }
    out.log.push_back("candidates: " + std::to_string(out.units.size()) + " files listed in the published checksums");
    return out;
  }
  bool groupable() const override { return false; }

 private:
  std::string suffix_;
  std::set<std::string> exclude_;
};

}  // namespace

PlannerType checksums_file_planner_type() {
  return {"files_from",
          {"files_from"},
          false,
          "the files the published checksums list, ending in files_suffix, minus exclude",
          {Key::require("files_from", ParamType::kString, "\"checksums_file\": the files the checksums list"),
           Key::text("files_suffix", "", "keep the listed files with this ending"),
           Key::list("exclude", {}, "listed files to leave out")},
          [](const Params& d) {
            if (d.get_string("files_from") != "checksums_file")
              throw ConfigError("[download] files_from must be \"checksums_file\"");
            return std::make_unique<ChecksumsFilePlanner>(d.get_string("files_suffix"), d.get_strings("exclude"));
          }};
}

}  // namespace rpdata::download
