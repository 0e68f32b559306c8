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

TEST(PlanEstimate, EveryProductionRecipeGivesItsLargestUnit) {
  // A format that can cut its inputs keeps every unit well under 30 CPU-minutes; one that
  // cannot says why, and its largest unit bounds the wall-clock.
  for (const char* name : {"wikipedia", "wikipedia_archive_org", "stackexchange", "c4", "commoncrawl", "github",
                           "arxiv", "books", "book"}) {
    PlanEstimate p = estimate_plan(load_recipe(name), PlanRequest{{}, {}, 1024, false});
    ASSERT_GT(p.largest_input_bytes, 0) << name;
    EXPECT_GT(p.largest_unit_cpu_minutes, 0) << name;
    EXPECT_GE(p.wall_hours, p.largest_unit_cpu_minutes / 60) << name;
    if (p.splittable) {
      EXPECT_LT(p.largest_unit_cpu_minutes, 30) << name;
    }
  }
  PlanEstimate wiki = estimate_plan(load_recipe("wikipedia"), PlanRequest{});
  EXPECT_TRUE(wiki.splittable);
  EXPECT_NEAR(wiki.largest_input_bytes, 22e9, 1);
  EXPECT_NEAR(wiki.largest_unit_bytes, 1073741824, 1);  // [read] unit_max_bytes
  EXPECT_NEAR(wiki.largest_unit_cpu_minutes, 1073741824 / 2.24e6 / 60, 0.01);
  PlanEstimate se = estimate_plan(load_recipe("stackexchange"), PlanRequest{{}, {}, 1024, false});
  EXPECT_FALSE(se.splittable);
  EXPECT_NE(se.largest_unit_how.find("cannot be cut: a site's .7z is one solid LZMA stream"), std::string::npos);
  EXPECT_GT(se.largest_unit_cpu_minutes, 30);
  EXPECT_NEAR(se.wall_hours, se.largest_unit_cpu_minutes / 60, 1e-9);  // longer than 24 CPU-hours / 1024
}

}  // namespace
}  // namespace rpdata::exec
