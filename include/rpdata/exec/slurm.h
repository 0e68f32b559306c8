// Slurm submission for one source's run: an sbatch job array whose task i runs
// `rpdata run ... --rank i --world-size N`, submitted only for the ranks without a `.done`
// task marker, so resubmitting after a failure redoes exactly what is not complete.
// (RedPajama's own scripts ran one Slurm array per source; this is that, plus resume.)
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace rpdata::exec {

struct SlurmSubmitOptions {
  std::string rpdata;                 // absolute path of the rpdata binary the tasks run
  std::string source;                 // e.g. "c4"
  std::filesystem::path out;          // run directory (--out), absolute
  std::vector<std::string> run_args;  // arguments after `rpdata run` except --rank/--world-size
  int tasks = 1;                      // world size
  int max_parallel = 0;               // `%N` throttle; 0 = none
  std::string partition, time, mem;   // passed to #SBATCH when not empty
};

// Ranks 0..tasks-1 whose task marker `<label>.done` is absent, ascending.
std::vector<int> pending_ranks(const SlurmSubmitOptions& o);

// "0-2,5,7-8" plus "%N" when throttled. Requires a non-empty ascending list.
std::string array_spec(const std::vector<int>& ranks, int max_parallel);

// Where the script and the per-task logs go: <out>/_slurm/<source>.sbatch, <out>/_slurm/logs/.
std::filesystem::path slurm_dir(const SlurmSubmitOptions& o);

// The sbatch script (bash) for `ranks`; requeue on preemption/time limit, logs appended.
std::string sbatch_script(const SlurmSubmitOptions& o, const std::vector<int>& ranks);

// Writes the script under slurm_dir() and runs `sbatch --parsable` on it; returns the job id.
// Throws Error when sbatch fails.
std::string submit_script(const SlurmSubmitOptions& o, const std::string& script);

}  // namespace rpdata::exec
