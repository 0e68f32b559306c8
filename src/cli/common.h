// Flags shared by several subcommands, each defined exactly once here (ripgrep-style), and
// the helpers that turn them into validated option objects before any work starts.
#pragma once

#include <CLI/CLI.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rpdata/exec/runner.h"

namespace rpdata::cli {

struct RunArgs {
  std::string source;
  std::string recipe;
  std::string out;
  std::string mirror;
  std::vector<std::string> inputs;
  int64_t limit = -1;
  std::optional<int> rank;
  std::optional<int> world_size;
  int threads = 1;
  bool delete_raw = false;
  bool verify_sha256 = false;
  bool yes = false;
  bool no_progress = false;
  std::vector<std::string> tokenizers;
  std::vector<std::string> sets;  // --set SECTION.KEY=VALUE recipe overrides, in order
  // The sources' run flags given (flag -> value; Registries::run_flags), applied after --set.
  std::map<std::string, std::string> source_flags;
  std::string stage;  // recipes with [dedup]: main | reduce | apply (default: all, one task)
};

// A validator for integer flags with a readable message.
CLI::Validator at_least(long min);

// Adds SOURCE, --recipe, --set, --out, --mirror, --limit, --rank, --world-size, --threads,
// --verify-sha256 and --no-progress; `with_inputs` adds --input, `with_delete` --delete-raw.
// `with_task` adds --rank and --world-size (not for `slurm submit`, where the array chooses).
void add_run_flags(CLI::App& cmd, RunArgs& args, bool with_inputs, bool with_delete, bool out_required = true,
                   bool with_task = true);
// The flags of `args` that add_run_flags parses back into the same RunArgs, for the command
// line of a task that repeats this run elsewhere (a Slurm array task runs in --out, so paths
// are made absolute). SOURCE first; --rank, --world-size and --stage are the caller's.
std::vector<std::string> task_args(const RunArgs& args);
// Builds RunOptions + Recipe from parsed flags (ConfigError on bad values).
exec::RunOptions make_run_options(const RunArgs& args);
exec::Recipe load_run_recipe(const RunArgs& args);
// Runs and reports; returns the exit code (0 ok, 1 some input failed).
int execute_run(const RunArgs& args, bool download, bool process);

// "298.4 MB" (decimal units, up to TB).
std::string human_bytes(double bytes);

// Prints rows as columns on stdout; the last column is not padded.
void print_table(const std::vector<std::vector<std::string>>& rows);

// Prints the per-source table (docs, bytes, shards, tokens) of a run directory.
void print_run_table(const std::string& out);

void register_download(CLI::App& app);
void register_process(CLI::App& app);
void register_run(CLI::App& app);
void register_sample(CLI::App& app);
void register_status(CLI::App& app);
void register_steps(CLI::App& app);
void register_manifest(CLI::App& app);
void register_fetch(CLI::App& app);
void register_count(CLI::App& app);
void register_report(CLI::App& app);
void register_slurm(CLI::App& app);
void register_plan(CLI::App& app);
void register_classifier(CLI::App& app);
void register_models(CLI::App& app);
void register_doctor(CLI::App& app);
void register_tokenize(CLI::App& app);
void register_mix(CLI::App& app);
void register_subsample(CLI::App& app);

// A one-line progress bar on a terminal (stderr), else an info line every 30 s.
class ProgressLine {
 public:
  ProgressLine(std::string label, bool enabled);
  ~ProgressLine();
  void update(uint64_t done, uint64_t total);

 private:
  std::string label_;
  bool enabled_, tty_;
  double last_ = -1;
  bool drawn_ = false;
};

// Set by a subcommand's callback; main returns it.
extern int g_exit_code;
// The process arguments (argv[0..]), set by main before parsing.
extern std::vector<std::string> g_command_line;

}  // namespace rpdata::cli
