// `rpdata doctor`: a preflight of a run that downloads no input and writes nothing under --out.
// Per recipe: valid, plannable (listings, manifests, credentials), the first input answering a
// HEAD (or a 1-byte Range GET) on the host the run would use, its checksum obtainable, signed
// requests accepted, models present, room on the disk for the `rpdata plan` estimate; and, for
// Slurm runs, sbatch and sinfo working.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rpdata/io/http_fetch.h"

namespace rpdata::exec {

enum class CheckLevel { kOk, kSkip, kWarn, kBlocker };

struct Check {
  std::string name;   // one of doctor_check_names()
  std::string group;  // the [[inputs]] group it concerns ("" for the recipe as a whole)
  CheckLevel level = CheckLevel::kOk;
  std::string detail;
};

// The checks in the order they run: recipe, plan, first input, credentials, checksums, models,
// disk, slurm.
const std::vector<std::string>& doctor_check_names();

struct DoctorOptions {
  std::filesystem::path out;  // the run directory (need not exist)
  std::string mirror;         // as `rpdata run --mirror`: a base URL or a local directory
  int64_t limit = -1;         // as `rpdata run --limit`: the disk estimate is scaled to it
  bool delete_raw = false;    // as `rpdata plan --delete-raw`: raw inputs do not pile up
  // Requests per URL at most (the recipe's max_attempts when lower); the doctor answers in
  // seconds where a run would keep retrying for minutes.
  int max_attempts = 3;
  io::FetchOptions fetch;     // base options of every request (backoff, progress off)
  std::vector<std::string> sets;                     // as `rpdata run --set`, for every recipe
  std::map<std::string, std::string> source_flags;   // as `rpdata run --dump-date ...`, for recipes of their sources
};

struct RecipeReport {
  std::string recipe;  // as named on the command line
  std::string source;  // "" when the recipe did not load
  std::vector<Check> checks;
  // The disk the run needs under --out (output + scratch, scaled to --limit); 0 when unknown.
  double disk_need_bytes = 0;
  bool blocked() const;
  // The worst level among the checks called `name` (kSkip when there are none).
  CheckLevel level(const std::string& name) const;
};

// Runs every check of one recipe (a built-in name or a .toml path), calling `on_check` as each
// finishes. Never throws for what it checks: problems are checks with level kBlocker.
RecipeReport doctor_recipe(const std::string& name_or_path, const DoctorOptions& options,
                           const std::function<void(const Check&)>& on_check = {});

// `sbatch` found on PATH and `sinfo` answering (listing partitions); a blocker otherwise.
Check check_slurm();

// Free bytes for an unprivileged user on the filesystem of `path`, or of its nearest existing
// ancestor, and that directory.
struct FreeSpace {
  std::filesystem::path dir;
  uint64_t bytes = 0;
};
FreeSpace free_space(const std::filesystem::path& path);

}  // namespace rpdata::exec
