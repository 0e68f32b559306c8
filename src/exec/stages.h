// Internal to exec: one per-unit stage of a run, and the cross-unit dedup stages.
// A recipe without [dedup] is one stage writing the final shards. With [dedup], whose kind
// (dedup::DedupKind, from the registry) declares its rounds, it is:
//   main   per unit: raw input -> [[steps]] -> intermediate shards (rpdata's envelope records,
//          _work/stages/main) + the unit's key files, written by the kind (_work/stages/keys)
//   rounds the kind's, in order, per hash partition (_work/stages/<round>): e.g. reduce alone,
//          or winners then reduce; the reduce writes each partition's drops
//   apply  per unit: intermediate shards minus the kind's drops -> [[post_steps]] -> final shards
// Each stage is resumable on its own (markers as for single-stage runs) and deterministic:
// document order is (unit in plan order, position), never the task or thread count.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rpdata/dedup/kind.h"
#include "rpdata/exec/layout.h"
#include "rpdata/exec/manifest.h"
#include "rpdata/exec/runner.h"
#include "settings.h"

namespace rpdata::exec {

class DownloadFallbacks;

struct StageSpec {
  std::string name;  // "" for a single-stage run, else "main" or "apply"
  RunLayout layout;  // where this stage's shards, markers and task markers go
  std::filesystem::path raw_dir;  // where downloaded raw parts live
  Settings settings;
  std::string source;  // Document::source
  std::function<std::vector<std::unique_ptr<Step>>(size_t unit_index)> make_steps;
  bool envelope = false;  // write intermediate records (_id, _route kept)
  // Main stage of a dedup run: the sink collecting a unit's dedup entries (saved with the unit).
  std::function<std::unique_ptr<dedup::UnitKeys>(uint32_t unit_index)> unit_keys;
  bool count_tokens = true;
  // Apply stage: the unit's drop counts of earlier stages (main's reader and [[steps]]), so the
  // final manifest accounts for every document.
  std::function<DropCounts(size_t unit_index)> carry_drops;
  // The checksum table downloads are checked against (download::Checksums), loaded when the
  // stage starts; unset for stages that download nothing.
  std::function<download::Published()> published;
  // Other recipes' downloads for an input this one cannot fetch (recipe `fallbacks`); may be null.
  std::shared_ptr<const DownloadFallbacks> fallbacks;
};

// The layouts of a dedup run under OUT/<source>/_work/stages.
struct DedupLayout {
  RunLayout final_layout;
  std::filesystem::path stages_dir() const { return final_layout.work_dir() / "stages"; }
  RunLayout main_layout() const { return RunLayout{stages_dir(), "main"}; }
  std::filesystem::path keys_dir() const { return stages_dir() / "keys"; }
  // keys/<unit><ext>: a unit's key file.
  std::filesystem::path unit_file(const std::string& unit, std::string_view ext) const;
  // <round>/p-NNNNN.<round>: partition p's output of a round (the reduce's: .drops), and
  // <round>/p-NNNNN.json, its sidecar (counts, sha256, the digest of its inputs).
  std::filesystem::path round_file(const std::string& round, uint32_t p) const;
  std::filesystem::path round_sidecar(const std::string& round, uint32_t p) const;
};

// The recipe's [dedup] kind (ConfigError naming the recipe on a bad table).
std::unique_ptr<dedup::DedupKind> dedup_kind(const Recipe& recipe);

// Runs a recipe with [dedup]: the stage named by options.stage ("" / "all": every stage in
// turn, one task only). `published`: the checksum table of the main stage's downloads.
RunSummary run_dedup_recipe(const Recipe& recipe, const Settings& settings, Plan plan, const RunOptions& options,
                            std::function<download::Published()> published = {});

// Runs one per-unit stage for this task.
RunSummary run_stage(const StageSpec& stage, const Plan& plan, const RunOptions& options);

}  // namespace rpdata::exec
