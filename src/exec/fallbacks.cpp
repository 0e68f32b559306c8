#include "fallbacks.h"

#include <spdlog/spdlog.h>

#include "rpdata/core/error.h"

namespace rpdata::exec {

std::shared_ptr<const DownloadFallbacks> DownloadFallbacks::make(const Recipe& recipe, const Settings& settings,
                                                                 const RunOptions& options, const RunLayout& layout) {
  if (recipe.fallbacks.empty() || !options.download || !options.inputs.empty() || !options.mirror.empty())
    return nullptr;
  auto f = std::shared_ptr<DownloadFallbacks>(new DownloadFallbacks());
  f->options_ = options;
  f->options_.limit = -1;  // a fallback is asked for any input of the run
  f->layout_ = layout;
  const std::string digest = settings_digest(recipe, settings.tokenizers);
  for (const auto& name : recipe.fallbacks) {
    auto alt = std::make_unique<Alt>();
    alt->recipe = load_recipe(name);
    for (const auto& o : recipe.overrides) apply_override(alt->recipe, o);  // e.g. another dump date
    if (alt->recipe.source != recipe.source)
      throw ConfigError("fallback recipe '" + name + "' builds source '" + alt->recipe.source + "', not '" +
                            recipe.source + "'",
                        recipe.name);
    alt->settings = resolve_settings(alt->recipe, false);
    if (settings_digest(alt->recipe, settings.tokenizers) != digest)
      throw ConfigError("fallback recipe '" + name + "' reads or writes differently ([read], steps, [output]); a "
                        "fallback may differ only in [download]",
                        recipe.name);
    if (!alt->settings.planner) throw ConfigError("fallback recipe '" + name + "' downloads nothing", recipe.name);
    f->alts_.push_back(std::move(alt));
  }
  return f;
}

void DownloadFallbacks::plan(Alt& alt) const {
  std::call_once(alt.planned, [&] {
    try {
      Plan p = build_plan(alt.recipe, alt.settings, options_, layout_, &alt.extras);
      for (const auto& u : p.units)
        for (const auto& part : unit_parts(u)) alt.parts[part.name] = part;
      checksum_table(alt.settings, options_, alt.extras);
    } catch (const Error& e) {
      alt.plan_error = e.message();
    }
  });
}

std::string DownloadFallbacks::first_that_fetches(const std::string& name, const std::string& what,
                                                  const std::function<void(const Alt&, const PlanPart&)>& get) const {
  std::string failures;
  for (const auto& alt : alts_) {
    plan(*alt);
    const std::string& who = alt->recipe.name;
    if (!alt->plan_error.empty()) {
      failures += "; " + who + ": " + alt->plan_error;
      continue;
    }
    auto it = alt->parts.find(name);
    if (it == alt->parts.end()) {
      failures += "; " + who + ": does not list " + name;
      continue;
    }
    try {
      get(*alt, it->second);
      return who + ": " + it->second.url;
    } catch (const Error& e) {
      failures += "; " + who + ": " + e.message();
    }
  }
  throw DownloadError("no fallback could fetch " + what + failures);
}

std::string DownloadFallbacks::fetch(const std::string& name, const std::filesystem::path& raw,
                                     io::Fetcher& fetcher) const {
  return first_that_fetches(name, name, [&](const Alt& alt, const PlanPart& part) {
    download::ChecksumContext cc{fetcher, download_base(alt.settings, options_), alt.settings.planner.get(),
                                 &alt.extras.listed};
    io::Expect expect = alt.settings.checksums->expect({part.name, part.url, part.path, {}}, alt.extras.table, cc);
    if (!part.md5.empty()) expect.md5 = part.md5;
    if (part.size) expect.size = part.size;
    fetcher.fetch(part.url, raw, expect);
  });
}

std::string DownloadFallbacks::fetch_companion(const std::string& name, const std::string& companion,
                                               const std::filesystem::path& raw, io::Fetcher& fetcher) const {
  std::string rel = name.substr(0, name.rfind('/') + 1) + companion;  // next to the part
  return first_that_fetches(name, rel, [&](const Alt& alt, const PlanPart& part) {
    std::string url = part.url.substr(0, part.url.rfind('/') + 1) + download::percent_encode_segment(companion);
    download::ChecksumContext cc{fetcher, download_base(alt.settings, options_), alt.settings.planner.get(),
                                 &alt.extras.listed};
    fetcher.fetch(url, raw, alt.settings.checksums->expect({rel, url, "", {}}, alt.extras.table, cc));
  });
}

}  // namespace rpdata::exec
