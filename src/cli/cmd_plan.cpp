// `rpdata plan SOURCE`: pre-flight estimate of a full run (exec/plan_estimate.h).
#include <cmath>
#include <cstdio>

#include "common.h"
#include "rpdata/exec/plan_estimate.h"

namespace rpdata::cli {
namespace {
std::string g_source, g_recipe, g_from;
double g_input_bytes = 0;
int g_tasks = 1;
bool g_delete_raw = false;

// The CPU-minutes a unit should stay under, so that a unit lost to preemption costs little and
// no unit outlasts a run spread over many cores.
constexpr int kUnitMinutes = 30;

std::string human(double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB", "PB"};
  int u = 0;
  while (bytes >= 1000 && u < 5) bytes /= 1000, ++u;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f %s", bytes, units[u]);
  return buf;
}

// The critical path: no run ends before its largest unit does.
void print_largest_unit(const exec::PlanEstimate& p) {
  if (p.largest_input_bytes <= 0) {
    std::printf("  largest unit    unknown (the recipe's [plan] has no largest_unit_bytes)\n");
    return;
  }
  std::string cut;
  if (p.largest_unit_bytes < p.largest_input_bytes) {
    char n[64];
    std::snprintf(n, sizeof n, ", cut into ~%.0f units", std::ceil(p.largest_input_bytes / p.largest_unit_bytes));
    cut = n;
  }
  std::printf("  largest unit    %s, %.1f CPU-minutes: %s%s%s%s%s\n", human(p.largest_unit_bytes).c_str(),
              p.largest_unit_cpu_minutes, p.largest_input_from.c_str(), cut.c_str(),
              p.largest_unit_how.empty() ? "" : " (", p.largest_unit_how.c_str(), p.largest_unit_how.empty() ? "" : ")");
  if (p.largest_unit_cpu_minutes > kUnitMinutes)
    std::printf("  critical path   that unit alone takes over %d CPU-minutes%s\n", kUnitMinutes,
                p.splittable ? ": lower [read] unit_max_bytes" : "; its format cannot be cut, so no run ends sooner");
}

int show_plan() {
  RunArgs a;
  a.source = g_source;
  a.recipe = g_recipe;
  exec::Recipe recipe = load_run_recipe(a);
  exec::PlanRequest q;
  if (!g_from.empty()) q.from = g_from;
  if (g_input_bytes > 0) q.raw_bytes = g_input_bytes;
  q.tasks = g_tasks;
  q.delete_raw = g_delete_raw;
  exec::PlanEstimate p = exec::estimate_plan(recipe, q);
  std::printf("plan for %s (recipe %s)\n", p.source.c_str(), recipe.name.c_str());
  std::printf("  download        %s (%s)\n", human(p.raw_bytes).c_str(), p.raw_bytes_from.c_str());
  if (p.egress_usd > 0)
    std::printf("  requester pays  $%.0f (%s)\n", p.egress_usd, p.egress_from.c_str());
  for (const auto& s : p.stages)
    std::printf("  stage %-9s %8.1f CPU-hours at %.1f MB/s of raw input per core (%s)\n", s.stage.c_str(),
                s.cpu_hours, s.mb_per_core_s, s.measured_by.c_str());
  char wall[32];
  if (p.wall_hours >= 1) std::snprintf(wall, sizeof(wall), "%.1f h", p.wall_hours);
  else if (p.wall_hours * 60 >= 1) std::snprintf(wall, sizeof(wall), "%.0f min", p.wall_hours * 60);
  else std::snprintf(wall, sizeof(wall), "< 1 min");
  bool bound = p.largest_unit_cpu_minutes / 60 > p.cpu_hours / p.tasks;  // the largest unit outlasts the rest
  std::printf("  total           %8.1f CPU-hours; %d task(s) of one core: %s wall-clock%s\n", p.cpu_hours, p.tasks,
              wall, bound ? " (its largest unit)" : "");
  if (p.output_bytes > 0) std::printf("  output          %s of zstd shards\n", human(p.output_bytes).c_str());
  else std::printf("  output          unknown (no output ratio: run a probe and pass --from)\n");
  std::printf("  scratch disk    %s at the peak (raw%s + output%s)\n", human(p.scratch_bytes).c_str(),
              g_delete_raw ? " deleted as it is used" : "", recipe.has_dedup ? " + intermediate" : "");
  if (p.peak_rss_mb > 0)
    std::printf("  memory          %.0f MB peak per task (%s)\n", p.peak_rss_mb, p.peak_rss_from.c_str());
  print_largest_unit(p);
  return 0;
}
}  // namespace

void register_plan(CLI::App& app) {
  auto* cmd = app.add_subcommand("plan", "Estimate a full run before starting it: CPU-hours, memory, disk, download, cost");
  cmd->add_option("source", g_source, "Source to estimate (c4, ...)")->required();
  cmd->add_option("--recipe", g_recipe, "Recipe: a built-in name or a .toml path; default: the SOURCE recipe");
  cmd->add_option("--from", g_from, "A sampled run directory whose measured throughput, output ratio and memory to use")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--input-bytes", g_input_bytes, "Raw input size of the full run (default: the recipe's [plan])");
  cmd->add_option("--tasks,-n", g_tasks, "Tasks (one core each) to spread the work over")->check(at_least(1));
  cmd->add_flag("--delete-raw", g_delete_raw, "Assume raw inputs are deleted as their units complete");
  cmd->footer(
      "Throughput is measured, never guessed: from --from RUN_DIR (each unit marker records its\n"
      "input bytes and seconds; task stats the peak memory), else from the figures in the\n"
      "recipe's [plan] table, which name the benchmark they come from. Example:\n"
      "  rpdata run c4 --out /tmp/probe --limit 2 && rpdata plan c4 --from /tmp/probe --tasks 64");
  cmd->callback([] { g_exit_code = show_plan(); });
}

}  // namespace rpdata::cli
