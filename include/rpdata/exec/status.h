// `rpdata status`: what a run directory holds, per source: inputs complete out of planned,
// and per task whether it is done, running (its process is alive), stale (its marker says
// running but the process is gone, e.g. killed), or failed (with the recorded errors).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "rpdata/exec/manifest.h"

namespace rpdata::exec {

struct TaskState {
  std::string label;   // rank-00000-of-00003
  std::string state;   // done | running | stale | failed | superseded (the source completed later)
  std::string detail;  // failure text or pid@host
};

struct SourceStatus {
  SourceTotals totals;
  std::vector<TaskState> tasks;
};

std::vector<SourceStatus> run_status(const std::filesystem::path& out);

}  // namespace rpdata::exec
