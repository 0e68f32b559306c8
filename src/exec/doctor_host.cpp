// `rpdata doctor`'s checks of the machine: the models a recipe names, the free space under
// --out against `rpdata plan`'s estimate, and a Slurm client that reaches its cluster.
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <sstream>
#include <tuple>

#include "doctor_checks.h"
#include "rpdata/core/error.h"
#include "rpdata/exec/plan_estimate.h"
#include "rpdata/exec/runner.h"
#include "rpdata/quality/model_files.h"

namespace rpdata::exec {
namespace fs = std::filesystem;
namespace {

// An executable named `name` in a directory of $PATH, as execvp would find it; empty if none.
fs::path find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    fs::path p = fs::path(dir.empty() ? "." : dir) / name;
    if (::access(p.c_str(), X_OK) == 0 && !fs::is_directory(p)) return p;
  }
  return {};
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs `command` through /bin/sh; its exit status (-1 when it could not run) and output.
std::pair<int, std::string> run_command(const std::string& command) {
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return {-1, std::strerror(errno)};
  std::string output;
  char buf[512];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) output.append(buf, n);
  int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// The lines of `text`, joined with ", ", at most `max` of them.
std::string first_lines(const std::string& text, size_t max) {
  std::stringstream in(text);
  std::string line, out;
  size_t n = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (n++ == max) return out + ", ...";
    out += (out.empty() ? "" : ", ") + line;
  }
  return out;
}

}  // namespace

std::string human_size(double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
  int u = 0;
  while (bytes >= 1000 && u < 6) bytes /= 1000, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
  return buf;
}

FreeSpace free_space(const fs::path& path) {
  fs::path dir = fs::absolute(path).lexically_normal();
  std::error_code ec;
  while (!fs::exists(dir, ec) && dir.has_parent_path() && dir != dir.parent_path()) dir = dir.parent_path();
  struct statvfs st {};
  if (::statvfs(dir.c_str(), &st) != 0) throw IoError(std::string("statvfs failed: ") + std::strerror(errno), dir.string());
  return {dir, static_cast<uint64_t>(st.f_bavail) * static_cast<uint64_t>(st.f_frsize)};
}

void check_models(const Recipe& recipe, CheckSink& sink) {
  std::vector<quality::ModelUse> uses;
  try {
    uses = recipe_models(recipe);
  } catch (const Error& e) {
    sink.add("models", CheckLevel::kBlocker, e.what());
    return;
  }
  std::set<std::tuple<std::string, std::vector<std::string>>> seen;
  std::string found, missing;
  size_t n = 0;
  for (const auto& use : uses) {
    if (!seen.insert({use.user, use.files}).second) continue;
    ++n;
    if (!use.found.empty()) found += (found.empty() ? "" : ", ") + use.found.filename().string();
    else missing += (missing.empty() ? "" : ", ") + use.files.front() + " (" + use.user + ")";
  }
  if (n == 0) {
    sink.add("models", CheckLevel::kSkip, "the recipe names no model file");
  } else if (missing.empty()) {
    sink.add("models", CheckLevel::kOk, std::to_string(n) + " model file(s) found: " + found);
  } else {
    bool skip = recipe.missing_models == "skip";
    sink.add("models", skip ? CheckLevel::kWarn : CheckLevel::kBlocker,
             "missing " + missing + " under " + quality::model_dirs_text() + "; `rpdata models download --recipe " +
                 recipe.name + "` fetches the published ones" +
                 (skip ? " (missing_models = \"skip\": the run skips their rules)"
                       : " (missing_models = \"error\": the run stops before any work)"));
  }
}

double check_disk(const Recipe& recipe, const DoctorOptions& options, std::optional<size_t> inputs,
                  CheckSink& sink) {
  FreeSpace free;
  try {
    free = free_space(options.out);
  } catch (const Error& e) {
    sink.add("disk", CheckLevel::kBlocker, e.what());
    return 0;
  }
  const std::string where = human_size(static_cast<double>(free.bytes)) + " free under " + free.dir.string();
  PlanEstimate p;
  try {
    PlanRequest q;
    q.delete_raw = options.delete_raw;
    p = estimate_plan(recipe, q);
  } catch (const ConfigError& e) {
    sink.add("disk", CheckLevel::kWarn, where + "; no `rpdata plan` estimate to compare with (" + e.message() + ")");
    return 0;
  }
  double need = p.scratch_bytes;
  std::string how = "raw " + human_size(p.raw_bytes) + (options.delete_raw ? " (deleted as used)" : "") +
                    " + output " + (p.output_bytes > 0 ? human_size(p.output_bytes) : "unknown ([plan] has no output_ratio)") +
                    (recipe.has_dedup ? " + intermediate" : "") + ", rpdata plan";
  if (options.limit > 0 && inputs && *inputs > static_cast<size_t>(options.limit)) {
    need = need * static_cast<double>(options.limit) / static_cast<double>(*inputs);
    how += ", scaled to --limit " + std::to_string(options.limit) + " of " + std::to_string(*inputs) + " inputs";
  }
  bool fits = static_cast<double>(free.bytes) >= need;
  sink.add("disk", fits ? CheckLevel::kOk : CheckLevel::kBlocker,
           "needs " + human_size(need) + " (" + how + "), " + (fits ? "" : "only ") + where);
  return need;
}

Check check_slurm() {
  fs::path sbatch = find_on_path("sbatch");
  const char* path = std::getenv("PATH");
  if (sbatch.empty())
    return {"slurm", "", CheckLevel::kBlocker,
            "sbatch not found on PATH (" + std::string(path ? path : "") + "): `rpdata slurm submit` needs Slurm's client"};
  fs::path sinfo = find_on_path("sinfo");
  if (sinfo.empty())
    return {"slurm", "", CheckLevel::kWarn, "sbatch at " + sbatch.string() + "; no sinfo on PATH to ask the cluster"};
  fs::path timeout = find_on_path("timeout");
  std::string cmd = (timeout.empty() ? "" : shell_quote(timeout.string()) + " 20 ") + shell_quote(sinfo.string()) +
                    " -h -o '%P %a' 2>&1";
  auto [status, output] = run_command(cmd);
  if (status != 0)
    return {"slurm", "", CheckLevel::kBlocker,
            "sbatch at " + sbatch.string() + ", but sinfo failed (exit " + std::to_string(status) +
                "): " + first_lines(output, 2)};
  if (first_lines(output, 1).empty())
    return {"slurm", "", CheckLevel::kBlocker, "sbatch at " + sbatch.string() + ", but sinfo lists no partition"};
  return {"slurm", "", CheckLevel::kOk, "sbatch at " + sbatch.string() + "; partitions: " + first_lines(output, 4)};
}

}  // namespace rpdata::exec
