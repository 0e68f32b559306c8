// Dedup kinds are looked up in the registry: an unknown kind's error names the known ones, and
// a kind registered from outside rpdata (here, test code) runs through the staged runner with
// the rounds it declares: `recipe_stages` (what `rpdata slurm submit` and `rpdata status` use)
// lists them, `--stage` accepts exactly them, and one process or separate stages on several
// tasks give the same bytes.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <map>
#include <set>

#include "rpdata/core/error.h"
#include "rpdata/dedup/kind.h"
#include "rpdata/exec/manifest.h"
#include "rpdata/exec/runner.h"
#include "rpdata/io/fs.h"
#include "test_support.h"

namespace rpdata::exec {
namespace {
namespace fs = std::filesystem;
using test::TempDir;

// `keep_first_per_key`: the exact reduce behind an extra round, "census", that writes each
// partition's entry count; the reduce reads every census file, so it needs that round first.
class KeepFirstPerKey final : public dedup::DedupKind {
 public:
  using DedupKind::DedupKind;
  std::vector<std::string> rounds() const override { return {"census", "reduce"}; }
  std::unique_ptr<dedup::UnitKeys> unit_keys(uint32_t unit, const dedup::DedupRun& run) const override {
    return std::make_unique<dedup::EntryFileKeys>(
        run.unit_file(unit, ".keys"), keys().partitions,
        [this, unit](const Document& doc, uint32_t ordinal, std::vector<dedup::Entry>& out) {
          if (const MetaValue* key = doc.meta.find(keys().field))
            out.push_back(dedup::exact_entry(dedup::meta_key_text(*key), dedup::document_order(doc, "", unit, ordinal),
                                             unit, ordinal));
        });
  }
  Round round(const std::string& name, const dedup::DedupRun& run) const override {
    if (name != "census") return DedupKind::round(name, run);
    return [this, &run](uint32_t p, const fs::path& out) {
      auto entries = dedup::read_unit_partitions(run, ".keys", p, keys().partitions);
      io::write_file_atomic(out, std::to_string(entries.size()) + "\n");
      return dedup::RoundCounts{entries.size(), 1, 0};
    };
  }
  Reduce reduce(const dedup::DedupRun& run) const override {
    return [this, &run](uint32_t p, dedup::RoundCounts& counts) {
      for (uint32_t q = 0; q < keys().partitions; ++q)
        if (io::read_file(run.round_file("census", q)).empty()) throw Error("census file is empty");
      auto entries = dedup::read_unit_partitions(run, ".keys", p, keys().partitions);
      counts.entries = entries.size();
      return dedup::reduce_partition(entries, dedup::ReduceRule::kExact);
    };
  }
};

// Registered before main, as a program that adds a source does before cli::run.
const bool kRegistered = [] {
  add_source([](Registries& r) {
    r.dedup_kinds.add({"keep_first_per_key", "test kind: the exact reduce after a census round", {},
                       [](const Params& d) -> std::unique_ptr<dedup::DedupKind> {
                         return std::make_unique<KeepFirstPerKey>(dedup::read_dedup_keys(d));
                       }});
  });
  return true;
}();

std::string config_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(DedupKinds, UnknownKindNamesTheKnownOnes) {
  ASSERT_TRUE(kRegistered);
  Recipe r = parse_recipe("source = \"x\"\n[dedup]\nkind = \"fuzzy\"\nkey = \"h\"\n", "fuzzy.toml");
  std::string e = config_error([&] { validate_recipe(r); });
  EXPECT_NE(e.find("kind = \"fuzzy\" is not a dedup kind"), std::string::npos) << e;
  EXPECT_NE(e.find("fuzzy.toml"), std::string::npos) << e;
  for (const char* known : {"exact", "simhash", "url_membership", "keep_first_per_key"})
    EXPECT_NE(e.find(known), std::string::npos) << known << " in " << e;
  // A kind's own key checks name the recipe too.
  Recipe bad = parse_recipe("source = \"x\"\n[dedup]\nkind = \"simhash\"\nkey = \"h\"\nmax_distance = 3\n", "b.toml");
  e = config_error([&] { validate_recipe(bad); });
  EXPECT_NE(e.find("max_distance"), std::string::npos) << e;
  EXPECT_NE(e.find("b.toml"), std::string::npos) << e;
}

TEST(DedupKinds, StagesAreTheKindsDeclaredRounds) {
  auto names = [](const std::string& dedup) {
    std::string out;
    for (const auto& s : recipe_stages(parse_recipe("source = \"x\"\n[dedup]\n" + dedup, "r.toml")))
      out += s.name + (s.partitions ? "/" + std::to_string(s.partitions) : "") + " ";
    return out;
  };
  EXPECT_EQ(names("key = \"h\"\npartitions = 3\n"), "main reduce/3 apply ");
  EXPECT_EQ(names("kind = \"url_membership\"\nkey = \"d\"\npartitions = 4\n"), "main winners/4 reduce/4 apply ");
  EXPECT_EQ(names("kind = \"keep_first_per_key\"\nkey = \"h\"\npartitions = 2\n"),
            "main census/2 reduce/2 apply ");
  EXPECT_EQ(recipe_stages(parse_recipe("source = \"x\"\n", "r.toml")).size(), 1u);
}

const char* kRecipe = R"(
source = "toy"
[read]
format = "jsonl"
[dedup]
kind = "keep_first_per_key"
key = "h"
partitions = 3
drop_key = true
[output]
json_style = "compact"
max_shard_bytes = 600
frame_docs = 2
tokenizers = []
)";

TEST(DedupKinds, KindRegisteredByTestCodeRunsThroughItsOwnRounds) {
  TempDir dir;
  std::vector<fs::path> inputs;
  std::set<std::string> seen;
  size_t expected = 0;
  for (int u = 0; u < 3; ++u) {
    std::string body;
    for (int i = 0; i < 30; ++i) {
      std::string h = std::to_string((u * 5 + i * 3) % 40);
      expected += seen.insert(h).second;
      body += R"({"text": "doc )" + std::to_string(u) + "-" + std::to_string(i) + R"(", "h": ")" + h + "\"}\n";
    }
    inputs.push_back(dir / ("in" + std::to_string(u) + ".jsonl"));
    test::write_all(inputs.back(), body);
  }
  Recipe recipe = parse_recipe(kRecipe, "toy.toml");
  auto options = [&](const std::string& out, int rank, int world, const std::string& stage) {
    return test::local_run(dir / out, inputs, rank, world, stage);
  };
  RunSummary one = run_source(recipe, options("one", 0, 1, ""));
  ASSERT_TRUE(one.failures.empty()) << one.failures.front();
  EXPECT_TRUE(one.manifest_written);
  auto totals = merge_manifest(RunLayout{dir / "one", "toy"}, false);
  EXPECT_EQ(totals.docs, static_cast<int64_t>(expected));
  EXPECT_EQ(totals.drops["dedup:duplicate"], static_cast<int64_t>(90 - expected));
  for (uint32_t p = 0; p < 3; ++p) {
    char name[32];
    std::snprintf(name, sizeof(name), "p-%05u.census", p);
    EXPECT_TRUE(fs::exists(dir / "one" / "toy" / "_work" / "stages" / "census" / name)) << name;
  }

  // --stage: exactly the declared stages; the error lists them.
  std::string e = config_error([&] { run_source(recipe, options("x", 0, 1, "winners")); });
  EXPECT_NE(e.find("--stage main, --stage census, --stage reduce, --stage apply"), std::string::npos) << e;
  e = config_error([&] { run_source(recipe, options("x", 0, 2, "")); });
  EXPECT_NE(e.find("--stage main, then --stage census, then --stage reduce, then --stage apply"), std::string::npos)
      << e;

  // Separate stages on two tasks: a round before its predecessor is refused, naming it.
  for (int r = 0; r < 2; ++r) ASSERT_TRUE(run_source(recipe, options("two", r, 2, "main")).failures.empty());
  e = config_error([&] { run_source(recipe, options("two", 0, 2, "reduce")); });
  EXPECT_NE(e.find("the census stage is not complete"), std::string::npos) << e;
  for (const char* stage : {"census", "reduce", "apply"})
    for (int r = 0; r < 2; ++r) ASSERT_TRUE(run_source(recipe, options("two", r, 2, stage)).failures.empty()) << stage;
  EXPECT_EQ(test::published_files(dir / "two" / "toy"), test::published_files(dir / "one" / "toy"));
}

}  // namespace
}  // namespace rpdata::exec
