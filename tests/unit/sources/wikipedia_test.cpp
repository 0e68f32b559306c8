// Wikipedia slice: wikitext cleaning against mwparserfromhell-made expectations
// (tests/fixtures/wikipedia/strip_cases.jsonl), the dump reader on the bundled sample and the
// real UTF-16 excerpt, URL quoting, and bad inputs (truncated/corrupt bz2, malformed XML,
// entity bomb, external entity, huge page).
#include <bzlib.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <sstream>

#include "rpdata/core/error.h"
#include "rpdata/core/params.h"
#include "rpdata/sources/wikipedia/wikipedia.h"
#include "test_support.h"

namespace rpdata::sources::wikipedia {
namespace {
namespace fs = std::filesystem;
using test::TempDir;

std::string bz2(const std::string& data) {
  unsigned int cap = static_cast<unsigned int>(data.size() + data.size() / 100 + 600);
  std::string out(cap, '\0');
  EXPECT_EQ(BZ2_bzBuffToBuffCompress(out.data(), &cap, const_cast<char*>(data.data()),
                                     static_cast<unsigned int>(data.size()), 9, 0, 0),
            BZ_OK);
  out.resize(cap);
  return out;
}

std::string page(const std::string& title, int ns, const std::string& text, bool redirect = false) {
  return "<page><title>" + title + "</title><ns>" + std::to_string(ns) + "</ns><id>1</id>" +
         (redirect ? "<redirect title=\"X\" />" : "") + "<revision><text xml:space=\"preserve\">" + text +
         "</text></revision></page>\n";
}
std::string dump(const std::string& pages) {
  return "<mediawiki xmlns=\"http://www.mediawiki.org/xml/export-0.10/\" version=\"0.10\">\n"
         "<siteinfo><dbname>enwiki</dbname></siteinfo>\n" + pages + "</mediawiki>\n";
}

struct ReadResult {
  std::vector<Document> docs;
  DropCounts drops;
};
ReadResult read_all(const fs::path& p, DumpReaderOptions o = {}) {
  o.id_prefix = p.filename().string();
  DumpReader r(p, o);
  ReadResult out;
  Batch b;
  while (r.next(b)) {
    for (auto& d : b.docs) out.docs.push_back(std::move(d));
    for (auto& [k, v] : b.drops) out.drops[k] += v;
  }
  return out;
}
std::string meta_str(const Document& d, const char* key) { return std::get<std::string>(*d.meta.find(key)); }

TEST(WikipediaClean, MatchesMwparserfromhellCases) {
  std::ifstream in(test::source_dir() / "tests/fixtures/wikipedia/strip_cases.jsonl");
  std::string line;
  simdjson::dom::parser parser;
  int n = 0;
  while (std::getline(in, line)) {
    auto obj = parser.parse(line).get_object().value();
    std::string lang(obj["language"].get_string().value());
    std::string raw(obj["wikitext"].get_string().value());
    std::string want(obj["text"].get_string().value());
    EXPECT_EQ(clean_wikitext(raw, language_prefixes(lang)), want) << "wikitext: " << raw;
    ++n;
  }
  EXPECT_GE(n, 15);
}

TEST(WikipediaClean, PathologicalNestingIsBoundedNotACrash) {
  auto en = language_prefixes("en");
  std::string heading = "== a";
  for (int i = 0; i < 3000; ++i) heading += " = b";
  heading += " ==\ntext";
  std::string out;
  try {
    out = clean_wikitext(heading, en);  // either text or a parser error, never a stack overflow
  } catch (const std::runtime_error&) {
  }
  std::string deep;
  for (int i = 0; i < 2000; ++i) deep += "{{a|[[b|''c<div>";
  EXPECT_NO_FATAL_FAILURE({
    try {
      out = clean_wikitext(deep, en);
    } catch (const std::runtime_error&) {
    }
  });
}

TEST(WikipediaClean, LanguagePrefixesAndUrl) {
  auto de = language_prefixes("de");
  EXPECT_NE(std::find(de.media.begin(), de.media.end(), "Datei"), de.media.end());
  EXPECT_EQ(language_prefixes("xx").media, (std::vector<std::string>{"File", "Image", "Media"}));
  // urllib.parse.quote: spaces -> %20, '/' kept, UTF-8 bytes upper-case hex.
  EXPECT_EQ(url_quote("AC/DC (band) & Über_x~"), "AC/DC%20%28band%29%20%26%20%C3%9Cber_x~");
  EXPECT_EQ(date_from_file_name("bgwiki-20230320-pages-articles-multistream.xml.bz2"), "20230320");
  EXPECT_EQ(date_from_file_name("zh_yuewiki-20241201-md5sums.txt"), "20241201");
  EXPECT_EQ(date_from_file_name("enwiki-20241201"), "20241201");
  EXPECT_EQ(date_from_file_name("enwiki-latest-pages-articles.xml.bz2"), "");
  EXPECT_EQ(date_from_file_name("enwiki-202412011-x"), "");
  EXPECT_EQ(date_from_file_name("enwiki-table-markup.xml.bz2"), "");
  EXPECT_EQ(language_from_file_name("bgwiki-20230320-pages-articles-multistream.xml.bz2"), "bg");
  EXPECT_EQ(language_from_file_name("zh_yuewiki-latest-pages-articles.xml.bz2"), "zh-yue");
  EXPECT_EQ(language_from_file_name("enwiki-table-markup.xml.bz2"), "en");
  EXPECT_EQ(language_from_file_name("dump.xml.bz2"), "");
}

TEST(WikipediaClean, StepBuildsRedPajamaMeta) {
  CleanStep step("20230320");
  Batch b;
  Document& d = b.docs.emplace_back();
  d.text = "'''Kyiv''' is a city.[[Category:Cities]]";
  d.meta.set("title", std::string("Kyiv (city)"));
  d.meta.set("language", std::string("en"));
  Document& e = b.docs.emplace_back();
  e.text = "{{only a template}}";
  e.meta.set("title", std::string("Empty"));
  e.meta.set("language", std::string("en"));
  step.process(b);
  ASSERT_EQ(b.docs.size(), 1u);
  EXPECT_EQ(b.docs[0].text, "Kyiv is a city.Cities");
  auto& entries = b.docs[0].meta.entries();
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].first, "title");
  EXPECT_EQ(entries[1].first, "url");
  EXPECT_EQ(std::get<std::string>(entries[1].second), "https://en.wikipedia.org/wiki/Kyiv%20%28city%29");
  EXPECT_EQ(entries[2].first, "language");
  EXPECT_EQ(entries[3].first, "timestamp");
  EXPECT_EQ(std::get<std::string>(entries[3].second), "20230320");
  EXPECT_EQ(b.drops["wikipedia_clean:empty"], 1);
}

