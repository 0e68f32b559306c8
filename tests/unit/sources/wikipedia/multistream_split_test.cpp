// A multistream dump cut into units by its index: the index parser (good and damaged lines),
// the range planning (bounds, offsets out of order or past the end, no stream at a cut), and
// the reader on each slice giving exactly the documents of reading the dump whole.
#include <bzlib.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"
#include "rpdata/sources/wikipedia/wikipedia.h"
#include "test_support.h"

namespace rpdata::sources::wikipedia {
namespace {
namespace fs = std::filesystem;
using test::TempDir;

struct Sample {
  fs::path dump, index;
};

// The bundled sample's layout: a header stream, groups of `per_stream` pages, a footer.
Sample write_dump(const TempDir& dir, int pages, int per_stream) {
  SampleOptions o;
  o.languages = {"en"};
  o.pages_per_language = pages;
  o.pages_per_stream = per_stream;
  auto names = write_sample(dir.path(), o);
  return {dir / names[0], dir / names[1]};
}

struct Read {
  std::vector<std::string> lines;  // "<id> <title> <text size>" per document
  DropCounts drops;
};

Read read(const fs::path& dump, const std::optional<InputSlice>& slice) {
  DumpReaderOptions o;
  o.id_prefix = dump.filename().string();
  o.slice = slice;
  DumpReader r(dump, o);
  Read out;
  Batch b;
  while (r.next(b)) {
    for (auto& d : b.docs)
      out.lines.push_back(d.id + " " + std::get<std::string>(*d.meta.find("title")) + " " + std::to_string(d.text.size()) +
                          " " + d.text);
    for (auto& [k, v] : b.drops) out.drops[k] += v;
  }
  return out;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return std::string(e.what()) + " @" + std::to_string(e.offset().value_or(0)) + " " + e.path();
  }
  return "no error";
}

TEST(MultistreamIndex, StreamsGroupLinesAndTitlesMayHoldColons) {
  IndexParser p("x-index.txt");
  p.add("600:10:Alpha\n600:11:Beta: the sequel\n9");
  p.add("00:12:Gamma\r\n1500:13:Delta");
  auto s = p.finish();
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].offset, 600u);
  EXPECT_EQ(s[0].pages, 2);
  EXPECT_EQ(s[1].offset, 900u);
  EXPECT_EQ(s[1].index_at, 37u);  // the byte where "900:12:Gamma" starts, across the two pieces
  EXPECT_EQ(s[2].pages, 1);
}

TEST(MultistreamIndex, DamagedLinesNameTheIndexLineAndOffset) {
  auto parse = [](const std::string& text) {
    return error_of([&] {
      IndexParser p("enwiki-index.txt");
      p.add(text);
      p.finish();
    });
  };
  EXPECT_NE(parse("600:10:A\ngarbage\n").find("line 2: not OFFSET:PAGEID:TITLE @9 enwiki-index.txt"), std::string::npos)
      << parse("600:10:A\ngarbage\n");
  EXPECT_NE(parse("60x:10:A\n").find("line 1: the stream offset is not a number @0"), std::string::npos);
  EXPECT_NE(parse("600:1a:A\n").find("the page id is not a number"), std::string::npos);
  std::string back = parse("600:10:A\n900:11:B\n700:12:C\n");
  EXPECT_NE(back.find("line 3: stream offset 700 comes after 900 (offsets must not decrease) @18"), std::string::npos)
      << back;
}

TEST(MultistreamIndex, CompanionNameFollowsTheDumpsName) {
  EXPECT_EQ(multistream_index_name("enwiki-20230320-pages-articles-multistream.xml.bz2"),
            "enwiki-20230320-pages-articles-multistream-index.txt.bz2");
  EXPECT_EQ(multistream_index_name("enwiki-20230320-pages-articles.xml.bz2"), "");
  EXPECT_EQ(multistream_index_name("ukwiki-20230501-pages-articles-multistream.excerpt.xml.bz2"), "");
}

TEST(MultistreamSplit, SlicesHoldWholeStreamsWithinTheBound) {
  // Streams at 100, 200, ..., 1000 of 100 bytes, 3 pages each; the header is bytes [0, 100).
  std::vector<IndexStream> streams;
  for (uint64_t k = 1; k <= 10; ++k) streams.push_back({k * 100, 3, k * 10});
  auto s = plan_slices("d.xml.bz2", streams, 250, "i", 0);
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[0].begin, 0u);  // header + stream 1
  EXPECT_EQ(s[0].end, 200u);
  EXPECT_EQ(s[1].begin, 200u);
  EXPECT_EQ(s[1].end, 400u);
  EXPECT_EQ(s[1].first_record, 3);
  EXPECT_EQ(s[1].records, 6);
  EXPECT_EQ(s[4].begin, 800u);
  EXPECT_EQ(s[4].end, 0u);  // the last runs to the end: the footer
  EXPECT_EQ(s[4].records, 9);
  int64_t total = 0;
  for (const auto& x : s) {
    total += x.records;
    EXPECT_EQ(x.of, "d.xml.bz2");
  }
  EXPECT_EQ(total, 30);
  // A stream larger than the bound is a unit of its own, but for the last (its size is not in
  // the index), which joins the one before; a bound above the dump: one slice.
  EXPECT_EQ(plan_slices("d", streams, 1, "i", 0).size(), 9u);
  EXPECT_EQ(plan_slices("d", streams, 1, "i", 0).back().begin, 900u);
  // Whether the dump is here or not, the cut is the same.
  auto here = plan_slices("d", streams, 250, "i", 100000);
  ASSERT_EQ(here.size(), s.size());
  for (size_t k = 0; k < s.size(); ++k) EXPECT_EQ(here[k].begin, s[k].begin);
  EXPECT_EQ(plan_slices("d", streams, 1 << 20, "i", 0).size(), 1u);
  // Pages in the header stream (an index starting at 0): not cut.
  EXPECT_TRUE(plan_slices("d", {{0, 3, 0}, {100, 3, 10}}, 1, "i", 0).empty());
}

