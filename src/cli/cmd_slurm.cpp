// `rpdata slurm submit SOURCE --out DIR --tasks N ...`: one Slurm job array running
// `rpdata run` per rank, for the ranks not yet done; `--dry-run` prints the sbatch script.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <filesystem>

#include "common.h"
#include "rpdata/core/error.h"
#include "rpdata/exec/slurm.h"
#include "rpdata/io/fs.h"

namespace rpdata::cli {
namespace {
RunArgs g_run;
exec::SlurmSubmitOptions g_slurm;
bool g_dry_run = false;
int g_max_array_size = 0;
std::string g_resubmit_out;
std::vector<std::string> g_argv;  // the submit arguments as given, for resubmit

int slurm_submit() {
  namespace fs = std::filesystem;
  load_run_recipe(g_run);  // a bad source/recipe fails here, not in every array task
  exec::SlurmSubmitOptions o = g_slurm;
  o.rpdata = fs::read_symlink("/proc/self/exe").string();
  o.source = g_run.source;
  o.out = fs::absolute(g_run.out).lexically_normal();
  RunArgs task = g_run;
  task.no_progress = true;  // task logs are files
  o.run_args = task_args(task);
  exec::Recipe recipe = load_run_recipe(g_run);
  int max_array = g_max_array_size > 0 ? g_max_array_size : (g_dry_run ? 1001 : exec::query_max_array_size());
  // One job array per stage of the recipe: a partition stage needs at most one task per partition.
  std::vector<exec::StageInfo> stages = exec::recipe_stages(recipe);
  {
    exec::SlurmSubmitOptions last = o;
    last.stage = stages.back().name;
    last.partition_stage = stages.back().partitions > 0;
    if (exec::pending_ranks(last).empty()) {
      std::printf("%s: all %d task(s) done in %s; nothing to submit\n", o.source.c_str(), o.tasks, o.out.c_str());
      return 0;
    }
  }
  if (!g_dry_run) {  // what `rpdata slurm resubmit OUT` repeats
    std::string args;
    for (const auto& a : g_argv) args += a + "\n";
    io::write_file_atomic(exec::slurm_dir(o) / (o.source + ".submit-args"), args);
  }
  std::vector<std::string> previous;
  for (const auto& s : stages) {
    const std::string& stage = s.name;
    int tasks = s.partitions ? std::min(o.tasks, static_cast<int>(s.partitions)) : o.tasks;
    exec::SlurmSubmitOptions so = o;
    so.stage = stage;
    so.partition_stage = s.partitions > 0;
    so.tasks = tasks;
    so.after_ok = previous;
    auto ranks = exec::pending_ranks(so);
    if (ranks.empty()) continue;  // e.g. main already done: reduce runs at once
    auto chunks = exec::split_for_max_array_size(ranks, max_array);
    std::vector<std::string> ids;
    for (size_t k = 0; k < chunks.size(); ++k) {
      std::string script = exec::sbatch_script(so, chunks[k]);
      std::string stem = exec::job_stem(so, k, chunks.size());
      if (g_dry_run) {
        std::printf("# ---- %s.sbatch ----\n%s", stem.c_str(), script.c_str());
        ids.push_back("<" + stem + ">");
        continue;
      }
      std::string job = exec::submit_script(so, script, stem);
      ids.push_back(job);
      std::printf("%s: submitted job array %s (%zu of %d task(s)%s%s); logs in %s\n", o.source.c_str(), job.c_str(),
                  chunks[k].ranks.size(), tasks, stage.empty() ? "" : (", stage " + stage).c_str(),
                  previous.empty() ? "" : ", after the previous stage", (exec::slurm_dir(o) / "logs").c_str());
    }
    previous = ids;
  }
  return 0;
}

int slurm_resubmit() {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(g_resubmit_out) / "_slurm";
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".submit-args") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  if (files.empty())
    throw rpdata::ConfigError("no earlier `rpdata slurm submit` recorded in " + dir.string() + " (nothing to resubmit)");
  int rc = 0;
  for (const auto& f : files) {
    std::vector<std::string> saved;  // cwd, then the submit arguments
    std::string text = io::read_file(f), line;
    for (char c : text) {
      if (c == '\n') saved.push_back(std::exchange(line, {}));
      else line += c;
    }
    if (saved.empty()) throw rpdata::ConfigError("empty submit record", f.string());
    auto quote = [](const std::string& a) {
      std::string q = "'";
      for (char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
      return q + "'";
    };
    std::string cmd = "cd " + quote(saved[0]) + " && " + quote(fs::read_symlink("/proc/self/exe").string()) +
                      " slurm submit";
    for (size_t i = 1; i < saved.size(); ++i) cmd += " " + quote(saved[i]);
    std::printf("resubmitting: %s\n", cmd.c_str());
    std::fflush(stdout);
    int status = std::system(cmd.c_str());
    if (status != 0) rc = 1;
  }
  return rc;
}
}  // namespace

void register_slurm(CLI::App& app) {
  auto* slurm = app.add_subcommand("slurm", "Run on a Slurm cluster (job arrays; see docs/slurm.md)");
  slurm->require_subcommand(1);
  auto* cmd = slurm->add_subcommand("submit", "Submit one job array running `rpdata run` for each rank not done");
  add_run_flags(*cmd, g_run, true, false, true, false);  // the same flags as `rpdata run`
  cmd->add_option("--tasks,-n", g_slurm.tasks, "Number of tasks (world size)")->required()->check(at_least(1));
  cmd->add_option("--max-parallel", g_slurm.max_parallel, "At most N array tasks at once (%N)")->check(at_least(1));
  cmd->add_option("--partition,-p", g_slurm.partition, "Slurm partition");
  cmd->add_option("--time,-t", g_slurm.time, "Time limit per task (sbatch --time)");
  cmd->add_option("--mem", g_slurm.mem, "Memory per task (sbatch --mem)");
  cmd->add_flag("--dry-run", g_dry_run, "Print the sbatch script(s) instead of submitting them");
  cmd->add_option("--max-array-size", g_max_array_size,
                  "Split arrays above this many tasks (default: the cluster's MaxArraySize)")
      ->check(at_least(1));
  cmd->footer(
      "Ranks whose task marker is done are left out, so running the same command after a\n"
      "failure resubmits exactly the unfinished ranks. Script: OUT/_slurm/SOURCE.sbatch,\n"
      "logs: OUT/_slurm/logs/SOURCE-<job>_<rank>.out. Example:\n"
      "  rpdata slurm submit c4 --out /scratch/rp --tasks 64 --max-parallel 16 --time 4:00:00");
  cmd->callback([] {
    // The arguments after `slurm submit`, as given (resubmit repeats them from the same cwd).
    g_argv = {std::filesystem::current_path().string()};
    const auto& all = g_command_line;
    for (size_t i = 0; i + 1 < all.size(); ++i)
      if (all[i] == "slurm" && all[i + 1] == "submit") {
        g_argv.insert(g_argv.end(), all.begin() + static_cast<std::ptrdiff_t>(i) + 2, all.end());
        break;
      }
    g_exit_code = slurm_submit();
  });
  auto* re = slurm->add_subcommand("resubmit",
                                   "Submit again, with the same arguments, whatever the last `slurm submit` into "
                                   "RUN_DIR has not finished (failed, cancelled or never run)");
  re->add_option("run_dir", g_resubmit_out, "Run directory (--out of the submit)")->required();
  re->footer("Reads RUN_DIR/_slurm/<source>.submit-args. Example:\n  rpdata slurm resubmit /scratch/rp");
  re->callback([] { g_exit_code = slurm_resubmit(); });
}

}  // namespace rpdata::cli
