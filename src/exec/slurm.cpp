#include "rpdata/exec/slurm.h"

#include <cstdio>
#include <sys/wait.h>

#include "rpdata/core/error.h"
#include "rpdata/exec/layout.h"
#include "rpdata/exec/task_plan.h"
#include "rpdata/io/fs.h"

namespace rpdata::exec {
namespace fs = std::filesystem;
namespace {
// Single-quoted for bash: 'it'\''s'.
std::string quote(const std::string& s) {
  std::string r = "'";
  for (char c : s) r += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return r + "'";
}
}  // namespace

std::vector<int> pending_ranks(const SlurmSubmitOptions& o) {
  RunLayout layout{o.out, o.source};
  std::vector<int> ranks;
  for (int r = 0; r < o.tasks; ++r) {
    TaskSpec t{r, o.tasks};
    std::error_code ec;
    if (!fs::exists(layout.tasks_dir() / (t.label() + ".done"), ec)) ranks.push_back(r);
  }
  return ranks;
}

std::string array_spec(const std::vector<int>& ranks, int max_parallel) {
  std::string s;
  for (size_t i = 0; i < ranks.size();) {
    size_t j = i;
    while (j + 1 < ranks.size() && ranks[j + 1] == ranks[j] + 1) ++j;
    if (!s.empty()) s += ",";
    s += std::to_string(ranks[i]);
    if (j > i) s += "-" + std::to_string(ranks[j]);
    i = j + 1;
  }
  if (max_parallel > 0) s += "%" + std::to_string(max_parallel);
  return s;
}

fs::path slurm_dir(const SlurmSubmitOptions& o) { return o.out / "_slurm"; }

std::string sbatch_script(const SlurmSubmitOptions& o, const std::vector<int>& ranks) {
  fs::path dir = slurm_dir(o);
  std::string s = "#!/bin/bash\n";
  s += "#SBATCH --job-name=rpdata-" + o.source + "\n";
  s += "#SBATCH --array=" + array_spec(ranks, o.max_parallel) + "\n";
  s += "#SBATCH --output=" + (dir / "logs" / (o.source + "-%A_%a.out")).string() + "\n";
  s += "#SBATCH --open-mode=append\n";
  s += "#SBATCH --requeue\n";
  s += "#SBATCH --chdir=" + o.out.string() + "\n";
  if (!o.partition.empty()) s += "#SBATCH --partition=" + o.partition + "\n";
  if (!o.time.empty()) s += "#SBATCH --time=" + o.time + "\n";
  if (!o.mem.empty()) s += "#SBATCH --mem=" + o.mem + "\n";
  s += "# Array task i is rank i of " + std::to_string(o.tasks) +
       " (explicit, so a partial resubmission keeps the world size).\n";
  s += "exec " + quote(o.rpdata) + " run";
  for (const auto& a : o.run_args) s += " " + quote(a);
  s += " --rank \"$SLURM_ARRAY_TASK_ID\" --world-size " + std::to_string(o.tasks) + "\n";
  return s;
}

std::string submit_script(const SlurmSubmitOptions& o, const std::string& script) {
  fs::path dir = slurm_dir(o);
  fs::create_directories(dir / "logs");
  fs::path path = dir / (o.source + ".sbatch");
  io::write_file_atomic(path, script);
  std::string cmd = "sbatch --parsable " + quote(path.string()) + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) throw IoError("cannot run sbatch", path.string());
  std::string output;
  char buf[256];
  while (std::fgets(buf, sizeof(buf), p)) output += buf;
  int status = ::pclose(p);
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
  if (status != 0 || output.empty()) throw IoError("sbatch failed: " + output, path.string());
  return output.substr(0, output.find(';'));
}

}  // namespace rpdata::exec