TEST(MultistreamSplit, OffsetPastTheDumpsEndNamesIndexAndOffset) {
  std::vector<IndexStream> streams = {{100, 1, 0}, {200, 1, 10}, {5000, 1, 20}};
  std::string e = error_of([&] { plan_slices("d.xml.bz2", streams, 150, "d-index.txt.bz2", 4000); });
  EXPECT_NE(e.find("stream offset 5000 is past the end of d.xml.bz2 (4000 bytes) @20 d-index.txt.bz2"),
            std::string::npos)
      << e;
}

TEST(MultistreamSplit, ACutWhereNoStreamStartsIsAnError) {
  TempDir dir;
  Sample s = write_dump(dir, 40, 10);
  auto streams = read_multistream_index(s.index);
  ASSERT_EQ(streams.size(), 4u);
  streams[2].offset += 1;  // off by one: inside stream 2's magic
  std::string e = error_of([&] { plan_slices("d", streams, 1, s.index.string(), fs::file_size(s.dump), s.dump); });
  EXPECT_NE(e.find("no bz2 stream starts at byte " + std::to_string(streams[2].offset)), std::string::npos) << e;
}

TEST(MultistreamSplit, SlicesReadInOrderEqualTheWholeDump) {
  TempDir dir;
  Sample s = write_dump(dir, 47, 5);  // 10 page streams, the last one short
  Read whole = read(s.dump, std::nullopt);
  ASSERT_EQ(whole.lines.size(), 45u);
  auto streams = read_multistream_index(s.index);
  ASSERT_EQ(streams.size(), 10u);
  for (uint64_t bound : {uint64_t{1}, uint64_t{3000}, uint64_t{9000}}) {
    UnitSplitter splitter = dump_splitter(bound);
    auto slices = splitter.split(s.dump.filename().string(), s.index, s.dump);
    ASSERT_GE(slices.size(), 2u) << bound;
    Read joined;
    for (const auto& sl : slices) {
      Read part = read(s.dump, sl);
      joined.lines.insert(joined.lines.end(), part.lines.begin(), part.lines.end());
      for (auto& [k, v] : part.drops) joined.drops[k] += v;
    }
    EXPECT_EQ(joined.lines, whole.lines) << bound;
    EXPECT_EQ(joined.drops, whole.drops) << bound;
  }
}

TEST(MultistreamSplit, AnIndexThatMiscountsPagesFailsTheSlice) {
  TempDir dir;
  Sample s = write_dump(dir, 40, 10);
  auto slices = plan_slices(s.dump.filename().string(), read_multistream_index(s.index), 1, "i");
  ASSERT_EQ(slices.size(), 3u);  // streams 1, 2, then 3 and 4 (the last joins)
  InputSlice wrong = slices[1];
  wrong.records += 1;
  std::string e = error_of([&] { read(s.dump, wrong); });
  EXPECT_NE(e.find("the multistream index lists 11 pages in bytes [" + std::to_string(wrong.begin) + ", " +
                   std::to_string(wrong.end) + ") of the dump, which holds 10 there"),
            std::string::npos)
      << e;
  // A range that ends inside a stream.
  InputSlice cut = slices[1];
  cut.end -= 5;
  e = error_of([&] { read(s.dump, cut); });
  EXPECT_NE(e.find("the byte range ends inside a bzip2 stream"), std::string::npos) << e;
  // A range past the end of the file.
  InputSlice past = slices[1];
  past.begin = fs::file_size(s.dump) + 10;
  past.end = 0;
  e = error_of([&] { read(s.dump, past); });
  EXPECT_NE(e.find("past the end of the file"), std::string::npos) << e;
}

TEST(MultistreamSplit, ADamagedIndexFileIsAnInputErrorNamingIt) {
  TempDir dir;
  Sample s = write_dump(dir, 20, 10);
  fs::path bad = dir / "bad-index.txt";
  io::write_file_atomic(bad, "600:10:A\nnot a line\n");
  UnitSplitter splitter = dump_splitter(1);
  std::string e = error_of([&] { splitter.split("d", bad, s.dump); });
  EXPECT_NE(e.find("line 2: not OFFSET:PAGEID:TITLE @9 " + bad.string()), std::string::npos) << e;
}

}  // namespace
}  // namespace rpdata::sources::wikipedia