TEST(WikipediaClean, TimestampFromTheInputsDumpDate) {
  CleanStep step(CleanStep::kTimestampFromInput);
  Batch b;
  for (const char* id : {"enwiki-20241201-pages-articles-multistream.xml.bz2/0", "dewiki-20241220-x.xml.bz2/7"}) {
    Document& d = b.docs.emplace_back();
    d.id = id;
    d.text = "Text.";
    d.meta.set("title", std::string("T"));
    d.meta.set("language", std::string("en"));
  }
  step.process(b);
  ASSERT_EQ(b.docs.size(), 2u);
  EXPECT_EQ(std::get<std::string>(b.docs[0].meta.entries()[3].second), "20241201");
  EXPECT_EQ(std::get<std::string>(b.docs[1].meta.entries()[3].second), "20241220");
  Batch undated;
  Document& d = undated.docs.emplace_back();
  d.id = "enwiki-latest-pages-articles.xml.bz2/0";
  d.text = "Text.";
  d.meta.set("title", std::string("T"));
  d.meta.set("language", std::string("en"));
  EXPECT_THROW(step.process(undated), ConfigError);
}

TEST(WikipediaReader, BundledSampleIsMultistreamWithDrops) {
  TempDir dir;
  SampleOptions o;
  o.languages = {"de"};
  auto names = write_sample(dir.path(), o);
  ASSERT_EQ(names.size(), 3u);
  fs::path dumpf = dir / names[0];
  // Several concatenated bz2 streams (header, page groups, footer): count "BZh9" magics.
  std::string raw = test::read_all(dumpf);
  size_t streams = 0;
  for (size_t at = raw.find("BZh91AY&SY"); at != std::string::npos; at = raw.find("BZh91AY&SY", at + 1)) ++streams;
  EXPECT_GE(streams, 4u);
  auto r = read_all(dumpf);
  EXPECT_EQ(r.drops["read:redirect"], 1);
  EXPECT_EQ(r.drops["read:not_article"], 1);
  ASSERT_EQ(r.docs.size(), static_cast<size_t>(o.pages_per_language - 2));
  EXPECT_EQ(meta_str(r.docs[0], "language"), "de");
  EXPECT_EQ(r.docs[0].id, names[0].substr(names[0].rfind('/') + 1) + "/0");
  // Same options -> byte-identical files.
  TempDir again;
  write_sample(again.path(), o);
  EXPECT_EQ(test::read_all(again / names[0]), raw);
}

