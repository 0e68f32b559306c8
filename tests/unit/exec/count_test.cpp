#include <gtest/gtest.h>

#include "rpdata/exec/count.h"
#include "rpdata/exec/report.h"
#include "rpdata/exec/runner.h"
#include "rpdata/tokenize/models.h"
#include "rpdata/sources/c4/c4.h"
#include "test_support.h"

namespace rpdata::exec {
namespace {
namespace fs = std::filesystem;
using test::TempDir;

CountOptions opts(const fs::path& real, const std::string& tok, int threads) {
  CountOptions o;
  o.tokenizer = tok;
  o.model_file = real / "models" / (tok == "neox" ? "gpt-neox-20b/20B_tokenizer.json" : "llama/tokenizer.model");
  o.threads = threads;
  return o;
}

TEST(Count, JsonlTotalsIndependentOfThreadsAndDropsInvalidUtf8) {
  RPDATA_REQUIRE_REALDATA(real);
  TempDir dir;
  std::string lines;
  for (int i = 0; i < 3000; ++i) lines += "{\"text\": \"Hello world number " + std::to_string(i) + "\"}\n";
  lines += "{\"text\": \"bad \xff\"}\n";
  test::write_gz(dir / "a.jsonl.gz", lines);
  for (const char* tok : {"neox", "llama"}) {
    CountResult one = count_files({dir / "a.jsonl.gz"}, opts(real, tok, 1));
    CountResult three = count_files({dir / "a.jsonl.gz"}, opts(real, tok, 3));
    EXPECT_EQ(one.total.docs, 3000) << tok;
    EXPECT_EQ(one.total.tokens, three.total.tokens) << tok;
    EXPECT_EQ(one.total.bytes, three.total.bytes) << tok;
    EXPECT_EQ(one.total.drops["read:invalid_utf8"], 1) << tok;
  }
  // The parallel total equals the sum of single-document counts.
  auto tok = tokenize::load_model("neox", real / "models/gpt-neox-20b/20B_tokenizer.json")->make_tokenizer();
  int64_t expected = 0;
  for (int i = 0; i < 3000; ++i) expected += tok->count("Hello world number " + std::to_string(i));
  EXPECT_EQ(count_files({dir / "a.jsonl.gz"}, opts(real, "neox", 2)).total.tokens, expected);
}

TEST(Count, WholeFileInvalidUtf8IsSkippedWithOffset) {
  RPDATA_REQUIRE_REALDATA(real);
  TempDir dir;
  test::write_all(dir / "good.txt", "Hello world");
  test::write_all(dir / "bad.txt", "Hello \xc3\x28 world");
  CountOptions o = opts(real, "neox", 2);
  o.whole_file = true;
  CountResult r = count_files({dir / "good.txt", dir / "bad.txt"}, o);
  ASSERT_EQ(r.files.size(), 2u);
  EXPECT_EQ(r.files[0].tokens, 2);
  EXPECT_EQ(r.files[1].docs, 0);
  EXPECT_NE(r.files[1].error.find("bad.txt at byte 6"), std::string::npos) << r.files[1].error;
  EXPECT_EQ(r.total.drops["invalid_utf8"], 1);
  std::string json = count_result_to_json(r);
  EXPECT_NE(json.find("\"total\": {\"docs\": 1, \"bytes\": 11, \"tokens\": 2"), std::string::npos) << json;
}

TEST(Report, PartialRunIsExtrapolatedAndLabelled) {
  RPDATA_REQUIRE_REALDATA(real);
  TempDir dir;
  auto names = sources::c4::write_sample(dir / "raw", {2, 100, 3});
  RunOptions o;
  o.out = dir / "out";
  for (const auto& n : names) o.inputs.push_back(dir / "raw" / n);
  o.tokenizers = std::vector<std::string>{"llama"};
  ::setenv("RPDATA_MODELS", (real / "models").c_str(), 1);
  RunSummary s = run_source(load_recipe("sample/c4"), o);
  ::unsetenv("RPDATA_MODELS");
  ASSERT_TRUE(s.failures.empty());
  Report r = build_report(dir / "out", "llama");
  EXPECT_TRUE(r.partial);
  const ReportRow* c4 = nullptr;
  for (const auto& row : r.rows)
    if (row.source == "c4") c4 = &row;
  ASSERT_NE(c4, nullptr);
  EXPECT_TRUE(c4->counted);
  EXPECT_GT(c4->tokens, 1000);
  EXPECT_EQ(c4->inputs_done, 2);
  EXPECT_EQ(c4->inputs_full, 1024);
  EXPECT_DOUBLE_EQ(c4->extrapolated, static_cast<double>(c4->tokens) * 512);
  EXPECT_NE(report_to_table(r).find("extrapolation"), std::string::npos);
  EXPECT_NE(report_to_json(r).find("\"extrapolated\": true"), std::string::npos);
  EXPECT_EQ(build_report(dir / "out", "neox").rows[1].counted, false);
}

// A recipe whose snapshot differs from RedPajama's says so in the report of its run.
TEST(Report, SnapshotNotesOfTheRecipesUsedAreShown) {
  TempDir dir;
  auto names = sources::c4::write_sample(dir / "raw", {1, 20, 3});
  std::string toml = builtin_recipe_text("sample/c4");
  toml.insert(toml.find("\n[download]"), "\nsnapshot = \"today's files, not RedPajama's\"\n");
  test::write_all(dir / "c4.toml", toml);
  RunOptions o;
  o.out = dir / "out";
  for (const auto& n : names) o.inputs.push_back(dir / "raw" / n);
  o.tokenizers = std::vector<std::string>{};
  Recipe recipe = load_recipe((dir / "c4.toml").string());
  EXPECT_EQ(recipe.snapshot, "today's files, not RedPajama's");
  ASSERT_TRUE(run_source(recipe, o).failures.empty());
  Report r = build_report(dir / "out", "neox");
  std::string table = report_to_table(r);
  EXPECT_NE(table.find("snapshot: " + (dir / "c4.toml").string() + ": today's files, not RedPajama's\n"), std::string::npos)
      << table;
  EXPECT_NE(report_to_json(r).find("\"snapshot_notes\": [\""), std::string::npos);
  // The production recipes that read live or withdrawn data say so.
  for (const char* name : {"github", "book", "books3", "arxiv", "wikipedia", "stackexchange"})
    EXPECT_FALSE(load_recipe(name).snapshot.empty()) << name;
}

}  // namespace
}  // namespace rpdata::exec
