// Cross-unit dedup runs: main -> reduce -> apply, in one process or as separate stages of
// several tasks, give the same bytes; first occurrence in plan order wins.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "rpdata/core/error.h"
#include "rpdata/exec/manifest.h"
#include "rpdata/exec/runner.h"
#include "test_support.h"

namespace rpdata::exec {
namespace {
namespace fs = std::filesystem;
using test::TempDir;

const char* kRecipe = R"(
source = "toy"
[read]
format = "jsonl"
[dedup]
kind = "exact"
key = "h"
partitions = 3
drop_key = true
[output]
json_style = "compact"
max_shard_bytes = 600
frame_docs = 2
tokenizers = []
)";

struct Toy {
  TempDir dir;
  std::vector<fs::path> inputs;
  std::vector<std::pair<std::string, std::string>> docs;  // (unit, h) in plan order
  Recipe recipe = parse_recipe(kRecipe, "toy.toml");
  Toy() {
    for (int u = 0; u < 4; ++u) {
      std::string body;
      for (int i = 0; i < 40; ++i) {
        std::string h = std::to_string((u * 7 + i * 3) % 50);
        body += R"({"text": "doc )" + std::to_string(u) + "-" + std::to_string(i) + R"(", "h": ")" + h + "\"}\n";
        docs.push_back({std::to_string(u), h});
      }
      fs::path p = dir / ("in" + std::to_string(u) + ".jsonl");
      test::write_all(p, body);
      inputs.push_back(p);
    }
  }
  RunOptions options(const std::string& out, int rank, int world, const std::string& stage) {
    return test::local_run(dir / out, inputs, rank, world, stage);
  }
};

TEST(Stages, ExactDedupKeepsFirstOccurrenceInPlanOrder) {
  Toy t;
  RunSummary s = run_source(t.recipe, t.options("one", 0, 1, ""));
  ASSERT_TRUE(s.failures.empty());
  EXPECT_TRUE(s.manifest_written);
  std::set<std::string> seen;
  size_t expected = 0;
  for (const auto& [u, h] : t.docs) expected += seen.insert(h).second;
  std::string all;
  for (const auto& [name, bytes] : test::published_files(t.dir / "one" / "toy"))
    if (name.ends_with(".jsonl.zst")) all += test::read_zst(t.dir / "one" / "toy" / name);
  EXPECT_EQ(static_cast<size_t>(std::count(all.begin(), all.end(), '\n')), expected);
  EXPECT_EQ(all.find("\"h\""), std::string::npos);  // drop_key
  EXPECT_NE(all.find("\"doc 0-0\""), std::string::npos);
  auto totals = merge_manifest(RunLayout{t.dir / "one", "toy"}, false);
  EXPECT_EQ(totals.docs, static_cast<int64_t>(expected));
  EXPECT_EQ(totals.drops["dedup:duplicate"], static_cast<int64_t>(t.docs.size() - expected));
}

TEST(Stages, SeparateStagesOnSeveralTasksGiveTheSameBytes) {
  Toy t;
  ASSERT_TRUE(run_source(t.recipe, t.options("one", 0, 1, "")).failures.empty());
  auto expected = test::published_files(t.dir / "one" / "toy");
  ASSERT_GE(expected.size(), 8u);  // shards, indexes, manifests
  for (int world : {2, 3}) {
    std::string out = "w" + std::to_string(world);
    // Reduce before main is complete is refused, naming the stage to run.
    EXPECT_THROW(run_source(t.recipe, t.options(out, 0, world, "reduce")), ConfigError);
    for (const char* stage : {"main", "reduce", "apply"})
      for (int r = 0; r < world; ++r) ASSERT_TRUE(run_source(t.recipe, t.options(out, r, world, stage)).failures.empty());
    EXPECT_EQ(test::published_files(t.dir / out / "toy"), expected) << world;
  }
  // Several tasks without --stage is a usage error (the stages need a barrier).
  EXPECT_THROW(run_source(t.recipe, t.options("w9", 0, 2, "")), ConfigError);
}

