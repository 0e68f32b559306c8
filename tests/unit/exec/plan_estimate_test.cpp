#include "rpdata/exec/plan_estimate.h"

#include <gtest/gtest.h>

#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"
#include "test_support.h"

namespace rpdata::exec {
namespace {

const char* kRecipe = R"(
source = "toy"
[download]
count = 10
[plan]
raw_bytes = 36.0e9
mb_per_core_s = 20.0
output_ratio = 0.5
peak_rss_mb = 100
egress_usd_per_gb = 0.09
egress_from = "S3 egress"
)";

TEST(PlanEstimate, RecipeFiguresGiveCpuHoursDiskAndCost) {
  Recipe r = parse_recipe(kRecipe, "toy.toml");
  PlanEstimate p = estimate_plan(r, PlanRequest{{}, {}, 10, false});
  ASSERT_EQ(p.stages.size(), 1u);
  EXPECT_NEAR(p.cpu_hours, 36e9 / 20e6 / 3600, 1e-9);  // 0.5 CPU-hours
  EXPECT_NEAR(p.wall_hours, p.cpu_hours / 10, 1e-12);
  EXPECT_NEAR(p.output_bytes, 18e9, 1);
  EXPECT_NEAR(p.scratch_bytes, 54e9, 1);
  EXPECT_NEAR(p.egress_usd, 36 * 0.09, 1e-9);
  EXPECT_EQ(p.peak_rss_mb, 100);
}

TEST(PlanEstimate, MeasuredRunWinsOverTheRecipe) {
  test::TempDir dir;
  auto units = dir / "toy/_work/units";
  io::write_file_atomic(dir / "toy/_work/plan.json", "{}");
  // Two units: 300 MB in 10 CPU s and 100 MB in 10 CPU s (wall time is ignored when CPU is known).
  io::write_file_atomic(units / "a.json", R"({"input_size": 300000000, "seconds": 99.0, "cpu_seconds": 10.0,
    "shards": [{"compressed_bytes": 100000000}]})");
  io::write_file_atomic(units / "b.json", R"({"input_size": 100000000, "seconds": 99.0, "cpu_seconds": 10.0,
    "shards": [{"compressed_bytes": 100000000}]})");
  io::write_file_atomic(dir / "toy/_work/tasks/rank-00000-of-00001.stats.json", R"({"max_rss_mb": 77})");
  Recipe r = parse_recipe(kRecipe, "toy.toml");
  PlanEstimate p = estimate_plan(r, PlanRequest{dir.path(), 40.0e9, 1, true});
  ASSERT_EQ(p.stages.size(), 1u);
  EXPECT_NEAR(p.stages[0].mb_per_core_s, 20.0, 1e-9);  // 400 MB / 20 CPU s
  EXPECT_NEAR(p.output_bytes, 40e9 * 0.5, 1);         // 200 MB out of 400 MB in
  EXPECT_NEAR(p.scratch_bytes, 20e9, 1);              // raw deleted
  EXPECT_EQ(p.peak_rss_mb, 77);
  EXPECT_THROW(estimate_plan(parse_recipe("source = \"toy\"\n", "t"), PlanRequest{}), ConfigError);
}

}  // namespace
}  // namespace rpdata::exec
