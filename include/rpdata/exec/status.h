// `rpdata status`: what a run directory holds, per source: inputs complete out of planned,
// and per task whether it is done, running (its process is alive), stale (its marker says
// running but the process is gone, e.g. killed), or failed (with the recorded errors); for
// [dedup] runs the progress of each stage; for Slurm runs the queued array jobs (squeue) and
// the log file of each failed task.
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

// Progress of a run with a cross-unit [dedup] (exec/stages.h): units or partitions done.
struct StageProgress {
  std::string stage;  // main, the dedup kind's rounds (e.g. reduce), apply
  int64_t done = 0, total = 0;
  bool partitions = false;  // counts hash partitions (a round), else inputs
};

// A Slurm array job of this source still in the queue (from squeue).
struct QueuedJob {
  std::string id, name, state, reason;
};

struct SourceStatus {
  SourceTotals totals;
  std::vector<StageProgress> stages;  // empty for single-stage runs
  std::vector<TaskState> tasks;       // labels prefixed "main/" for the main stage
  std::vector<QueuedJob> queued;      // when the run was submitted to Slurm and squeue answers
  std::vector<std::string> failure_logs;  // OUT/_slurm/logs files of failed tasks
};

std::vector<SourceStatus> run_status(const std::filesystem::path& out);

}  // namespace rpdata::exec