TEST(Stages, RerunSkipsCompletedStagesAndRedoesApplyWhenAMainUnitChanges) {
  Toy t;
  ASSERT_TRUE(run_source(t.recipe, t.options("one", 0, 1, "")).failures.empty());
  RunSummary again = run_source(t.recipe, t.options("one", 0, 1, ""));
  EXPECT_EQ(again.units_processed, 0u);
  EXPECT_EQ(again.units_skipped, 4u);
  // A changed input redoes its main unit, every reduce partition and the applies.
  test::write_all(t.inputs[0], "{\"text\": \"new\", \"h\": \"0\"}\n");
  RunSummary redo = run_source(t.recipe, t.options("one", 0, 1, ""));
  EXPECT_TRUE(redo.failures.empty());
  EXPECT_EQ(redo.units_processed, 4u);
  std::string first = test::read_zst(t.dir / "one" / "toy" / "in0-00000.jsonl.zst");
  EXPECT_EQ(first, "{\"text\":\"new\",\"meta\":{}}\n");
}

TEST(Stages, RecipeErrorsNameTheKey) {
  EXPECT_THROW(validate_recipe(parse_recipe("source = \"x\"\n[dedup]\nkind = \"fuzzy\"\nkey = \"h\"\n", "r")),
               ConfigError);
  EXPECT_THROW(validate_recipe(parse_recipe("source = \"x\"\n[dedup]\nkind = \"exact\"\n", "r")), ConfigError);
  EXPECT_THROW(validate_recipe(parse_recipe("source = \"x\"\n[dedup]\nkey = \"h\"\nbogus = 1\n", "r")), ConfigError);
  EXPECT_THROW(parse_recipe("source = \"x\"\n[[post_steps]]\ntype = \"c4_format\"\n", "r"), ConfigError);
  Toy t;
  Recipe single = parse_recipe("source = \"toy\"\n[output]\ntokenizers = []\n", "s");
  EXPECT_THROW(run_source(single, t.options("s", 0, 1, "reduce")), ConfigError);
}

}  // namespace
}  // namespace rpdata::exec

namespace rpdata::exec {
namespace {

// The dedup stages read the main stage's intermediate shards back: a record longer than the
// JSONL reader's default line limit (64 MiB; Books3 has books that size) must pass, since
// those files are rpdata's own.
TEST(Stages, RecordOver64MiBPassesTheIntermediateReaderOfTheDedupStages) {
  TempDir dir;
  Recipe recipe = parse_recipe(R"(
source = "toy"
[read]
format = "jsonl"
max_line_bytes = 134217728
[dedup]
kind = "exact"
key = "h"
partitions = 2
drop_key = true
[output]
json_style = "compact"
tokenizers = []
)",
                               "toy.toml");
  std::string big(65u << 20, 'x');
  test::write_all(dir / "a.jsonl", "{\"text\": \"" + big + "\", \"h\": \"1\"}\n{\"text\": \"small\", \"h\": \"2\"}\n");
  test::write_all(dir / "b.jsonl", "{\"text\": \"dup\", \"h\": \"1\"}\n");
  RunOptions o;
  o.out = dir / "out";
  o.inputs = {dir / "a.jsonl", dir / "b.jsonl"};
  o.task = TaskSpec{0, 1};
  o.fetch.progress = false;
  RunSummary s = run_source(recipe, o);
  ASSERT_TRUE(s.failures.empty()) << s.failures.front();
  std::string a = test::read_zst(dir / "out" / "toy" / "a-00000.jsonl.zst");
  EXPECT_EQ(a.size(), big.size() + 2 * std::string("{\"text\":\"\",\"meta\":{}}\n").size() + 5);
  EXPECT_EQ(a.substr(0, 19), "{\"text\":\"xxxxxxxxxx");
  auto totals = merge_manifest(RunLayout{dir / "out", "toy"}, false);
  EXPECT_EQ(totals.docs, 2);
  EXPECT_EQ(totals.drops["dedup:duplicate"], 1);
}

}  // namespace
}  // namespace rpdata::exec
