// Manifests: one row per shard (path, docs, bytes, compressed bytes, sha256, frames, tokens
// per tokenizer), kept in each input's completion marker and merged per source into
// manifest.jsonl (rows in input order) and manifest.json (totals). Merged files depend only
// on the outputs, never on task count, threads or timing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rpdata/core/stats.h"
#include "rpdata/download/plan.h"
#include "rpdata/exec/layout.h"
#include "rpdata/io/shard_writer.h"

namespace rpdata::exec {

struct UnitRecord {
  std::string unit;                   // input name
  size_t index = 0;                   // position in the plan
  uint64_t input_size = 0;            // the raw input file this output was made from
  std::string input_sha256;
  std::vector<io::ShardInfo> shards;  // names relative to the source dir
  Stats stats;
  double cpu_seconds = 0;             // CPU time of the thread that made it (for `rpdata plan`)
};

// The input list of a run (download/plan.h).
using download::PlanPart;
using download::PlanUnit;
using download::unit_parts;

struct Plan {
  std::string recipe;
  std::string source;
  // sha256 of everything that shapes the output bytes ([read], [[steps]], [output], the
  // tokenizers counted): a run directory never mixes outputs of different settings.
  std::string settings_digest;
  std::vector<PlanUnit> units;
  // The recipe keys the run changed (`--set` and the flags that stand for them), in order.
  std::vector<std::string> overrides;
  // How its inputs differ from RedPajama's snapshot (download::Planned::deviations).
  std::vector<std::string> deviations;
  // What planning could not do as the recipe asked (e.g. an input read whole because the
  // companion file its split needs is missing).
  std::vector<std::string> notes;
};

struct SourceTotals {
  std::string source;
  int64_t units = 0, units_done = 0;
  int64_t docs = 0;
  uint64_t bytes = 0, compressed_bytes = 0;
  int64_t shards = 0;
  std::map<std::string, int64_t> tokens;
  DropCounts drops;
  bool complete() const { return units > 0 && units == units_done; }
};

std::string plan_to_json(const Plan& plan);
Plan read_plan(const std::filesystem::path& path);

std::string unit_record_to_json(const UnitRecord& r, double seconds);
UnitRecord read_unit_record(const std::filesystem::path& path);
std::string stats_to_json(const Stats& s);

// Checks a unit's shards exist with the recorded sizes (and sha256 if `sha256`).
// Returns an empty string when fine, otherwise what is wrong.
std::string verify_unit(const RunLayout& layout, const UnitRecord& r, bool sha256);

// The plan's units that have a completion marker, in plan order, with their records.
std::vector<std::pair<PlanUnit, UnitRecord>> done_units(const RunLayout& layout, const Plan& plan);

// Reads every unit marker of the plan; writes manifest.jsonl/.json when all are present.
// Returns the totals (partial if some units are missing).
SourceTotals merge_manifest(const RunLayout& layout, bool write);

// The sources present under a run directory (folders with _work/plan.json), sorted.
std::vector<std::string> run_sources(const std::filesystem::path& out);

}  // namespace rpdata::exec
