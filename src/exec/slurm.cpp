#include "rpdata/exec/slurm.h"

#include <cstdio>
#include <cstdlib>
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
  if (o.stage == "main") layout = RunLayout{layout.work_dir() / "stages", "main"};  // as exec/stages.h
  std::vector<int> ranks;
  for (int r = 0; r < o.tasks; ++r) {
    TaskSpec t{r, o.tasks};
    std::error_code ec;
    if (o.partition_stage || !fs::exists(layout.tasks_dir() / (t.label() + ".done"), ec)) ranks.push_back(r);
  }
  return ranks;
}

std::vector<ArrayChunk> split_for_max_array_size(const std::vector<int>& ranks, int max_array_size) {
  std::vector<ArrayChunk> chunks;
  int width = max_array_size > 0 ? max_array_size : 1 << 30;
  for (int r : ranks) {
    int offset = r / width * width;
    if (chunks.empty() || chunks.back().offset != offset) chunks.push_back({offset, {}});
    chunks.back().ranks.push_back(r);
  }
  return chunks;
}

int query_max_array_size() {
  FILE* p = ::popen("timeout 20 scontrol show config 2>/dev/null", "r");
  if (!p) return 1001;
  char buf[512];
  int value = 1001;
  while (std::fgets(buf, sizeof(buf), p)) {
    std::string line(buf);
    if (line.rfind("MaxArraySize", 0) != 0) continue;
    auto eq = line.find('=');
    if (eq != std::string::npos) value = std::atoi(line.c_str() + eq + 1);
  }
  ::pclose(p);
  return value > 0 ? value : 1001;
}

std::string job_stem(const SlurmSubmitOptions& o, size_t chunk, size_t chunks) {
  std::string stem = o.source;
  if (!o.stage.empty()) stem += "-" + o.stage;
  if (chunks > 1) stem += "-" + std::to_string(chunk);
  return stem;
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
  return sbatch_script(o, ArrayChunk{0, ranks});
}

std::string sbatch_script(const SlurmSubmitOptions& o, const ArrayChunk& chunk) {
  fs::path dir = slurm_dir(o);
  std::vector<int> indices;
  for (int r : chunk.ranks) indices.push_back(r - chunk.offset);
  std::string name = o.source + (o.stage.empty() ? "" : "-" + o.stage);
  std::string s = "#!/bin/bash\n";
  s += "#SBATCH --job-name=rpdata-" + name + "\n";
  s += "#SBATCH --array=" + array_spec(indices, o.max_parallel) + "\n";
  // Logs: <name>[+<offset>]-<job>_<index>.out, so rank = offset + index can be read back.
  std::string log = name + (chunk.offset ? "+" + std::to_string(chunk.offset) : "") + "-%A_%a.out";
  s += "#SBATCH --output=" + (dir / "logs" / log).string() + "\n";
  s += "#SBATCH --open-mode=append\n";
  s += "#SBATCH --requeue\n";
  s += "#SBATCH --chdir=" + o.out.string() + "\n";
  if (!o.after_ok.empty()) {
    std::string dep = "afterok";
    for (const auto& id : o.after_ok) dep += ":" + id;
    s += "#SBATCH --dependency=" + dep + "\n";
    s += "#SBATCH --kill-on-invalid-dep=yes\n";
  }
  if (!o.partition.empty()) s += "#SBATCH --partition=" + o.partition + "\n";
  if (!o.time.empty()) s += "#SBATCH --time=" + o.time + "\n";
  if (!o.mem.empty()) s += "#SBATCH --mem=" + o.mem + "\n";
  std::string rank = chunk.offset ? "$((SLURM_ARRAY_TASK_ID + " + std::to_string(chunk.offset) + "))"
                                  : "$SLURM_ARRAY_TASK_ID";
  s += "# Array task i is rank " + std::string(chunk.offset ? std::to_string(chunk.offset) + " + i" : "i") + " of " +
       std::to_string(o.tasks) + " (explicit, so a partial resubmission keeps the world size).\n";
  s += "exec " + quote(o.rpdata) + " run";
  for (const auto& a : o.run_args) s += " " + quote(a);
  if (!o.stage.empty()) s += " --stage " + o.stage;
  s += " --rank \"" + rank + "\" --world-size " + std::to_string(o.tasks) + "\n";
  return s;
}

std::string submit_script(const SlurmSubmitOptions& o, const std::string& script, const std::string& stem) {
  fs::path dir = slurm_dir(o);
  fs::create_directories(dir / "logs");
  fs::path path = dir / (stem + ".sbatch");
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
