// Internal to exec: a recipe's `fallbacks`, other recipes of the same source whose downloads
// are tried, in order, for an input its own download cannot fetch (the dump host has dropped a
// date the Internet Archive keeps). A fallback reads and writes exactly as the recipe does
// (same settings digest), so the output does not depend on which host served an input.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "inputs.h"
#include "rpdata/exec/layout.h"
#include "rpdata/exec/recipe.h"
#include "rpdata/exec/runner.h"
#include "settings.h"

namespace rpdata::exec {

class DownloadFallbacks {
 public:
  // Null when the recipe names none, or the run downloads nothing (`process`, --input, a mirror).
  static std::shared_ptr<const DownloadFallbacks> make(const Recipe& recipe, const Settings& settings,
                                                       const RunOptions& options, const RunLayout& layout);
  // Fetches the raw part `name` into `raw` from the first fallback that lists it and serves
  // bytes its checksums accept; returns "<recipe>: <url>". DownloadError naming each
  // fallback's failure when none does.
  std::string fetch(const std::string& name, const std::filesystem::path& raw, io::Fetcher& fetcher) const;
  // The same for `companion`, a file published next to the raw part `name` (e.g. a dump's
  // index), checked with that fallback's checksums.
  std::string fetch_companion(const std::string& name, const std::string& companion, const std::filesystem::path& raw,
                              io::Fetcher& fetcher) const;

 private:
  struct Alt {
    Recipe recipe;
    Settings settings;
    std::once_flag planned;
    std::string plan_error;                  // the listing failed: why
    std::map<std::string, PlanPart> parts;   // by raw name
    PlanExtras extras;
  };
  void plan(Alt& alt) const;
  // Tries each fallback that lists part `name`: `get` fetches from it (the part as it lists it);
  // DownloadError "no fallback could fetch <what>" with each one's failure when none does.
  std::string first_that_fetches(const std::string& name, const std::string& what,
                                 const std::function<void(const Alt&, const PlanPart&)>& get) const;
  std::vector<std::unique_ptr<Alt>> alts_;
  RunOptions options_;
  RunLayout layout_;
};

}  // namespace rpdata::exec
