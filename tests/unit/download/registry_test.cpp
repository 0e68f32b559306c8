// The download registries: a [download] table chooses its input shape by the keys it has,
// names its checksum kind and selection, and every mistake is a ConfigError naming it.
#include <gtest/gtest.h>

#include "rpdata/core/error.h"
#include "rpdata/download/builtin.h"
#include "rpdata/exec/runner.h"

namespace rpdata::download {
namespace {

Params table(std::initializer_list<std::pair<const char*, std::string>> keys) {
  Params p("download");
  for (const auto& [k, v] : keys) p.set(k, v);
  return p;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

class Fixed : public InputPlanner {
 public:
  Planned plan(const PlanContext& ctx) const override {
    Planned out;
    out.units.push_back({"only.txt", ctx.require_base() + "/only.txt", ""});
    return out;
  }
};

TEST(PlannerRegistry, ChoosesTheShapeByItsKeys) {
  const PlannerRegistry& reg = exec::registries().planners;
  PlanContext ctx;
  ctx.recipe = "t";
  ctx.base = "https://h";
  // `pattern` alone is the index shape; with `languages` it is the language shape's template.
  auto index = reg.configure(table({{"pattern", "f{index}.gz"}}), "t");
  ASSERT_NE(index, nullptr);
  EXPECT_THROW(index->plan(ctx), ConfigError);  // count missing
  Params langs = table({{"pattern", "{language}/x.bz2"}});
  langs.set("languages", std::vector<std::string>{"de"});
  auto lang = reg.configure(langs, "t");
  Planned p = lang->plan(ctx);
  ASSERT_EQ(p.units.size(), 1u);
  EXPECT_EQ(p.units[0].url, "https://h/de/x.bz2");
  EXPECT_EQ(lang->expand("{language}wiki-md5sums.txt", p.units[0]), "dewiki-md5sums.txt");
  langs.reject_unused();  // the language shape read pattern and languages
}

TEST(PlannerRegistry, ASourceShapeSupersedesTheGenericOneItRefines) {
  const PlannerRegistry& reg = exec::registries().planners;
  PlanContext ctx;
  ctx.recipe = "t";
  ctx.base = "https://h";
  // languages + dump_date: Wikipedia's dated dumps, not the generic language shape (which
  // would leave dump_date unread) and not "two input shapes".
  Params dated = table({{"pattern", "{language}wiki/{date}/{language}wiki-{date}-x.bz2"}, {"dump_date", "20241201"}});
  dated.set("languages", std::vector<std::string>{"de", "en"});
  auto planner = reg.configure(dated, "t");
  Planned p = planner->plan(ctx);
  ASSERT_EQ(p.units.size(), 2u);
  EXPECT_EQ(p.units[1].url, "https://h/enwiki/20241201/enwiki-20241201-x.bz2");
  EXPECT_EQ(planner->expand("{language}wiki-{date}-md5sums.txt", p.units[1]), "enwiki-20241201-md5sums.txt");
  ASSERT_EQ(p.deviations.size(), 1u);  // not RedPajama's 20230320
  EXPECT_NE(p.deviations[0].find("20241201"), std::string::npos) << p.deviations[0];
  dated.reject_unused();
  EXPECT_FALSE(planner->listing_needs_network());

  Params theirs = table({{"pattern", "{language}wiki/{date}/{language}wiki-{date}-x.bz2"}, {"dump_date", "20230320"}});
  theirs.set("languages", std::vector<std::string>{"de"});
  EXPECT_TRUE(reg.configure(theirs, "t")->plan(ctx).deviations.empty());
  Params latest = table({{"pattern", "{language}wiki/{date}/x.bz2"}, {"dump_date", "latest"}});
  latest.set("languages", std::vector<std::string>{"de"});
  auto l = reg.configure(latest, "t");
  EXPECT_TRUE(l->listing_needs_network());
  std::string msg = error_of([&] { l->plan(ctx); });  // no dates_index / dump_status
  EXPECT_NE(msg.find("cannot list dump dates"), std::string::npos) << msg;
  Params bad = table({{"pattern", "{language}wiki/{date}/x.bz2"}, {"dump_date", "2023-03-20"}});
  bad.set("languages", std::vector<std::string>{"de"});
  msg = error_of([&] { reg.configure(bad, "t"); });
  EXPECT_NE(msg.find("YYYYMMDD"), std::string::npos) << msg;
  Params undated = table({{"pattern", "{language}wiki/x.bz2"}, {"dump_date", "20230320"}});
  undated.set("languages", std::vector<std::string>{"de"});
  msg = error_of([&] { reg.configure(undated, "t"); });
  EXPECT_NE(msg.find("{date}"), std::string::npos) << msg;
}

TEST(PlannerRegistry, TwoShapesOrNoneAreErrors) {
  const PlannerRegistry& reg = exec::registries().planners;
  Params two = table({{"listing", "x"}, {"bucket_listing", "gcs"}});
  std::string msg = error_of([&] { reg.configure(two, "t"); });
  EXPECT_NE(msg.find("two input shapes"), std::string::npos) << msg;
  msg = error_of([&] { reg.configure(table({{"base_url", "https://h"}}), "t"); });
  EXPECT_NE(msg.find("no input shape"), std::string::npos) << msg;
  EXPECT_NE(msg.find("languages"), std::string::npos) << msg;  // the message lists the shapes
  EXPECT_EQ(reg.configure(table({}), "t"), nullptr);          // local inputs only
}

TEST(PlannerRegistry, AShapeRegisteredOutsideIsChosenByItsKey) {
  PlannerRegistry reg;
  reg.add({"fixed", {"fixed"}, false, "one file", {Key::text("fixed", "", "anything")}, [](const Params& d) {
             d.get_string("fixed");
             return std::make_unique<Fixed>();
           }});
  auto planner = reg.configure(table({{"fixed", "yes"}}), "t");
  ASSERT_NE(planner, nullptr);
  PlanContext ctx;
  EXPECT_THROW(planner->plan(ctx), ConfigError);  // no base URL
  ctx.base = "file:///m";
  EXPECT_EQ(planner->plan(ctx).units.at(0).url, "file:///m/only.txt");
}

TEST(ChecksumRegistry, UnknownKindListsTheKnownOnes) {
  const ChecksumRegistry& reg = exec::registries().checksums;
  EXPECT_NE(reg.configure(table({}), "t"), nullptr);  // "none"
  std::string msg = error_of([&] { reg.configure(table({{"checksums", "sha265sums"}}), "t"); });
  EXPECT_NE(msg.find("sha265sums"), std::string::npos) << msg;
  EXPECT_NE(msg.find("sha256sums"), std::string::npos) << msg;
  EXPECT_NE(msg.find("archive_org_files_xml"), std::string::npos) << msg;
}

TEST(SelectorRegistry, SelectionNeedsAKnownSelectorAndItsKeys) {
  const SelectorRegistry& reg = exec::registries().selectors;
  EXPECT_EQ(reg.configure(table({}), "t"), nullptr);
  EXPECT_NE(error_of([&] { reg.configure(table({{"select_by", "posts"}}), "t"); }).find("stackexchange_posts"),
            std::string::npos);
  EXPECT_THROW(reg.configure(table({{"select_by", "stackexchange_posts"}}), "t"), ConfigError);  // select_top
}

TEST(ArchiveOrgFilesXml, SizeAndMd5PerFileAndNoEntities) {
  auto m = parse_archive_org_files_xml(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<files>\n"
      "  <file name=\"beer.stackexchange.com.7z\" source=\"original\">\n    <mtime>1591000000</mtime>\n"
      "    <size>3337659</size>\n    <md5>0123456789abcdef0123456789abcdef</md5>\n"
      "    <sha1>0123456789abcdef0123456789abcdef01234567</sha1>\n  </file>\n"
      "  <file name=\"stackexchange_meta.xml\" source=\"metadata\"><format>Metadata</format></file>\n</files>\n");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(*m["beer.stackexchange.com.7z"].size, 3337659u);
  EXPECT_EQ(m["beer.stackexchange.com.7z"].md5, "0123456789abcdef0123456789abcdef");
  EXPECT_THROW(parse_archive_org_files_xml("<files><file name=\"x\">"), InputError);
  EXPECT_THROW(parse_archive_org_files_xml("<!DOCTYPE f [<!ENTITY a \"b\">]><files>&a;</files>"), InputError);
}

TEST(DigestLists, Sha256AndMd5Lines) {
  auto sha = parse_sha256sums(std::string(64, 'a') + "  x.gz\n" + std::string(64, 'b') + " *y.gz\r\nshort  z\n");
  ASSERT_EQ(sha.size(), 2u);
  EXPECT_EQ(sha["y.gz"].sha256, std::string(64, 'b'));
  auto md5 = parse_md5sums(std::string(32, 'c') + "  w.bz2\n");
  EXPECT_EQ(md5["w.bz2"].md5, std::string(32, 'c'));
}

}  // namespace
}  // namespace rpdata::download
