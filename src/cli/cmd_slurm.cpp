// `rpdata slurm submit SOURCE --out DIR --tasks N ...`: one Slurm job array running
// `rpdata run` per rank, for the ranks not yet done; `--dry-run` prints the sbatch script.
#include <cstdio>
#include <filesystem>

#include "common.h"
#include "rpdata/exec/slurm.h"

namespace rpdata::cli {
namespace {
RunArgs g_run;
exec::SlurmSubmitOptions g_slurm;
bool g_dry_run = false;

int slurm_submit() {
  namespace fs = std::filesystem;
  load_run_recipe(g_run);  // a bad source/recipe fails here, not in every array task
  exec::SlurmSubmitOptions o = g_slurm;
  o.rpdata = fs::read_symlink("/proc/self/exe").string();
  o.source = g_run.source;
  o.out = fs::absolute(g_run.out).lexically_normal();
  o.run_args = {g_run.source, "--out", o.out.string(), "--no-progress"};
  if (!g_run.recipe.empty()) o.run_args.insert(o.run_args.end(), {"--recipe", g_run.recipe});
  if (!g_run.mirror.empty()) {
    std::string m = g_run.mirror.find("://") == std::string::npos ? fs::absolute(g_run.mirror).string() : g_run.mirror;
    o.run_args.insert(o.run_args.end(), {"--mirror", m});
  }
  if (g_run.threads != 1) o.run_args.insert(o.run_args.end(), {"--threads", std::to_string(g_run.threads)});
  if (g_run.limit >= 0) o.run_args.insert(o.run_args.end(), {"--limit", std::to_string(g_run.limit)});
  if (g_run.verify_sha256) o.run_args.push_back("--verify-sha256");
  if (g_run.yes) o.run_args.push_back("--yes");
  if (!g_run.tokenizers.empty()) {
    std::string t;
    for (const auto& x : g_run.tokenizers) t += (t.empty() ? "" : ",") + x;
    o.run_args.insert(o.run_args.end(), {"--tokenizers", t});
  }
  auto ranks = exec::pending_ranks(o);
  if (ranks.empty()) {
    std::printf("%s: all %d task(s) done in %s; nothing to submit\n", o.source.c_str(), o.tasks, o.out.c_str());
    return 0;
  }
  std::string script = exec::sbatch_script(o, ranks);
  if (g_dry_run) {
    std::printf("%s", script.c_str());
    return 0;
  }
  std::string job = exec::submit_script(o, script);
  std::printf("%s: submitted job array %s (%zu of %d task(s)); logs in %s\n", o.source.c_str(), job.c_str(),
              ranks.size(), o.tasks, (exec::slurm_dir(o) / "logs").c_str());
  return 0;
}
}  // namespace

void register_slurm(CLI::App& app) {
  auto* slurm = app.add_subcommand("slurm", "Run on a Slurm cluster (job arrays; see docs/slurm.md)");
  slurm->require_subcommand(1);
  auto* cmd = slurm->add_subcommand("submit", "Submit one job array running `rpdata run` for each rank not done");
  add_run_flags(*cmd, g_run, false, false, true, false);  // the same flags as `rpdata run`
  cmd->add_option("--tasks,-n", g_slurm.tasks, "Number of tasks (world size)")->required()->check(at_least(1));
  cmd->add_option("--max-parallel", g_slurm.max_parallel, "At most N array tasks at once (%N)")->check(at_least(1));
  cmd->add_option("--partition,-p", g_slurm.partition, "Slurm partition");
  cmd->add_option("--time,-t", g_slurm.time, "Time limit per task (sbatch --time)");
  cmd->add_option("--mem", g_slurm.mem, "Memory per task (sbatch --mem)");
  cmd->add_flag("--dry-run", g_dry_run, "Print the sbatch script instead of submitting it");
  cmd->footer(
      "Ranks whose task marker is done are left out, so running the same command after a\n"
      "failure resubmits exactly the unfinished ranks. Script: OUT/_slurm/SOURCE.sbatch,\n"
      "logs: OUT/_slurm/logs/SOURCE-<job>_<rank>.out. Example:\n"
      "  rpdata slurm submit c4 --out /scratch/rp --tasks 64 --max-parallel 16 --time 4:00:00");
  cmd->callback([] { g_exit_code = slurm_submit(); });
}

}  // namespace rpdata::cli
