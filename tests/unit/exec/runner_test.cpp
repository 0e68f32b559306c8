#include <gtest/gtest.h>

#include <map>

#include "rpdata/core/error.h"
#include "rpdata/exec/manifest.h"
#include "rpdata/exec/runner.h"
#include "rpdata/exec/status.h"
#include "rpdata/sources/c4/c4.h"
#include "test_support.h"

namespace rpdata::exec {
namespace {
namespace fs = std::filesystem;
using test::TempDir;

// Every published file of a run (shards, indexes, merged manifest), path -> bytes.
std::map<std::string, std::string> outputs(const fs::path& out) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::directory_iterator(out / "c4"))
    if (e.is_regular_file()) files[e.path().filename().string()] = test::read_all(e.path());
  return files;
}

struct Fixture {
  TempDir dir;
  std::vector<fs::path> inputs;
  Recipe recipe = load_recipe("sample/c4");
  Fixture() {
    auto names = sources::c4::write_sample(dir / "raw", {5, 400, 7});
    for (const auto& n : names) inputs.push_back(dir / "raw" / n);
  }
  RunOptions options(const std::string& out, int rank, int world, int threads) {
    RunOptions o;
    o.out = dir / out;
    o.inputs = inputs;
    o.task = TaskSpec{rank, world};
    o.threads = threads;
    o.fetch.progress = false;
    return o;
  }
};

TEST(Runner, OutputIndependentOfWorldSizeAndThreads) {
  Fixture f;
  RunSummary one = run_source(f.recipe, f.options("w1", 0, 1, 1));
  EXPECT_TRUE(one.failures.empty());
  EXPECT_TRUE(one.manifest_written);
  EXPECT_EQ(one.units_processed, 5u);
  auto expected = outputs(f.dir / "w1");
  ASSERT_GT(expected.size(), 10u);  // several shards per input + indexes + manifests
  for (int world : {3, 7}) {
    std::string out = "w" + std::to_string(world);
    for (int r = 0; r < world; ++r) {
      RunSummary s = run_source(f.recipe, f.options(out, r, world, 2));
      EXPECT_TRUE(s.failures.empty());
      // The task that completes the last input merges the manifest; later (idle) ranks re-merge.
      EXPECT_EQ(s.manifest_written, r >= std::min(world, 5) - 1) << r;
    }
    EXPECT_EQ(outputs(f.dir / out), expected) << "world size " << world;
  }
  SourceTotals t = merge_manifest({f.dir / "w1", "c4"}, false);
  EXPECT_EQ(t.docs, 2000);
  EXPECT_TRUE(t.complete());
}

TEST(Runner, RerunSkipsVerifiedUnitsAndRedoesDamagedOnes) {
  Fixture f;
  run_source(f.recipe, f.options("out", 0, 1, 1));
  auto expected = outputs(f.dir / "out");
  RunSummary again = run_source(f.recipe, f.options("out", 0, 1, 1));
  EXPECT_EQ(again.units_skipped, 5u);
  EXPECT_EQ(again.units_processed, 0u);
  // Damage one shard (wrong size) and delete another: exactly those inputs are redone.
  fs::path shard = f.dir / "out/c4/c4-train.00002-of-01024-00001.jsonl.zst";
  ASSERT_TRUE(fs::exists(shard));
  fs::resize_file(shard, 100);
  fs::remove(f.dir / "out/c4/c4-train.00004-of-01024-00000.jsonl.zst");
  RunSummary redo = run_source(f.recipe, f.options("out", 0, 1, 1));
  EXPECT_EQ(redo.units_processed, 2u);
  EXPECT_EQ(redo.units_skipped, 3u);
  EXPECT_EQ(outputs(f.dir / "out"), expected);
}

TEST(Runner, Sha256VerificationCatchesSameSizeCorruption) {
  Fixture f;
  run_source(f.recipe, f.options("out", 0, 1, 1));
  auto expected = outputs(f.dir / "out");
  fs::path shard = f.dir / "out/c4/c4-train.00001-of-01024-00000.jsonl.zst";
  std::string bytes = test::read_all(shard);
  bytes[bytes.size() / 2] ^= 1;
  test::write_all(shard, bytes);
  EXPECT_EQ(run_source(f.recipe, f.options("out", 0, 1, 1)).units_processed, 0u);  // size check passes
  RunOptions o = f.options("out", 0, 1, 1);
  o.verify_sha256 = true;
  EXPECT_EQ(run_source(f.recipe, o).units_processed, 1u);
  EXPECT_EQ(outputs(f.dir / "out"), expected);
}

TEST(Runner, CorruptInputFailsOnlyItsUnitWithFileAndOffset) {
  Fixture f;
  std::string gz = test::read_all(f.inputs[1]);
  for (size_t i = gz.size() / 2; i < gz.size() / 2 + 32; ++i) gz[i] = static_cast<char>(gz[i] ^ 0x33);
  test::write_all(f.inputs[1], gz);
  RunSummary s = run_source(f.recipe, f.options("out", 0, 1, 2));
  ASSERT_EQ(s.failures.size(), 1u);
  EXPECT_NE(s.failures[0].find(f.inputs[1].string() + " at byte "), std::string::npos) << s.failures[0];
  EXPECT_EQ(s.units_processed, 4u);
  EXPECT_FALSE(s.manifest_written);
  EXPECT_FALSE(fs::exists(f.dir / "out/c4/manifest.json"));
  auto st = run_status(f.dir / "out");
  ASSERT_EQ(st.size(), 1u);
  EXPECT_EQ(st[0].totals.units_done, 4);
  ASSERT_EQ(st[0].tasks.size(), 1u);
  EXPECT_EQ(st[0].tasks[0].state, "failed");
  EXPECT_NE(st[0].tasks[0].detail.find("corrupt gzip"), std::string::npos) << st[0].tasks[0].detail;
  // Nothing of the failed input is left under a final name.
  for (const auto& e : fs::directory_iterator(f.dir / "out/c4"))
    EXPECT_NE(e.path().filename().string().rfind("c4-train.00001-of-01024-", 0), 0u) << e.path();
}

TEST(Runner, OnErrorTruncateKeepsDocumentsBeforeTheDamage) {
  Fixture f;
  std::string gz = test::read_all(f.inputs[0]);
  test::write_all(f.inputs[0], gz.substr(0, gz.size() * 2 / 3));
  std::string toml = builtin_recipe_text("sample/c4");
  toml.replace(toml.find("[read]"), 6, "[read]\non_error = \"truncate\"");
  Recipe r = parse_recipe(toml, "truncate.toml");
  RunSummary s = run_source(r, f.options("out", 0, 1, 1));
  EXPECT_TRUE(s.failures.empty());
  UnitRecord u = read_unit_record(f.dir / "out/c4/_work/units/c4-train.00000-of-01024.json.gz.json");
  EXPECT_EQ(u.stats.get("truncated_inputs"), 1);
  EXPECT_GT(u.stats.get("docs_out"), 100);
  EXPECT_LT(u.stats.get("docs_out"), 400);
}

TEST(Runner, DifferentInputListInSameOutIsRefused) {
  Fixture f;
  run_source(f.recipe, f.options("out", 0, 1, 1));
  RunOptions o = f.options("out", 0, 1, 1);
  o.inputs.pop_back();
  EXPECT_THROW(run_source(f.recipe, o), ConfigError);
}

}  // namespace
}  // namespace rpdata::exec
