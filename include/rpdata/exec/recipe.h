// Recipes: one TOML file per source (configs/), reproducing a RedPajama-Data-1T slice.
// A recipe names the source, how to list and fetch its raw inputs ([download]), how to read
// them ([read]), the ordered steps ([[steps]], types from the registry), an optional
// cross-unit dedup ([dedup]) followed by [[post_steps]], and the output format ([output]). Unknown tables or keys are ConfigErrors naming them.
// A recipe may instead read several input groups in one run ([[inputs]], each with its own
// [inputs.download] and [inputs.read]): RedPajama's Books slice deduplicates PG-19 (downloaded)
// and Books3 (local files) together, output in group order.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "rpdata/core/params.h"

namespace rpdata::exec {

struct StepConfig {
  std::string type;
  Params params;
};

// One input group of a multi-group recipe: its units are named "<name>-NNNNN" and come
// after the previous group's in the plan (and in the output).
struct InputGroup {
  std::string name;    // [a-z0-9_]+, e.g. "pg19"
  bool local = false;  // the group's files are the run's --input paths (no download)
  Params download{"inputs.download"};
  Params read{"inputs.read"};
};

struct Recipe {
  std::string name;    // "c4", "sample/c4", or the file path it came from
  std::string source;  // the source module: "c4"
  std::string description;
  // The snapshot RedPajama used and what its host serves today, where they differ (live
  // data, a withdrawn dataset, a growing bucket); `rpdata recipe` and `rpdata report` say it.
  std::string snapshot;
  // Recipes of the same source, reading and writing alike, whose downloads are tried in order
  // for an input this recipe's own download cannot fetch (e.g. the Internet Archive's copy of
  // a dump the dump host has dropped).
  std::vector<std::string> fallbacks;
  // What a run does when a model the recipe names is absent: "error" before any work
  // (production recipes), or "skip" the model's rule with a warning (sample recipes).
  std::string missing_models = "error";
  Params download{"download"};
  Params read{"read"};
  std::vector<StepConfig> steps;
  // Non-empty: the run reads these groups in order, and [download]/[read] are absent.
  std::vector<InputGroup> inputs;
  // Optional cross-unit dedup between `steps` and `post_steps` ([dedup], exec/stages.h):
  // the run then has three stages: main (per unit), reduce (per partition), apply (per unit).
  bool has_dedup = false;
  Params dedup{"dedup"};
  std::vector<StepConfig> post_steps;
  Params output{"output"};
  // Sizing facts for `rpdata plan` (full raw size, per-core throughput measured here, egress
  // price); never part of the settings digest.
  Params plan{"plan"};
  // The assignments apply_override made, in order ("download.dump_date=latest"); a run's plan
  // records them, and its fallback recipes get them too.
  std::vector<std::string> overrides;
};

// The recipe as one group sees it: the group's [download] and [read], everything else shared.
Recipe group_recipe(const Recipe& r, const InputGroup& group);
// The keys the run itself reads from [download], [read] and [output] (the chosen types
// declare the rest).
Keys run_download_keys();
Keys run_read_keys();
Keys run_output_keys();

// [download] count, the number of inputs of an indexed recipe (0 when it has none).
int64_t recipe_input_count(const Recipe& r);

Recipe parse_recipe(const std::string& toml_text, const std::string& origin);
// `name_or_path`: a built-in recipe name ("c4", "sample/c4") or a path to a .toml file.
Recipe load_recipe(const std::string& name_or_path);
// `--set SECTION.KEY=VALUE`: sets KEY of [download], [read], [output], [plan] or [dedup] (of a
// recipe without [[inputs]] groups), or with `steps.TYPE.KEY=VALUE` KEY of every step of TYPE.
// VALUE is read as a TOML value (2303, 0.5, true, ["en", "de"]), else taken as a string.
// ConfigError on anything else; the run then rejects keys no type reads, as it does the
// recipe's own.
void apply_override(Recipe& recipe, const std::string& assignment);
// The sources' run flags given (flag without dashes -> value; Registries::run_flags): each
// applies its assignments with apply_override. A flag given for a recipe of another source is
// a ConfigError, or skipped when `skip_other_sources` (a command that checks several recipes).
void apply_run_flags(Recipe& recipe, const std::map<std::string, std::string>& given, bool skip_other_sources = false);
std::vector<std::string> builtin_recipe_names();
// The TOML text of a built-in recipe (for `rpdata recipe show`), empty if unknown.
std::string builtin_recipe_text(const std::string& name);
// The recipe as TOML with every key its types read: the recipe's value or the default, and
// each key's one-line doc (`rpdata recipe NAME --explain`). ConfigError as a run would give.
std::string explain_recipe(const Recipe& r);

}  // namespace rpdata::exec
