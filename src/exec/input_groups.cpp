#include "input_groups.h"

#include <cstdio>

#include "inputs.h"
#include "rpdata/core/error.h"

namespace rpdata::exec {

GroupedInputs plan_input_groups(const Recipe& recipe, const RunOptions& options) {
  GroupedInputs out;
  out.plan.recipe = recipe.name;
  out.plan.source = recipe.source;
  std::map<std::string, ReaderFactory> readers;  // by unit name
  RunLayout layout{options.out, recipe.source};
  bool first = true, any_local = false;
  for (const auto& group : recipe.inputs) any_local = any_local || group.local;
  if (!options.inputs.empty() && !any_local)
    throw ConfigError("--input: no [[inputs]] group of this recipe is local (they all download)", recipe.name);
  for (const auto& group : recipe.inputs) {
    Recipe gr = group_recipe(recipe, group);
    Settings s = resolve_settings(gr);
    std::string what = "[[inputs]] group '" + group.name + "'";
    if (!s.s3_uri.empty() || s.select_top > 0 || !s.files_from.empty() || !s.listing.empty())
      throw ConfigError(what + ": s3, select_top, files_from and listing are not supported in a group", recipe.name);
    if (s.checksums != "none" && s.checksums != "sha256sums")
      throw ConfigError(what + ": checksums must be none or sha256sums", recipe.name);
    RunOptions go = options;
    go.limit = -1;  // --limit applies to the whole plan
    if (group.local) {
      if (options.inputs.empty())
        throw ConfigError(what + " reads local files: give them with --input PATH", recipe.name);
      go.mirror.clear();
    } else {
      go.inputs.clear();  // --input feeds the local group; this one downloads (or reads --mirror)
    }
    Plan gp = [&] {
      io::FetchOptions fo = options.fetch;
      fo.max_attempts = s.max_attempts;
      io::Fetcher fetcher(fo);
      return build_plan(gr, s, go, layout, &fetcher);
    }();
    if (options.download && !group.local && s.checksums == "sha256sums" && !gp.units.empty()) {
      io::FetchOptions fo = options.fetch;
      fo.progress = false;
      io::Fetcher fetcher(fo);
      std::string url = plan_base_url(gp.units.front()) + "/" + s.checksums_file;
      auto sums = parse_sha256sums(fetcher.get(url));
      for (const auto& u : gp.units)
        for (const auto& part : unit_parts(u)) {
          auto it = sums.find(part.name);
          if (it == sums.end()) throw DownloadError("no checksum published for " + part.name, url);
          out.published[part.name] = it->second;
        }
    }
    for (size_t k = 0; k < gp.units.size(); ++k) {
      PlanUnit u = std::move(gp.units[k]);
      if (u.parts.empty()) u.parts = unit_parts(u);  // the file keeps its own name as a part
      char name[32];
      std::snprintf(name, sizeof name, "-%05zu", k);
      u.name = group.name + name;
      u.url.clear();
      u.path.clear();
      u.group = group.name;
      readers[u.name] = s.reader_factory;
      out.plan.units.push_back(std::move(u));
    }
    if (first) {
      out.settings = s;
    } else if (s.truncate_on_error != out.settings.truncate_on_error) {
      throw ConfigError(what + ": [inputs.read] on_error differs from the first group's", recipe.name);
    }
    first = false;
  }
  out.settings.checksums = "published";
  out.settings.reader_factory = [readers = std::move(readers)](const ReaderInput& in) {
    auto it = readers.find(in.unit);
    if (it == readers.end()) throw Error("unit " + in.unit + " belongs to no [[inputs]] group");
    return it->second(in);
  };
  check_plan_units(out.plan, options);
  return out;
}

}  // namespace rpdata::exec
