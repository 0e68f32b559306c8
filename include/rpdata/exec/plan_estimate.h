// `rpdata plan`: a pre-flight estimate for a full run of one recipe, before anything is
// downloaded: CPU-hours per stage from measured per-core throughput, wall-clock for N
// tasks, peak memory per task, scratch disk, download bytes and requester-pays egress cost.
// Measurements come from a sampled run directory (--from: its unit markers record input
// bytes and seconds per unit, its task stats the peak RSS) or else from the recipe's [plan]
// table (figures measured on this project's benchmark machine, with their provenance).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "rpdata/exec/recipe.h"

namespace rpdata::exec {

struct StageEstimate {
  std::string stage;            // "process" or main/reduce/apply
  double mb_per_core_s = 0;     // raw-input MB per CPU second
  std::string measured_by;      // "run DIR (N units)" or "recipe [plan]"
  double cpu_hours = 0;
};

struct PlanEstimate {
  std::string source;
  double raw_bytes = 0;          // download volume of the full recipe
  std::string raw_bytes_from;    // provenance
  int64_t inputs = 0;
  std::vector<StageEstimate> stages;
  double cpu_hours = 0;
  int tasks = 1;
  double wall_hours = 0;         // cpu_hours / tasks (one core each), at least the largest unit
  double output_bytes = 0;       // compressed shards
  double scratch_bytes = 0;      // raw + intermediate + output at the peak
  double peak_rss_mb = 0;        // per task
  std::string peak_rss_from;
  double egress_usd = 0;         // requester-pays download cost
  std::string egress_from;
  // The critical path: the largest unit of the run, after the reader format cuts large inputs
  // (0 bytes: the recipe's [plan] gives no largest unit).
  double largest_input_bytes = 0;   // the largest input as planned ([plan] largest_unit_bytes)
  std::string largest_input_from;   // which input, and where its size comes from
  double largest_unit_bytes = 0;    // after the cut (at most the splitter's bound)
  double largest_unit_cpu_minutes = 0;
  std::string largest_unit_how;     // how inputs are cut, or why they cannot be
  bool splittable = false;          // the format cuts large inputs
};

struct PlanRequest {
  std::optional<std::filesystem::path> from;  // a sampled run directory
  std::optional<double> raw_bytes;            // overrides the recipe's raw size
  int tasks = 1;
  bool delete_raw = false;                    // raw inputs removed as units complete
};

// Throws ConfigError when neither the run nor the recipe gives a throughput.
// The [plan] keys: sizing facts, never part of the settings digest.
Keys plan_keys();
PlanEstimate estimate_plan(const Recipe& recipe, const PlanRequest& request);

}  // namespace rpdata::exec
