// `rpdata status DIR`: inputs complete per source and the state of every task.
#include <cstdio>

#include "common.h"
#include "rpdata/exec/status.h"

namespace rpdata::cli {
namespace {
std::string g_dir;

int show_status() {
  auto all = exec::run_status(g_dir);
  if (all.empty()) {
    std::printf("%s: no rpdata run here (no <source>/_work/plan.json)\n", g_dir.c_str());
    return 1;
  }
  int failed = 0;
  for (const auto& s : all) {
    const auto& t = s.totals;
    std::printf("%s: %lld/%lld inputs complete, %lld docs, %lld shards%s\n", t.source.c_str(),
                static_cast<long long>(t.units_done), static_cast<long long>(t.units),
                static_cast<long long>(t.docs), static_cast<long long>(t.shards),
                t.complete() ? " (complete)" : "");
    for (const auto& stage : s.stages)
      std::printf("  stage %-7s %lld/%lld %s\n", stage.stage.c_str(), static_cast<long long>(stage.done),
                  static_cast<long long>(stage.total), stage.partitions ? "partitions" : "inputs");
    for (const auto& task : s.tasks) {
      std::printf("  %-27s %-10s %s\n", task.label.c_str(), task.state.c_str(), task.detail.c_str());
      failed += task.state == "failed";
    }
    for (const auto& job : s.queued)
      std::printf("  slurm %-12s %-24s %-10s %s\n", job.id.c_str(), job.name.c_str(), job.state.c_str(),
                  job.reason == "None" ? "" : job.reason.c_str());
    for (const auto& log : s.failure_logs) std::printf("  log of %s\n", log.c_str());
  }
  return failed ? 1 : 0;
}
}  // namespace

void register_status(CLI::App& app) {
  auto* cmd = app.add_subcommand("status", "Show what a run directory holds: done, running, stale, failed");
  cmd->add_option("dir", g_dir, "Run directory (the --out of rpdata run)")->required()->check(CLI::ExistingDirectory);
  cmd->footer("A task is 'stale' when its marker says running but its process is gone (killed);\n"
              "re-run the same command (or `rpdata slurm resubmit DIR`) to finish it. Runs with a\n"
              "cross-unit [dedup] show each stage's progress; Slurm runs show their queued array\n"
              "tasks (squeue) and the log file of each failed task. Exit code 1 if any task failed.");
  cmd->callback([] { g_exit_code = show_status(); });
}

}  // namespace rpdata::cli
