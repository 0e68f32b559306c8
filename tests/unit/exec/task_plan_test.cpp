#include <gtest/gtest.h>
#include <stdlib.h>

#include "rpdata/core/error.h"
#include "rpdata/exec/task_plan.h"

namespace rpdata::exec {
namespace {

TEST(TaskPlan, RoundRobinCoversEveryUnitOnce) {
  for (int world : {1, 3, 7}) {
    std::vector<int> seen(20, 0);
    for (int r = 0; r < world; ++r)
      for (size_t i : assign_units(20, TaskSpec{r, world})) ++seen[i];
    for (int s : seen) EXPECT_EQ(s, 1) << "world " << world;
  }
  EXPECT_EQ(assign_units(10, TaskSpec{2, 3}), (std::vector<size_t>{2, 5, 8}));
  EXPECT_EQ(TaskSpec({3, 7}).label(), "rank-00003-of-00007");
}

TEST(TaskPlan, FlagsWinAndRangesAreChecked) {
  EXPECT_EQ(resolve_task(2, 5).rank, 2);
  EXPECT_THROW(resolve_task(5, 5), ConfigError);
  EXPECT_THROW(resolve_task(0, 0), ConfigError);
}

TEST(TaskPlan, SlurmArrayEnvironment) {
  ::setenv("SLURM_ARRAY_TASK_ID", "12", 1);
  ::setenv("SLURM_ARRAY_TASK_MIN", "10", 1);
  ::setenv("SLURM_ARRAY_TASK_COUNT", "4", 1);
  TaskSpec t = resolve_task(std::nullopt, std::nullopt);
  EXPECT_EQ(t.rank, 2);
  EXPECT_EQ(t.world_size, 4);
  EXPECT_EQ(resolve_task(1, 2).rank, 1);  // flags win
  // Regression (review): --world-size alone made every array task rank 0.
  EXPECT_EQ(resolve_task(std::nullopt, 4).rank, 2);
  ::setenv("SLURM_ARRAY_TASK_STEP", "2", 1);
  ::setenv("SLURM_ARRAY_TASK_ID", "16", 1);
  EXPECT_EQ(resolve_task(std::nullopt, std::nullopt).rank, 3);  // ids 10,12,14,16 -> ranks 0..3
  ::unsetenv("SLURM_ARRAY_TASK_STEP");
  ::unsetenv("SLURM_ARRAY_TASK_COUNT");
  EXPECT_THROW(resolve_task(std::nullopt, std::nullopt), ConfigError);
  ::unsetenv("SLURM_ARRAY_TASK_ID");
  ::unsetenv("SLURM_ARRAY_TASK_MIN");
  EXPECT_EQ(resolve_task(std::nullopt, std::nullopt).world_size, 1);
}

}  // namespace
}  // namespace rpdata::exec
