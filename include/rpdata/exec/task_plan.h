// Deterministic task assignment (datatrove's files[rank::world_size]). The only place that
// reads SLURM_* variables: SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT (offset by
// SLURM_ARRAY_TASK_MIN) stand in for --rank / --world-size when those flags are absent.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace rpdata::exec {

struct TaskSpec {
  int rank = 0;
  int world_size = 1;
  std::string label() const;  // "rank-00003-of-00007"
};

// Flags win over the environment; throws ConfigError on rank >= world_size etc.
TaskSpec resolve_task(std::optional<int> rank, std::optional<int> world_size);

// Indices of the units (0..n-1) that task `t` owns: i % world_size == rank.
std::vector<size_t> assign_units(size_t n, const TaskSpec& t);

}  // namespace rpdata::exec
