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

namespace rpdata::exec {
namespace {

// Regression (review): a.json.gz and a.jsonl.gz both wrote a-00000.jsonl.zst.
TEST(Runner, InputsWithTheSameOutputStemAreRefused) {
  Fixture f;
  fs::copy_file(f.inputs[0], f.dir / "raw/a.json.gz");
  fs::copy_file(f.inputs[1], f.dir / "raw/a.jsonl.gz");
  RunOptions o = f.options("out", 0, 1, 1);
  o.inputs = {f.dir / "raw/a.json.gz", f.dir / "raw/a.jsonl.gz"};
  EXPECT_THROW(run_source(f.recipe, o), ConfigError);
}

// Regression (review): cleaning unit "a" deleted unit "a-b"'s shards.
TEST(Runner, PrefixStemsKeepEachOthersShards) {
  Fixture f;
  fs::copy_file(f.inputs[0], f.dir / "raw/a-b.json.gz");
  fs::copy_file(f.inputs[1], f.dir / "raw/a.json.gz");
  RunOptions o = f.options("out", 0, 1, 2);
  o.inputs = {f.dir / "raw/a-b.json.gz", f.dir / "raw/a.json.gz"};
  RunSummary s = run_source(f.recipe, o);
  EXPECT_TRUE(s.failures.empty());
  EXPECT_TRUE(s.manifest_written);
  for (const auto& u : {"a-b.json.gz", "a.json.gz"}) {
    UnitRecord r = read_unit_record(f.dir / "out/c4/_work/units" / (std::string(u) + ".json"));
    EXPECT_EQ(verify_unit({f.dir / "out", "c4"}, r, true), "") << u;
  }
}

TEST(Runner, ReusedOutDirMustMatchInputsAndSettings) {
  Fixture f;
  run_source(f.recipe, f.options("out", 0, 1, 1));
  // Same names from another directory.
  fs::create_directories(f.dir / "other");
  RunOptions o = f.options("out", 0, 1, 1);
  for (auto& p : o.inputs) {
    fs::copy_file(p, f.dir / "other" / p.filename());
    p = f.dir / "other" / p.filename();
  }
  EXPECT_THROW(run_source(f.recipe, o), ConfigError);
  // Different output settings.
  std::string toml = builtin_recipe_text("sample/c4");
  toml.replace(toml.find("zstd_level = 3"), 14, "zstd_level = 5");
  EXPECT_THROW(run_source(parse_recipe(toml, "level5.toml"), f.options("out", 0, 1, 1)), ConfigError);
  // A changed input file at the same path is redone, not trusted.
  auto again = f.options("out", 0, 1, 1);
  std::string extra = test::read_all(f.inputs[2]);
  test::write_all(f.inputs[2], extra + extra.substr(0, 0));  // same bytes: still skipped
  EXPECT_EQ(run_source(f.recipe, again).units_skipped, 5u);
  auto names = sources::c4::write_sample(f.dir / "regen", {5, 401, 7});
  fs::copy_file(f.dir / "regen" / names[2], f.inputs[2], fs::copy_options::overwrite_existing);
  RunSummary redo = run_source(f.recipe, again);
  EXPECT_EQ(redo.units_processed, 1u);
}

TEST(Runner, LimitZeroIsAUsageError) {
  Fixture f;
  RunOptions o = f.options("out", 0, 1, 1);
  o.limit = 0;
  EXPECT_THROW(run_source(f.recipe, o), ConfigError);
}

// Regression (review): a task-level failure left .running and no .failed.
TEST(Runner, TaskLevelFailureIsRecorded) {
  Fixture f;
  RunOptions o = f.options("out", 0, 1, 1);
  o.inputs.clear();
  o.mirror = (f.dir / "raw").string();  // has no SHA256SUMS, which the sample recipe requires
  EXPECT_THROW(run_source(f.recipe, o), DownloadError);
  fs::path tasks = f.dir / "out/c4/_work/tasks";
  EXPECT_TRUE(fs::exists(tasks / "rank-00000-of-00001.failed"));
  EXPECT_FALSE(fs::exists(tasks / "rank-00000-of-00001.running"));
  auto st = run_status(f.dir / "out");
  ASSERT_EQ(st.size(), 1u);
  ASSERT_EQ(st[0].tasks.size(), 1u);
  EXPECT_EQ(st[0].tasks[0].state, "failed");
}

TEST(Runner, FailedRedoRemovesStaleMergedManifestAndLeavesNoFinalShards) {
  Fixture f;
  run_source(f.recipe, f.options("out", 0, 1, 1));
  ASSERT_TRUE(fs::exists(f.dir / "out/c4/manifest.json"));
  // Damage a shard and corrupt the input it came from: the redo fails mid-way.
  fs::resize_file(f.dir / "out/c4/c4-train.00003-of-01024-00000.jsonl.zst", 10);
  std::string gz = test::read_all(f.inputs[3]);
  for (size_t i = gz.size() * 3 / 4; i < gz.size() * 3 / 4 + 32; ++i) gz[i] = static_cast<char>(gz[i] ^ 0x21);
  test::write_all(f.inputs[3], gz);
  RunOptions o = f.options("out", 0, 1, 1);
  RunSummary s = run_source(f.recipe, o);
  EXPECT_EQ(s.failures.size(), 1u);
  EXPECT_FALSE(fs::exists(f.dir / "out/c4/manifest.json"));
  EXPECT_FALSE(fs::exists(f.dir / "out/c4/manifest.jsonl"));
  for (const auto& e : fs::directory_iterator(f.dir / "out/c4"))
    EXPECT_NE(e.path().filename().string().rfind("c4-train.00003-of-01024-", 0), 0u) << e.path();
}

TEST(Runner, TruncateModeStillFailsOnCorruptData) {
  Fixture f;
  std::string gz = test::read_all(f.inputs[0]);
  for (size_t i = gz.size() / 2; i < gz.size() / 2 + 32; ++i) gz[i] = static_cast<char>(gz[i] ^ 0x33);
  test::write_all(f.inputs[0], gz);
  std::string toml = builtin_recipe_text("sample/c4");
  toml.replace(toml.find("[read]"), 6, "[read]\non_error = \"truncate\"");
  RunSummary s = run_source(parse_recipe(toml, "truncate.toml"), f.options("out", 0, 1, 1));
  EXPECT_EQ(s.failures.size(), 1u);
}

TEST(Status, FailuresOfEarlierAttemptsAreSupersededOnceComplete) {
  Fixture f;
  std::string gz = test::read_all(f.inputs[1]);
  test::write_all(f.inputs[1], gz.substr(0, gz.size() / 2));
  for (int r = 0; r < 3; ++r) run_source(f.recipe, f.options("out", r, 3, 1));
  auto st = run_status(f.dir / "out");
  ASSERT_EQ(st[0].tasks.size(), 3u);
  EXPECT_EQ(st[0].tasks[1].state, "failed");
  test::write_all(f.inputs[1], gz);
  RunSummary s = run_source(f.recipe, f.options("out", 0, 1, 1));
  EXPECT_TRUE(s.manifest_written);
  st = run_status(f.dir / "out");
  for (const auto& t : st[0].tasks) EXPECT_NE(t.state, "failed") << t.label;
}

}  // namespace
}  // namespace rpdata::exec