TEST(WikipediaReader, RealUtf16DumpWithBom) {
  RPDATA_REQUIRE_REALDATA(rd);
  fs::path p = rd / "wikipedia" / "bgwiki-latest-pages-articles-shortened.xml.bz2";
  auto r = read_all(p);
  ASSERT_EQ(r.docs.size(), 1u);  // 3 pages, 2 of them in namespace 4
  EXPECT_EQ(r.drops["read:not_article"], 2);
  EXPECT_EQ(meta_str(r.docs[0], "language"), "bg");
  // The UTF-8 re-encoding of the same excerpt yields the same page (CRLF normalised by XML).
  auto u = read_all(rd / "wikipedia" / "bgwiki-latest-pages-articles-shortened.utf8.xml.bz2");
  ASSERT_EQ(u.docs.size(), 1u);
  EXPECT_EQ(u.docs[0].text, r.docs[0].text);
  EXPECT_EQ(meta_str(u.docs[0], "title"), meta_str(r.docs[0], "title"));
  EXPECT_EQ(r.docs[0].text.find('\r'), std::string::npos);
}

TEST(WikipediaReader, TruncatedBz2KeepsEarlierPagesThenFails) {
  TempDir dir;
  // Incompressible-ish pages so the first stream is larger than any read-ahead buffer.
  std::string pages;
  uint64_t x = 12345;
  for (int i = 0; i < 400; ++i) {
    std::string text;
    for (int k = 0; k < 2000; ++k) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      text += static_cast<char>('a' + (x >> 59) % 26);
    }
    pages += page("P" + std::to_string(i), 0, text);
  }
  // Two streams: the first complete, the second cut in half.
  std::string first = bz2(dump(pages).substr(0, dump(pages).size() / 2));
  std::string second = bz2(dump(pages).substr(dump(pages).size() / 2));
  fs::path p = dir / "enwiki-cut.xml.bz2";
  test::write_all(p, first + second.substr(0, second.size() / 2));
  DumpReaderOptions o;
  o.id_prefix = "x";
  DumpReader r(p, o);
  Batch b;
  size_t docs = 0;
  try {
    while (r.next(b)) docs += b.docs.size();
    FAIL() << "a truncated dump must not end silently";
  } catch (const InputError& e) {
    EXPECT_FALSE(e.path().empty());
    EXPECT_GT(docs, 0u) << e.what();
  }
}

TEST(WikipediaReader, CorruptBz2IsAnInputError) {
  TempDir dir;
  std::string data = bz2(dump(page("A", 0, std::string(5000, 'x'))));
  for (size_t i = 40; i < data.size() - 20; i += 7) data[i] = static_cast<char>(data[i] ^ 0x5A);
  fs::path p = dir / "enwiki-corrupt.xml.bz2";
  test::write_all(p, data);
  EXPECT_THROW(read_all(p), InputError);
}

TEST(WikipediaReader, MalformedXmlNamesOffset) {
  TempDir dir;
  fs::path p = dir / "enwiki-bad.xml.bz2";
  test::write_all(p, bz2(dump(page("A", 0, "ok") + "<page><title>B</titel></page>")));
  try {
    read_all(p);
    FAIL() << "malformed XML must throw";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("malformed XML"), std::string::npos) << e.what();
    EXPECT_TRUE(e.offset().has_value());
  }
  fs::path t = dir / "enwiki-short.xml";
  test::write_all(t, dump(page("A", 0, "ok")).substr(0, 150));
  EXPECT_THROW(read_all(t), TruncatedInputError);
}

