// The production StackExchange download path offline: candidates listed from an archive.org
// <item>_files.xml (size + md5 checked by the downloader), every candidate counted, the top N
// by posts selected, the ranking recorded, and a rerun reusing the cached counts.
#include <gtest/gtest.h>

#include "rpdata/core/error.h"
#include "rpdata/exec/recipe.h"
#include "rpdata/exec/runner.h"
#include "rpdata/io/hash.h"
#include "rpdata/sources/stackexchange/stackexchange.h"
#include "test_support.h"

namespace rpdata::exec {
namespace {
namespace fs = std::filesystem;

std::string files_xml(const fs::path& mirror, const std::vector<std::string>& names, const std::string& corrupt = "") {
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<files>\n";
  for (const auto& n : names) {
    std::string bytes = test::read_all(mirror / n);
    std::string md5 = io::md5_hex(n == corrupt ? bytes + "x" : bytes);
    x += "  <file name=\"" + n + "\" source=\"original\">\n    <size>" + std::to_string(bytes.size()) +
         "</size>\n    <md5>" + md5 + "</md5>\n    <sha1>0000000000000000000000000000000000000000</sha1>\n  </file>\n";
  }
  x += "  <file name=\"stackexchange_meta.xml\" source=\"metadata\"><format>Metadata</format></file>\n</files>\n";
  return x;
}

Recipe recipe(int top) {
  return parse_recipe(R"(source = "stackexchange"
[download]
base_url = "https://archive.org/download/stackexchange"
files_from = "checksums_file"
files_suffix = ".7z"
exclude = ["coffee.stackexchange.com.7z"]
checksums = "archive_org_files_xml"
checksums_file = "stackexchange_files.xml"
select_top = )" + std::to_string(top) + R"(
select_by = "stackexchange_posts"
max_attempts = 1
[read]
format = "stackexchange_7z"
lid_model = "none"
[output]
tokenizers = []
)",
                      "test.toml");
}

TEST(SiteSelect, TopSitesFromArchiveOrgFilesXml) {
  test::TempDir dir;
  fs::path mirror = dir / "mirror";
  auto names = sources::stackexchange::write_sample(mirror);  // beer > 3dprinting > coffee by posts
  sources::stackexchange::write_7z(mirror / "zzz.stackexchange.com.7z",
                                   {{"Posts.xml", "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<posts>\n</posts>"}});
  names.push_back("zzz.stackexchange.com.7z");
  test::write_all(mirror / "stackexchange_files.xml", files_xml(mirror, names));
  RunOptions o;
  o.out = dir / "out";
  o.mirror = mirror.string();
  o.fetch.progress = false;
  RunSummary s = run_source(recipe(1), o);
  EXPECT_TRUE(s.failures.empty());
  EXPECT_EQ(s.units_total, 1u);
  std::string sel = test::read_all(dir / "out/stackexchange/_work/site_selection.json");
  EXPECT_NE(sel.find("{\"rank\": 1, \"name\": \"beer.stackexchange.com.7z\", \"posts\": 157, \"selected\": true}"),
            std::string::npos)
      << sel;
  EXPECT_NE(sel.find("\"name\": \"3dprinting.stackexchange.com.7z\", \"posts\": 104, \"selected\": false"),
            std::string::npos);
  EXPECT_NE(sel.find("\"name\": \"zzz.stackexchange.com.7z\", \"posts\": 0"), std::string::npos);
  EXPECT_EQ(sel.find("coffee"), std::string::npos);  // excluded, never downloaded
  EXPECT_FALSE(fs::exists(dir / "out/stackexchange/_work/raw/coffee.stackexchange.com.7z"));
  EXPECT_TRUE(fs::exists(dir / "out/stackexchange/beer.stackexchange.com-00000.jsonl.zst"));
  EXPECT_NE(test::read_all(dir / "out/stackexchange/_work/plan.json").find("beer.stackexchange.com.7z"),
            std::string::npos);

  // A rerun finds the counts cached and the unit complete.
  RunSummary again = run_source(recipe(1), o);
  EXPECT_EQ(again.units_skipped, 1u);
}

TEST(SiteSelect, Md5MismatchFailsTheDownload) {
  test::TempDir dir;
  fs::path mirror = dir / "mirror";
  auto names = sources::stackexchange::write_sample(mirror);
  test::write_all(mirror / "stackexchange_files.xml", files_xml(mirror, names, "beer.stackexchange.com.7z"));
  RunOptions o;
  o.out = dir / "out";
  o.mirror = mirror.string();
  o.fetch.progress = false;
  EXPECT_THROW(run_source(recipe(2), o), Error);
}

}  // namespace
}  // namespace rpdata::exec
