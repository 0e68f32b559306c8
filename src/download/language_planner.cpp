// [download] languages = ["de", "en"] with a pattern holding "{language}": one input per
// language (Wikipedia's per-language dump folders). The unit is named by the pattern's last
// segment; "{language}" is also this planner's placeholder for per-unit checksum files.
#include "builtin_types.h"
#include "rpdata/core/error.h"
#include "rpdata/download/url.h"

namespace rpdata::download {
namespace {

class LanguagePlanner : public InputPlanner {
 public:
  LanguagePlanner(std::vector<std::string> languages, std::string pattern)
      : languages_(std::move(languages)), pattern_(std::move(pattern)) {}

  Planned plan(const PlanContext& ctx) const override {
    const std::string& base = ctx.require_base();
    if (pattern_.find("{language}") == std::string::npos)
      throw ConfigError("[download] languages needs a pattern with {language}", ctx.recipe);
    Planned out;
    for (const auto& lang : languages_) {
      if (lang.empty() || lang.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos)
        throw ConfigError("[download] languages: '" + lang + "' is not a language code", ctx.recipe);
      std::string rel = replace_all(pattern_, "{language}", lang);
      out.units.push_back({name_of(rel), base + "/" + encode_path(rel), ""});
    }
    return out;
  }

  std::string expand(const std::string& text, const PlanUnit& unit) const override {
    for (const auto& lang : languages_)
      if (name_of(replace_all(pattern_, "{language}", lang)) == unit.name) return replace_all(text, "{language}", lang);
    return text;
  }

 private:
  static std::string name_of(const std::string& rel) {
    size_t slash = rel.rfind('/');
    return slash == std::string::npos ? rel : rel.substr(slash + 1);
  }

  std::vector<std::string> languages_;
  std::string pattern_;
};

}  // namespace

PlannerType language_planner_type() {
  return {"languages", {"languages"}, false,
          "one input per language, pattern with {language}",
          {Key::require("languages", ParamType::kStrings, "the language codes, one input each"),
           Key::require("pattern", ParamType::kString, "the input's path under base_url, with {language}")},
          [](const Params& d) {
            return std::make_unique<LanguagePlanner>(d.get_strings("languages"), d.get_string("pattern"));
          }};
}

}  // namespace rpdata::download
