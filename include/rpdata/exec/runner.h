// Runs one source of a recipe as one task (rank of world size): lists the inputs, takes its
// share, and for each input not yet complete downloads it (shared Fetcher), streams it
// through reader -> steps -> sharded writer, and writes the input's completion marker last.
// Completed inputs are verified and skipped, so a killed task redoes only unfinished inputs,
// and output bytes do not depend on the task count or the thread count.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "rpdata/quality/model_files.h"
#include "rpdata/sources/registry.h"
#include "rpdata/core/stats.h"
#include "rpdata/exec/recipe.h"
#include "rpdata/exec/task_plan.h"
#include "rpdata/io/http_fetch.h"

namespace rpdata::exec {

struct RunOptions {
  std::filesystem::path out;
  std::string mirror;                         // replaces [download] base_url (URL or local dir)
  std::vector<std::filesystem::path> inputs;  // local raw inputs instead of downloading
  int64_t limit = -1;                         // only the first N inputs of the recipe
  TaskSpec task;
  int threads = 1;
  bool download = true;                       // fetch missing raw inputs
  bool process = true;                        // false: download only
  bool delete_raw = false;                    // remove a raw input once its unit is complete
  bool verify_sha256 = false;                 // re-hash completed shards before skipping them
  bool yes = false;                           // confirm a download that costs money (requester pays)
  // Recipes with [dedup]: "main", one of the dedup kind's rounds (e.g. "reduce") or "apply" runs
  // that stage for this task (ConfigError for a stage the recipe lacks); ""/"all" runs them all in
  // order (one task only).
  std::string stage;
  // Overrides [output] tokenizers ("none" = no counting).
  std::optional<std::vector<std::string>> tokenizers;
  io::FetchOptions fetch;
};

struct RunSummary {
  size_t units_total = 0;       // inputs in the plan
  size_t units_assigned = 0;    // owned by this task
  size_t units_skipped = 0;     // already complete and verified
  size_t units_processed = 0;
  std::vector<std::string> failures;  // "<input>: <error>"
  Stats stats;                  // of the units processed now
  double seconds = 0;
  bool manifest_written = false;
};

// Every reader format, step type and download shape: the generic ones and what the sources
// register.
const Registries& registries();
// Adds a source registered outside src/sources (a test's toy source, a fork's own source),
// after the built-in ones. Call before anything looks a type up (std::logic_error after).
void add_source(std::function<void(Registries&)> register_source);
const StepRegistry& step_registry();
const ReaderRegistry& reader_registry();
// The slices of RedPajama-Data-1T the sources declare, in registration order.
const std::vector<SourceInfo>& source_infos();
// The sources' parts of the bundled offline sample, in registration order.
const std::vector<SampleSource>& sample_sources();

// Validates the recipe fully (steps, keys) before any work; throws ConfigError. Model files
// named by steps (ccnet_lid, ccnet_perplexity) are checked only with `check_model_files`
// (run_source does so when it will process; downloading needs no models).
void validate_recipe(const Recipe& recipe, bool check_model_files = false);
// Every model file the recipe names (its reader, steps, post-steps and [output] tokenizers),
// each with where it was found or not; nothing is loaded.
std::vector<quality::ModelUse> recipe_models(const Recipe& recipe);

// One stage of a run. `partitions` > 0: its tasks split that many hash partitions (at most one
// task each); 0: its tasks split the plan's units.
struct StageInfo {
  std::string name;  // "" for a single-stage recipe, else main | <a round of the dedup kind> | apply
  uint32_t partitions = 0;
};
// The stages of a run of `recipe`, in order: one unnamed stage, or with a cross-unit [dedup]
// main, the rounds its kind declares (dedup::DedupKind::rounds: reduce, or e.g. winners then
// reduce) and apply. `rpdata run` runs them and accepts exactly these as --stage; `rpdata
// slurm submit` makes one job array each; `rpdata status` reports them.
std::vector<StageInfo> recipe_stages(const Recipe& recipe);

// Runs the task. Throws ConfigError for usage problems; per-input failures are collected in
// the summary (and the task's .failed marker) while the other inputs continue.
RunSummary run_source(const Recipe& recipe, const RunOptions& options);

}  // namespace rpdata::exec
