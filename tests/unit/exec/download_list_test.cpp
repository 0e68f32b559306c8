// [download] list / list_file: a named list of inputs (GitHub repositories "owner/repo@ref")
// instead of an index range; unit names and URLs built from it.
#include <gtest/gtest.h>

#include "exec/inputs.h"
#include "exec/settings.h"
#include "rpdata/core/error.h"
#include "rpdata/exec/recipe.h"
#include "test_support.h"

namespace rpdata::exec {
namespace {

const char* kRecipe = R"(
source = "github"
[download]
base_url = "https://codeload.github.com/"
list = ["psf/requests@v2.31.0", "a-b/c.d", "o/r@feature/x y"]
pattern = "{path}/tar.gz/{ref}"
name_suffix = ".tar.gz"
[read]
format = "github_tarball"
[output]
tokenizers = []
)";

TEST(DownloadList, NamesAndCodeloadUrls) {
  std::string toml = kRecipe;
  toml.replace(toml.find(", \"o/r@feature/x y\""), 19, ", \"o/r@feature/x\"");
  Recipe r = parse_recipe(toml, "list.toml");
  Settings s = resolve_settings(r);
  Plan p = build_plan(r, s, RunOptions{}, RunLayout{"/nonexistent", "x"});
  ASSERT_EQ(p.units.size(), 3u);
  EXPECT_EQ(p.units[0].name, "psf~requests@v2.31.0.tar.gz");
  EXPECT_EQ(p.units[0].url, "https://codeload.github.com/psf/requests/tar.gz/v2.31.0");
  EXPECT_EQ(p.units[1].name, "a-b~c.d.tar.gz");
  EXPECT_EQ(p.units[1].url, "https://codeload.github.com/a-b/c.d/tar.gz/HEAD");
  EXPECT_EQ(p.units[2].url, "https://codeload.github.com/o/r/tar.gz/feature/x");
}

TEST(DownloadList, BadEntriesAndListFile) {
  Recipe r = parse_recipe(kRecipe, "list.toml");
  Settings s = resolve_settings(r);
  EXPECT_THROW(build_plan(r, s, RunOptions{}, RunLayout{"/nonexistent", "x"}), ConfigError);  // a space in an entry
  test::TempDir t;
  test::write_all(t / "repos.txt", "# comment\n\n  psf/requests@v2.31.0  \n");
  std::string toml = kRecipe;
  toml.replace(toml.find("list = ["), toml.find(']', toml.find("list = [")) - toml.find("list = [") + 1,
               "list_file = \"" + (t / "repos.txt").string() + "\"");
  Recipe r1 = parse_recipe(toml, "list1.toml");
  Plan p1 = build_plan(r1, resolve_settings(r1), RunOptions{}, RunLayout{"/nonexistent", "x"});
  ASSERT_EQ(p1.units.size(), 1u);  // comments, blank lines and surrounding spaces are not entries
  EXPECT_EQ(p1.units[0].name, "psf~requests@v2.31.0.tar.gz");
  test::write_all(t / "repos.txt", "psf/requests@v2.31.0\n../x@y\n");
  Recipe r2 = parse_recipe(toml, "list2.toml");
  Settings s2 = resolve_settings(r2);
  EXPECT_THROW(build_plan(r2, s2, RunOptions{}, RunLayout{"/nonexistent", "x"}), ConfigError);  // "../x": no '..' segments
}

// Output names: the input name without a compression suffix, then without one of the
// reader's name suffixes (C4's c4_reformat.py: strip .gz, json -> jsonl; shards add
// "-NNNNN.jsonl.zst").
TEST(UnitStem, DropsCompressionThenTheReadersSuffix) {
  const std::vector<std::string> json{".jsonl", ".json"};
  EXPECT_EQ(unit_stem("c4-train.00000-of-01024.json.gz", json), "c4-train.00000-of-01024");
  EXPECT_EQ(unit_stem("x.jsonl.zst", json), "x");
  EXPECT_EQ(unit_stem("plain", json), "plain");
  EXPECT_EQ(unit_stem("a.json.tar", json), "a.json.tar");  // one suffix of the reader's, at the end
  EXPECT_EQ(unit_stem("psf~requests@v2.31.0.tar.gz", {".tar"}), "psf~requests@v2.31.0");
  EXPECT_EQ(unit_stem("beer.stackexchange.com.7z", {".7z"}), "beer.stackexchange.com");
  EXPECT_EQ(unit_stem("enwiki-20230320-pages-articles-multistream.xml.bz2", {}),
            "enwiki-20230320-pages-articles-multistream.xml");
}

}  // namespace
}  // namespace rpdata::exec
