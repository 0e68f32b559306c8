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

// One raw file of a multi-file unit (e.g. one WET segment of a cc_net shard).
struct PlanPart {
  std::string name;  // relative path under _work/raw (may contain '/'); key for checksums
  std::string url;   // empty for local parts
  std::string path;  // local path, empty when downloaded
  std::string sha256;  // known sha256 (a previous stage's shard); not part of plan.json
  // What the source's listing published about the file (e.g. a GCS md5Hash); the download is
  // verified against them. Empty / 0 = not known.
  std::string md5;
  uint64_t size = 0;
};

struct PlanUnit {
  std::string name;
  std::string url;  // empty for local inputs
  std::string path; // local input path, empty when downloaded
  // Non-empty: the unit is these files, in order (name/url/path above are then unused but
  // for `name`). Empty: the unit is the one file above.
  std::vector<PlanPart> parts;
  // The unit's input group ("" otherwise): the [[inputs]] group of a multi-group recipe
  // (book: pg19, books3) or the dump of a multi-dump CommonCrawl run ([download] dumps).
  // Cross-unit dedup ranks files by group first, groups in plan order.
  std::string group;
};

// The files of a unit in order: its parts, or the unit itself as one part.
std::vector<PlanPart> unit_parts(const PlanUnit& unit);

struct Plan {
  std::string recipe;
  std::string source;
  // sha256 of everything that shapes the output bytes ([read], [[steps]], [output], the
  // tokenizers counted): a run directory never mixes outputs of different settings.
  std::string settings_digest;
  std::vector<PlanUnit> units;
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

// Reads every unit marker of the plan; writes manifest.jsonl/.json when all are present.
// Returns the totals (partial if some units are missing).
SourceTotals merge_manifest(const RunLayout& layout, bool write);

// The sources present under a run directory (folders with _work/plan.json), sorted.
std::vector<std::string> run_sources(const std::filesystem::path& out);

}  // namespace rpdata::exec
