// Slurm submission for one source's run: an sbatch job array whose task i runs
// `rpdata run ... --rank i --world-size N`, submitted only for the ranks without a `.done`
// task marker, so resubmitting after a failure redoes exactly what is not complete. Recipes
// with a cross-unit [dedup] get one array per stage (main, the kind's rounds, apply) chained with
// afterok; arrays above MaxArraySize are split into chunks with a rank offset.
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
  std::vector<std::string> run_args;  // arguments after `rpdata run` except --rank/--world-size/--stage
  int tasks = 1;                      // world size
  int max_parallel = 0;               // `%N` throttle; 0 = none
  std::string partition, time, mem;   // passed to #SBATCH when not empty
  // Recipes with [dedup]: "main", one of the dedup kind's rounds (e.g. "reduce") or "apply" (one
  // array each, chained; exec::recipe_stages); "" = one stage.
  std::string stage;
  bool partition_stage = false;  // `stage` is a round over hash partitions (no task markers)
  std::vector<std::string> after_ok;  // job ids this array waits for (--dependency=afterok:...)
};

// Ranks 0..tasks-1 whose task marker `<label>.done` (of this stage) is absent, ascending.
// A partition stage (a dedup round) keeps no task markers of its own (its partitions skip
// themselves when done): all its ranks are pending.
std::vector<int> pending_ranks(const SlurmSubmitOptions& o);

// Splits ascending ranks into arrays whose indices stay below MaxArraySize: chunk k holds the
// ranks in [k*max, (k+1)*max) and its array index i means rank offset + i.
struct ArrayChunk {
  int offset = 0;
  std::vector<int> ranks;
};
std::vector<ArrayChunk> split_for_max_array_size(const std::vector<int>& ranks, int max_array_size);
// MaxArraySize from `scontrol show config` (Slurm's default 1001 when it cannot be read).
int query_max_array_size();

// "0-2,5,7-8" plus "%N" when throttled. Requires a non-empty ascending list.
std::string array_spec(const std::vector<int>& ranks, int max_parallel);

// Where the script and the per-task logs go: <out>/_slurm/<source>.sbatch, <out>/_slurm/logs/.
std::filesystem::path slurm_dir(const SlurmSubmitOptions& o);

// The sbatch script (bash) for one chunk; requeue on preemption/time limit, logs appended.
std::string sbatch_script(const SlurmSubmitOptions& o, const ArrayChunk& chunk);
std::string sbatch_script(const SlurmSubmitOptions& o, const std::vector<int>& ranks);

// "<source>[-<stage>][-<chunk>]": the script and log name stem.
std::string job_stem(const SlurmSubmitOptions& o, size_t chunk, size_t chunks);

// Writes the script as slurm_dir()/<stem>.sbatch and runs `sbatch --parsable` on it; returns
// the job id. Throws Error when sbatch fails.
std::string submit_script(const SlurmSubmitOptions& o, const std::string& script, const std::string& stem);

}  // namespace rpdata::exec
