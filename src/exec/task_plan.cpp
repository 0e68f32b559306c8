#include "rpdata/exec/task_plan.h"

#include <cstdio>
#include <cstdlib>

#include "rpdata/core/error.h"

namespace rpdata::exec {
namespace {
std::optional<int> env_int(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  char* end = nullptr;
  long x = std::strtol(v, &end, 10);
  if (*end != '\0') throw ConfigError(std::string("environment variable ") + name + "='" + v + "' is not an integer");
  return static_cast<int>(x);
}
}  // namespace

std::string TaskSpec::label() const {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "rank-%05d-of-%05d", rank, world_size);
  return buf;
}

TaskSpec resolve_task(std::optional<int> rank, std::optional<int> world_size) {
  // Each of rank and world size comes from its flag, else from the job array; a stepped
  // array (--array=1-7:2) maps its ids to ranks 0, 1, 2, 3.
  if (auto id = env_int("SLURM_ARRAY_TASK_ID"); id && (!rank || !world_size)) {
    int min = env_int("SLURM_ARRAY_TASK_MIN").value_or(0);
    int step = env_int("SLURM_ARRAY_TASK_STEP").value_or(1);
    if (step < 1) throw ConfigError("SLURM_ARRAY_TASK_STEP must be at least 1");
    if (!rank) rank = (*id - min) / step;
    if (!world_size) {
      auto count = env_int("SLURM_ARRAY_TASK_COUNT");
      if (!count) throw ConfigError("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not");
      world_size = *count;
    }
  }
  TaskSpec t{rank.value_or(0), world_size.value_or(1)};
  if (t.world_size < 1) throw ConfigError("--world-size must be at least 1");
  if (t.rank < 0 || t.rank >= t.world_size)
    throw ConfigError("--rank " + std::to_string(t.rank) + " is outside 0.." + std::to_string(t.world_size - 1));
  return t;
}

std::vector<size_t> assign_units(size_t n, const TaskSpec& t) {
  std::vector<size_t> out;
  for (size_t i = static_cast<size_t>(t.rank); i < n; i += static_cast<size_t>(t.world_size)) out.push_back(i);
  return out;
}

}  // namespace rpdata::exec