TEST(WikipediaReader, EntityBombIsRefusedNotExpanded) {
  TempDir dir;
  // Billion laughs: 10^9 "lol"s if expanded.
  std::string bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE mediawiki [\n<!ENTITY l0 \"lol\">\n";
  for (int i = 1; i < 10; ++i) {
    std::string refs;
    for (int k = 0; k < 10; ++k) refs += "&l" + std::to_string(i - 1) + ";";
    bomb += "<!ENTITY l" + std::to_string(i) + " \"" + refs + "\">\n";
  }
  bomb += "]>\n" + dump(page("Bomb", 0, "&l9;"));
  fs::path p = dir / "enwiki-bomb.xml";
  test::write_all(p, bomb);
  try {
    read_all(p);
    FAIL() << "an entity bomb must be refused";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("refused"), std::string::npos) << e.what();
  }
}

TEST(WikipediaReader, ExternalEntityIsRefused) {
  TempDir dir;
  test::write_all(dir / "secret.txt", "SECRET");
  std::string x = "<?xml version=\"1.0\"?>\n<!DOCTYPE mediawiki [\n<!ENTITY ext SYSTEM \"file://" +
                  (dir / "secret.txt").string() + "\">\n]>\n" + dump(page("Ext", 0, "&ext;"));
  fs::path p = dir / "enwiki-ext.xml";
  test::write_all(p, x);
  EXPECT_THROW(read_all(p), InputError);
  // Without a DOCTYPE an undeclared entity is simply malformed XML, never fetched.
  test::write_all(p, dump(page("Ext", 0, "&ext;")));
  EXPECT_THROW(read_all(p), InputError);
}

TEST(WikipediaReader, HugePageIsReadOrACountedDrop) {
  TempDir dir;
  std::string big(50u << 20, 'w');
  for (size_t i = 80; i < big.size(); i += 81) big[i] = '\n';
  fs::path p = dir / "enwiki-huge.xml.bz2";
  test::write_all(p, bz2(dump(page("Small", 0, "small page") + page("Huge", 0, big) + page("After", 0, "after"))));
  auto r = read_all(p);  // default limit 64 MiB: the 50 MB page is read
  ASSERT_EQ(r.docs.size(), 3u);
  EXPECT_EQ(r.docs[1].text.size(), big.size());
  CleanStep step{"20230320"};
  Batch b;
  b.docs.push_back(std::move(r.docs[1]));
  step.process(b);
  ASSERT_EQ(b.docs.size(), 1u);
  EXPECT_EQ(b.docs[0].text.size(), big.size());
  DumpReaderOptions small;
  small.max_page_bytes = 1 << 20;
  auto s = read_all(p, small);
  EXPECT_EQ(s.docs.size(), 2u);
  EXPECT_EQ(s.drops["read:page_too_large"], 1);
}

}  // namespace
}  // namespace rpdata::sources::wikipedia

namespace rpdata::sources::wikipedia {
namespace {

// Expat has no byte index (-1) before its first event; the error printed it as size_t(-1).
TEST(WikipediaDump, EmptyDumpErrorGivesARealOffsetNotSizeMax) {
  for (const std::string& bytes : {std::string(), bz2("")}) {
    TempDir dir;
    fs::path p = dir / "enwiki-20230320-pages-articles-multistream.xml.bz2";
    test::write_all(p, bytes);
    try {
      read_all(p);
      FAIL() << "no error for an empty dump";
    } catch (const InputError& e) {
      EXPECT_EQ(e.path(), p.string());
      ASSERT_TRUE(e.offset().has_value());
      EXPECT_EQ(*e.offset(), 0u);
      EXPECT_EQ(std::string(e.what()).find("18446744073709551615"), std::string::npos) << e.what();
      EXPECT_EQ(e.message().find("18446744073709551615"), std::string::npos) << e.message();
    }
  }
}

}  // namespace
}  // namespace rpdata::sources::wikipedia
