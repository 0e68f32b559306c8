// Cross-check on real dumps: RedPajama's StackExchange steps run in Python with Debian's
// python3-bs4 + python3-lxml (tests/tools/se_reference.py) against our PostsReader, record
// by record (json.dumps bytes; "language" left "" on both sides). Target: 100 % identical;
// any difference must be explained in docs/stackexchange.md and this test fails below it.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "rpdata/io/archive_entry_stream.h"
#include "rpdata/io/json_writer.h"
#include "rpdata/sources/stackexchange/stackexchange.h"
#include "test_support.h"

namespace rpdata::sources::stackexchange {
namespace {
namespace fs = std::filesystem;

// A python3 that has bs4 and lxml (Debian's /usr/bin/python3 first), or "".
std::string python_with_bs4() {
  for (const char* py : {"/usr/bin/python3", "python3"}) {
    std::string cmd = std::string(py) + " -c 'import bs4, lxml' >/dev/null 2>&1";
    if (std::system(cmd.c_str()) == 0) return py;
  }
  return {};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

void cross_check(const fs::path& posts_xml, const std::string& site, size_t min_docs) {
  std::string py = python_with_bs4();
  if (py.empty()) GTEST_SKIP() << "SKIPPED: no python3 with bs4 + lxml (apt-get install python3-bs4 python3-lxml)";
  test::TempDir tmp;
  fs::path ref = tmp / "ref.jsonl";
  std::string cmd = py + " " + (test::source_dir() / "tests/tools/se_reference.py").string() + " '" +
                    posts_xml.string() + "' " + site + " > '" + ref.string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  auto expected = lines_of(test::read_all(ref));

  PostsReaderOptions o;
  o.site = site;
  o.id_prefix = site;
  PostsReader reader(posts_xml, o);
  std::vector<std::string> ours;
  Batch b;
  while (reader.next(b))
    for (const auto& d : b.docs) {
      std::string rec;
      io::append_record(rec, d, io::JsonStyle::kPython, io::RecordLayout::kTextMeta);
      if (!rec.empty() && rec.back() == '\n') rec.pop_back();
      ours.push_back(rec);
    }
  ASSERT_GE(expected.size(), min_docs);
  EXPECT_EQ(ours.size(), expected.size());
  size_t same = 0, shown = 0;
  for (size_t i = 0; i < std::min(ours.size(), expected.size()); ++i) {
    if (ours[i] == expected[i]) {
      ++same;
    } else if (shown++ < 5) {
      size_t at = 0;
      while (at < ours[i].size() && at < expected[i].size() && ours[i][at] == expected[i][at]) ++at;
      size_t from = at > 80 ? at - 80 : 0;
      ADD_FAILURE() << "document " << i << " differs at byte " << at << "\n ours: ..." << ours[i].substr(from, 200)
                    << "\n  ref: ..." << expected[i].substr(from, 200);
    }
  }
  double pct = expected.empty() ? 0 : 100.0 * static_cast<double>(same) / static_cast<double>(expected.size());
  std::printf("[ stackexchange cross-check ] %s: %zu/%zu documents identical (%.2f %%)\n", site.c_str(), same,
              expected.size(), pct);
  EXPECT_EQ(same, expected.size()) << "target is 100 % (or every difference explained in docs/stackexchange.md)";
}

TEST(StackExchangeCrossCheck, BeerDumpMatchesBeautifulSoupReference) {
  RPDATA_REQUIRE_REALDATA(real);
  fs::path archive = real / "stackexchange/beer.stackexchange.com.7z";
  ASSERT_TRUE(fs::exists(archive)) << archive << " missing";
  // Posts.xml for the Python side: 7z's own extractor when present (independent of
  // libarchive), else our libarchive member stream.
  test::TempDir tmp;
  fs::path xml = tmp / "Posts.xml";
  std::string cmd = "7z x -so '" + archive.string() + "' Posts.xml > '" + xml.string() + "' 2>/dev/null";
  if (std::system("command -v 7z >/dev/null 2>&1") != 0 || std::system(cmd.c_str()) != 0) {
    auto in = io::open_archive_member(archive, "Posts.xml");
    std::ofstream out(xml, std::ios::binary);
    std::vector<char> buf(1 << 16);
    for (size_t n; (n = in->read(buf.data(), buf.size())) > 0;) out.write(buf.data(), static_cast<std::streamsize>(n));
  }
  cross_check(xml, "beer.stackexchange.com", 1000);
  // And straight out of the .7z: the same documents as from the extracted file.
  PostsReaderOptions o;
  o.site = "beer.stackexchange.com";
  PostsReader a(archive, o), b(xml, o);
  Batch ba, bb;
  size_t n = 0;
  while (a.next(ba)) {
    ASSERT_TRUE(b.next(bb));
    ASSERT_EQ(ba.docs.size(), bb.docs.size());
    for (size_t i = 0; i < ba.docs.size(); ++i, ++n) ASSERT_EQ(ba.docs[i].text, bb.docs[i].text);
  }
  EXPECT_GT(n, 1000u);
  // Bounded memory (external sort, 64 KB chunks): the same documents.
  PostsReaderOptions bounded = o;
  bounded.max_buffer_bytes = 64 << 10;
  PostsReader c(archive, bounded), d(archive, o);
  Batch bc, bd;
  size_t m = 0;
  while (d.next(bd)) {
    ASSERT_TRUE(c.next(bc));
    ASSERT_EQ(bc.docs.size(), bd.docs.size());
    for (size_t i = 0; i < bc.docs.size(); ++i, ++m) ASSERT_EQ(bc.docs[i].text, bd.docs[i].text) << m;
  }
  EXPECT_FALSE(c.next(bc));
  EXPECT_EQ(m, n);
}

TEST(StackExchangeCrossCheck, Coffee2015PostsXmlMatchesBeautifulSoupReference) {
  RPDATA_REQUIRE_REALDATA(real);
  fs::path xml = real / "stackexchange/coffee.stackexchange.com-2015-Posts.xml";
  ASSERT_TRUE(fs::exists(xml)) << xml << " missing";
  cross_check(xml, "coffee.stackexchange.com", 200);
}

}  // namespace
}  // namespace rpdata::sources::stackexchange
