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
    if (s.selector || (s.planner && !s.planner->groupable()))
      throw ConfigError(what + ": its [download] shape or selection is not supported in a group", recipe.name);
    RunOptions go = options;
    go.limit = -1;  // --limit applies to the whole plan
    if (group.local) {
      if (options.inputs.empty())
        throw ConfigError(what + " reads local files: give them with --input PATH", recipe.name);
      go.mirror.clear();
    } else {
      go.inputs.clear();  // --input feeds the local group; this one downloads (or reads --mirror)
    }
    PlanExtras extras;
    Plan gp = build_plan(gr, s, go, layout, &extras);
    if (options.download && !group.local && !gp.units.empty()) {
      // The group's checksums, by part name, gathered now: the run checks every part against one table.
      const download::Published& table = checksum_table(s, go, extras);
      io::FetchOptions fo = fetch_options(s, go);
      fo.progress = false;
      io::Fetcher fetcher(fo);
      download::ChecksumContext cc{fetcher, download_base(s, go), s.planner.get(), &extras.listed};
      for (const auto& u : gp.units)
        for (const auto& part : unit_parts(u)) {
          io::Expect e = s.checksums->expect({part.name, part.url, part.path, {}}, table, cc);
          if (!e.sha256.empty() || !e.md5.empty() || e.size) out.published[part.name] = e;
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
  out.settings.checksums = std::make_shared<download::PublishedChecksums>(out.published);
  out.settings.reader_factory = [readers = std::move(readers)](const ReaderInput& in) {
    auto it = readers.find(in.unit);
    if (it == readers.end()) throw Error("unit " + in.unit + " belongs to no [[inputs]] group");
    return it->second(in);
  };
  check_plan_units(out.plan, options, out.settings.name_suffixes);
  return out;
}

}  // namespace rpdata::exec
