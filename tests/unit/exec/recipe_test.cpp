#include <gtest/gtest.h>

#include <cstdlib>

#include "test_support.h"

#include "rpdata/core/error.h"
#include "rpdata/exec/manifest.h"
#include "rpdata/exec/recipe.h"
#include "rpdata/io/fs.h"
#include "rpdata/exec/runner.h"
#include "exec/inputs.h"
#include "exec/settings.h"

namespace rpdata::exec {
namespace {

std::string error_of(const std::string& toml) {
  try {
    validate_recipe(parse_recipe(toml, "test.toml"));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(Recipe, BuiltinsParseAndValidate) {
  auto names = builtin_recipe_names();
  ASSERT_GE(names.size(), 2u);
  // The production arXiv recipe requires lid.176 (its language step loads it while the
  // recipe is validated): point the lookup at realdata's lid.176.ftz when it is there.
  auto real = test::realdata_dir();
  const char* old_models = std::getenv("RPDATA_MODELS");
  std::string saved = old_models ? old_models : "";
  ::setenv("RPDATA_MODELS", real.empty() ? "/nonexistent" : (real / "models").c_str(), 1);
  for (const auto& n : names) {
    Recipe r = load_recipe(n);
    // A recipe is named after the source it builds ("sample/<source>" for the sample's;
    // variants add a suffix: "github_tarball").
    std::string base = n.rfind("sample/", 0) == 0 ? n.substr(7) : n;
    EXPECT_EQ(base.rfind(r.source, 0), 0u) << n << " builds " << r.source;
    if (n == "arxiv" && real.empty()) {
      try {
        validate_recipe(r);
        ADD_FAILURE() << "arxiv validated without a language model";
      } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("lid.176"), std::string::npos) << e.what();
      }
      continue;
    }
    try {
      validate_recipe(r);
    } catch (const ConfigError& e) {
      // github_filter's GPT-NeoX rule needs the model file; the production GitHub recipes
      // refuse to start without it (docs/github.md), the others must validate anywhere.
      EXPECT_TRUE(real.empty() && r.source == "github") << n << ": " << e.what();
      EXPECT_NE(std::string(e.what()).find("tokenizer 'neox'"), std::string::npos) << n << ": " << e.what();
    }
  }
  if (old_models) ::setenv("RPDATA_MODELS", saved.c_str(), 1);
  else ::unsetenv("RPDATA_MODELS");
  Recipe c4 = load_recipe("c4");
  EXPECT_EQ(recipe_input_count(c4), 1024);
  ASSERT_EQ(c4.steps.size(), 1u);
  EXPECT_EQ(c4.steps[0].type, "c4_format");
}

TEST(Recipe, LanguageListMakesOneUnitPerLanguage) {
  Recipe r = load_recipe("wikipedia");
  Settings s = resolve_settings(r);
  // Planned offline: a downloading run also fetches each dump's multistream index to cut it
  // into units; without one here, every dump is one unit.
  RunOptions offline;
  offline.download = false;
  Plan plan = build_plan(r, s, offline, RunLayout{"/nonexistent", "x"});
  ASSERT_EQ(plan.units.size(), 20u);  // RedPajama's 20 Wikipedia languages
  EXPECT_EQ(plan.units[0].name, "bgwiki-20230320-pages-articles-multistream.xml.bz2");
  EXPECT_EQ(plan.units[0].url,
            "https://dumps.wikimedia.org/bgwiki/20230320/bgwiki-20230320-pages-articles-multistream.xml.bz2");
  EXPECT_EQ(plan.units[19].name, "ukwiki-20230320-pages-articles-multistream.xml.bz2");
  RunOptions mirror = offline;
  mirror.mirror = "https://mirror.example/dumps/";
  mirror.limit = 2;
  Plan m = build_plan(r, s, mirror, RunLayout{"/nonexistent", "x"});
  ASSERT_EQ(m.units.size(), 2u);
  EXPECT_EQ(m.units[1].url,
            "https://mirror.example/dumps/cawiki/20230320/cawiki-20230320-pages-articles-multistream.xml.bz2");
  // Wikimedia's md5sums.txt: "<md5>  <file>" lines.
  auto sums = parse_md5sums(
      "0123456789abcdef0123456789abcdef  bgwiki-20230320-pages-articles-multistream.xml.bz2\n"
      "fedcba9876543210fedcba9876543210  bgwiki-20230320-stub-articles.xml.gz\n");
  ASSERT_EQ(sums.size(), 2u);
  EXPECT_EQ(sums["bgwiki-20230320-pages-articles-multistream.xml.bz2"].md5, "0123456789abcdef0123456789abcdef");
  // A language list needs {language} in the pattern.
  Recipe bad = parse_recipe("source = \"w\"\n[download]\nbase_url = \"x\"\nlanguages = [\"en\"]\npattern = \"a.bz2\"\n",
                            "t.toml");
  EXPECT_THROW(build_plan(bad, resolve_settings(bad), RunOptions{}, RunLayout{"/nonexistent", "x"}), ConfigError);
}

TEST(Recipe, UnknownKeysAreNamed) {
  EXPECT_NE(error_of("source = \"c4\"\nsorce = 1\n").find("'sorce'"), std::string::npos);
  EXPECT_NE(error_of("source = \"c4\"\n[output]\nzstd_levl = 3\n").find("'zstd_levl' in [output]"),
            std::string::npos);
  EXPECT_NE(error_of("source = \"c4\"\n[download]\nbase_ur = \"x\"\n").find("'base_ur' in [download]"),
            std::string::npos);
  EXPECT_NE(error_of("source = \"c4\"\n[[steps]]\ntype = \"c4_format\"\nlanguag = \"en\"\n")
                .find("'languag' in [steps.c4_format]"),
            std::string::npos);
  EXPECT_NE(error_of("source = \"c4\"\n[[steps]]\ntype = \"nope\"\n").find("unknown step type 'nope'"),
            std::string::npos);
  EXPECT_NE(error_of("source = \"c4\"\n[output]\njson_style = \"yaml\"\n").find("json style"), std::string::npos);
  EXPECT_NE(error_of("source = \"c4\"\n[output\n").find("test.toml"), std::string::npos);
  EXPECT_NE(error_of("[output]\n").find("no 'source'"), std::string::npos);
  // A misspelt key: the error suggests the declared one and lists the section's keys.
  std::string msg = error_of("source = \"c4\"\n[output]\nzstd_levl = 3\n");
  EXPECT_NE(msg.find("did you mean 'zstd_level'?"), std::string::npos) << msg;
  EXPECT_NE(msg.find("known: json_style,"), std::string::npos) << msg;
}

// --set SECTION.KEY=VALUE: TOML values typed as in a recipe, other text as a string, checked
// like the recipe's own keys.
TEST(Recipe, OverridesSetKeysLikeTheRecipe) {
  Recipe r = load_recipe("arxiv");
  apply_override(r, "download.until=2303");
  apply_override(r, "read.timezone=local");
  apply_override(r, "output.tokenizers=[\"neox\"]");
  apply_override(r, "output.zstd_level=9");
  EXPECT_EQ(param_value_text(*r.download.given("until")), "2303");
  EXPECT_EQ(param_value_text(*r.read.given("timezone")), "\"local\"");
  EXPECT_EQ(param_value_text(*r.output.given("tokenizers")), "[\"neox\"]");
  validate_recipe(r);
  for (const char* bad : {"until=2303", "download.=1", ".until=1", "steps.type=x", "download.until", "other.key=1",
                          "steps.arxiv_nope.x=1", "steps.arxiv_language=1"})
    EXPECT_THROW(apply_override(r, bad), ConfigError) << bad;
  // A step's key, for every step of its type: e.g. another Wikipedia dump date.
  Recipe wiki = load_recipe("wikipedia");
  apply_override(wiki, "steps.wikipedia_clean.timestamp=\"20240601\"");  // TOML: a number unless quoted
  EXPECT_EQ(param_value_text(*wiki.steps[0].params.given("timestamp")), "\"20240601\"");
  validate_recipe(wiki);
  apply_override(wiki, "steps.wikipedia_clean.timestamp=20240601");
  EXPECT_THROW(validate_recipe(wiki), ConfigError);  // "must be a string, got integer"
  Recipe c4 = load_recipe("c4");
  EXPECT_THROW(apply_override(c4, "dedup.partitions=4"), ConfigError);  // c4 has no [dedup]
  apply_override(c4, "download.untill=1");
  try {
    validate_recipe(c4);
    ADD_FAILURE() << "a misspelt --set key passed";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("'untill' in [download]"), std::string::npos) << e.what();
  }
  Recipe bad_month = load_recipe("arxiv");
  apply_override(bad_month, "download.until=2313");
  EXPECT_THROW(validate_recipe(bad_month), ConfigError);
}

// The assignments made are kept, in order, for the run's plan; a rejected one is not.
TEST(Recipe, OverridesAreRecordedAndThePlanKeepsThem) {
  Recipe r = load_recipe("wikipedia");
  apply_override(r, "download.dump_date=\"20241201\"");
  apply_override(r, "steps.wikipedia_clean.timestamp=\"20241201\"");
  EXPECT_THROW(apply_override(r, "steps.nope.x=1"), ConfigError);
  EXPECT_EQ(r.overrides, (std::vector<std::string>{"download.dump_date=\"20241201\"",
                                                   "steps.wikipedia_clean.timestamp=\"20241201\""}));
  test::TempDir dir;
  Plan plan;
  plan.recipe = "wikipedia";
  plan.source = "wikipedia";
  plan.settings_digest = "d";
  plan.overrides = r.overrides;
  plan.deviations = {"Wikipedia dumps of 20241201, not \"20230320\""};
  plan.units.push_back({"a", "https://h/a", "a"});
  io::write_file_atomic(dir.path() / "plan.json", plan_to_json(plan));
  Plan back = read_plan(dir.path() / "plan.json");
  EXPECT_EQ(back.overrides, plan.overrides);
  EXPECT_EQ(back.deviations, plan.deviations);
  // A plan written before they were recorded reads with none.
  io::write_file_atomic(dir.path() / "old.json",
                        "{\"recipe\": \"c4\", \"source\": \"c4\", \"settings_digest\": \"d\", \"units\": []}\n");
  EXPECT_TRUE(read_plan(dir.path() / "old.json").overrides.empty());
}

// Without the "(default)" notes, explaining the explanation gives it back: every value
// --explain prints is the one the run reads, and it is valid recipe TOML.
std::string explained_values(const std::string& text) {
  std::string out;
  size_t pos = text.find('\n');  // the first line names the recipe's origin
  std::string rest = text.substr(pos + 1);
  for (size_t at; (at = rest.find("(default) ")) != std::string::npos;) rest.erase(at, 10);
  return rest;
}

TEST(Recipe, ExplainShowsEveryKeyAndReadsBackTheSame) {
  for (const auto& name : builtin_recipe_names()) {
    SCOPED_TRACE(name);
    std::string text = explain_recipe(load_recipe(name));
    Recipe again = parse_recipe(text, "explained.toml");
    EXPECT_EQ(explained_values(explain_recipe(again)), explained_values(text));
  }
  std::string c4 = explain_recipe(load_recipe("c4"));
  EXPECT_NE(c4.find("count = 1024 "), std::string::npos) << c4;  // given
  EXPECT_NE(c4.find("batch_docs = 1024                         # (default) format jsonl: documents per batch"),
            std::string::npos)
      << c4;
  EXPECT_NE(c4.find("[[steps]]\ntype = \"c4_format\"\nlanguage = \"en\""), std::string::npos) << c4;
}

TEST(Recipe, UnknownRecipeNameListsBuiltins) {
  try {
    load_recipe("c5");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("sample/c4"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rpdata::exec
