#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rpdata/core/error.h"
#include "rpdata/dedup/simhash.h"
#include "rpdata/sources/books/books.h"
#include "test_support.h"

namespace rpdata::sources::books {
namespace {
namespace fs = std::filesystem;

std::vector<Document> read_all_docs(const std::vector<fs::path>& parts, BookReaderOptions opt, DropCounts* drops = nullptr) {
  opt.id_prefix = "u";
  opt.source = "books";
  auto reader = make_book_reader(parts, opt);
  std::vector<Document> docs;
  Batch batch;
  while (reader->next(batch)) {
    for (auto& d : batch.docs) docs.push_back(std::move(d));
    if (drops)
      for (const auto& [k, v] : batch.drops) (*drops)[k] += v;
  }
  return docs;
}

std::string meta_str(const Document& d, const char* key) {
  const MetaValue* v = d.meta.find(key);
  return v && std::holds_alternative<std::string>(*v) ? std::get<std::string>(*v) : "<missing>";
}

TEST(Pg19Metadata, PythonCsvQuoting) {
  int64_t skipped = -1;
  auto m = parse_pg19_metadata(
      "1,Plain by A,1900,http://x/1\n"
      "2,\"Comma, Title\" by \"\"B\"\",1901,http://x/2\r\n"
      "3,\"Two\nLines\",1902,http://x/3\n"
      "4,too few\n"
      "5,Bad year,19x0,http://x/5\n"
      "1,Replaced by A,1903,http://x/1b",
      &skipped);
  EXPECT_EQ(skipped, 2);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m["1"].short_book_title, "Replaced by A");  // dict: the last row wins
  EXPECT_EQ(m["1"].publication_date, 1903);
  EXPECT_EQ(m["2"].short_book_title, "Comma, Title by \"\"B\"\"");  // quotes after a closing quote are literal
  EXPECT_EQ(m["3"].short_book_title, "Two\nLines");
  EXPECT_EQ(m["3"].url, "http://x/3");
}

TEST(Pg19Metadata, RealTableHasEveryRow) {
  RPDATA_REQUIRE_REALDATA(realdata);
  int64_t skipped = -1;
  auto m = parse_pg19_metadata(test::read_all(realdata / "books/pg19-metadata.csv"), &skipped);
  EXPECT_EQ(m.size(), 28752u);  // SOURCES.md: 28752 rows
  EXPECT_EQ(skipped, 0);
  EXPECT_EQ(m["1342"].short_book_title, "Pride and Prejudice by Jane Austen");
  EXPECT_EQ(m["1342"].publication_date, 1813);
  EXPECT_EQ(m["1342"].url, "http://www.gutenberg.org/ebooks/1342");
}

TEST(BookNames, Pg19IdAndBooks3Title) {
  EXPECT_EQ(pg19_book_id("train/10001.txt"), "10001");
  EXPECT_EQ(pg19_book_id("pg11-alice-11-0.txt"), "11");
  EXPECT_EQ(pg19_book_id("alice.txt"), "");
  EXPECT_EQ(books3_title("the-eye.eu/public/Books/Bibliotik/A/A Tale.of Two.epub.txt"), "A Tale");
}

TEST(BookReader, Pg19MetaNewlinesAndBadInput) {
  test::TempDir dir;
  test::write_all(dir / "metadata.csv", "7,Seven by S,1888,http://www.gutenberg.org/ebooks/7\n");
  test::write_all(dir / "7.txt", "Line one\r\nline two\rline three\n");
  test::write_all(dir / "8.txt", "no metadata row");
  test::write_all(dir / "9.txt", std::string("bad \xc3\x28 utf8"));
  test::write_all(dir / "10.txt", "");
  test::write_all(dir / "11.txt", std::string(2000, 'x'));
  DropCounts drops;
  BookReaderOptions opt;
  opt.max_book_bytes = 1000;
  opt.keep_empty_books = false;
  auto docs = read_all_docs({dir / "metadata.csv", dir / "7.txt", dir / "8.txt", dir / "9.txt", dir / "10.txt",
                             dir / "11.txt"},
                            opt, &drops);
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].id, "u/0");
  EXPECT_EQ(docs[0].text, "Line one\nline two\nline three\n");  // universal newlines
  ASSERT_EQ(docs[0].meta.size(), 3u);
  EXPECT_EQ(docs[0].meta.entries()[0].first, "short_book_title");
  EXPECT_EQ(docs[0].meta.entries()[1].first, "publication_date");
  EXPECT_EQ(docs[0].meta.entries()[2].first, "url");
  EXPECT_EQ(meta_str(docs[0], "short_book_title"), "Seven by S");
  EXPECT_EQ(std::get<int64_t>(*docs[0].meta.find("publication_date")), 1888);
  EXPECT_EQ(meta_str(docs[1], "short_book_title"), "8");  // no row: the file stem
  EXPECT_EQ(drops["read:empty_book"], 1);  // nothing to publish
  EXPECT_EQ(drops["read:invalid_utf8"], 1);
  EXPECT_EQ(drops["read:book_too_large"], 1);
  opt.require_metadata = true;
  drops.clear();
  docs = read_all_docs({dir / "metadata.csv", dir / "7.txt", dir / "8.txt"}, opt, &drops);
  EXPECT_EQ(docs.size(), 1u);
  EXPECT_EQ(drops["read:no_metadata"], 1);
}

// An empty book file is an empty record, as the HF loaders gave RedPajama; keep_empty_books =
// false makes it a counted drop.
TEST(BookReader, EmptyBookFileIsAnEmptyRecordOrACountedDrop) {
  test::TempDir dir;
  test::write_all(dir / "a.epub.txt", "");
  test::write_all(dir / "b.epub.txt", "text");
  BookReaderOptions opt;
  opt.kind = BookKind::kBooks3;
  DropCounts drops;
  auto docs = read_all_docs({dir / "a.epub.txt", dir / "b.epub.txt"}, opt, &drops);
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].id, "u/0");
  EXPECT_EQ(docs[0].text, "");
  EXPECT_TRUE(drops.empty());
  opt.keep_empty_books = false;
  drops.clear();
  docs = read_all_docs({dir / "a.epub.txt", dir / "b.epub.txt"}, opt, &drops);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].id, "u/1");  // ids keep the book position
  EXPECT_EQ(docs[0].text, "text");
  EXPECT_EQ(drops["read:empty_book"], 1);
}

TEST(BookReader, Books3TitleAndRawBytes) {
  test::TempDir dir;
  test::write_all(dir / "My Book.epub.txt", "a\r\nb");
  BookReaderOptions opt;
  opt.kind = BookKind::kBooks3;
  opt.universal_newlines = false;
  opt.suffix = ".epub.txt";
  test::write_all(dir / "README", "not a book");
  DropCounts drops;
  auto docs = read_all_docs({dir / "My Book.epub.txt", dir / "README"}, opt, &drops);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(drops["read:skipped_file"], 1);
  EXPECT_EQ(docs[0].text, "a\r\nb");
  ASSERT_EQ(docs[0].meta.size(), 1u);
  EXPECT_EQ(meta_str(docs[0], "title"), "My Book");
}

TEST(BookReader, HundredMegabyteBook) {
  test::TempDir dir;
  std::string text;
  text.reserve(100u << 20);
  const std::string para = "It was the best of times, it was the worst of times; café au lait.\n";
  while (text.size() < (100u << 20)) text += para;
  test::write_all(dir / "1.txt", text);
  auto docs = read_all_docs({dir / "1.txt"}, {});
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].text.size(), text.size());
  BookSimhashStep step(test::step_params("book_simhash"));
  Batch b;
  b.docs.push_back(std::move(docs[0]));
  step.process(b);
  // A book of one repeated paragraph hashes like the paragraph repeated a few times.
  EXPECT_LE(dedup::hamming_distance(dedup::parse_simhash_hex(meta_str(b.docs[0], "simhash")),
                                    dedup::book_simhash(para + para + para + para)),
            dedup::kSimhashMaxDistance);
}

TEST(PgStripLicense, MarkerSpellings) {
  bool found = false;
  EXPECT_EQ(strip_gutenberg_license("header\n*** START OF THIS PROJECT GUTENBERG EBOOK X ***\n\n\nBody\nmore\n\n"
                                    "End of Project Gutenberg's X\n*** END OF THIS PROJECT GUTENBERG EBOOK X ***\nlicense\n",
                                    &found),
            "Body\nmore");
  EXPECT_TRUE(found);
  EXPECT_EQ(strip_gutenberg_license("h\r\n***START OF THE PROJECT GUTENBERG EBOOK Y***\r\nBody\r\n\r\n"
                                    "***END OF THE PROJECT GUTENBERG EBOOK Y***\r\n"),
            "Body");
  EXPECT_EQ(strip_gutenberg_license("*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*\nText\n"
                                    "End of the Project Gutenberg EBook of Z\n"),
            "Text");
  EXPECT_EQ(strip_gutenberg_license("*** START OF THE COPYRIGHTED PROJECT GUTENBERG EBOOK W ***\nOnly body, no end\n"),
            "Only body, no end");
  EXPECT_EQ(strip_gutenberg_license("No markers at all.\n", &found), "No markers at all.\n");
  EXPECT_FALSE(found);
  // "*** START: FULL LICENSE ***" is not a start marker.
  EXPECT_EQ(strip_gutenberg_license("a\n*** START: FULL LICENSE ***\nb\n", &found), "a\n*** START: FULL LICENSE ***\nb\n");
  EXPECT_FALSE(found);
}

TEST(PgStripLicense, RealBooksWithAndWithoutHeaders) {
  RPDATA_REQUIRE_REALDATA(realdata);
  for (const char* name : {"pg972-devils-dictionary-with-pg-header.txt", "pg3261-news-from-nowhere-with-pg-header.txt"}) {
    std::string raw = test::read_all(realdata / "books" / name);
    bool found = false;
    std::string body = strip_gutenberg_license(raw, &found);
    EXPECT_TRUE(found) << name;
    EXPECT_LT(body.size(), raw.size() - 10000) << name;  // header and the ~18 KB license are gone
    EXPECT_EQ(body.find("Project Gutenberg-tm"), std::string::npos) << name;
    EXPECT_EQ(body.find("START OF TH"), std::string::npos) << name;
    EXPECT_EQ(body.find("END OF TH"), std::string::npos) << name;
    EXPECT_NE(body.front(), '\r');
    EXPECT_NE(body.back(), '\n');
  }
  std::string dict = strip_gutenberg_license(test::read_all(realdata / "books/pg972-devils-dictionary-with-pg-header.txt"));
  EXPECT_EQ(dict.rfind("Produced by Aloysius", 0), 0u);
  for (const char* name : {"pg11-alice-11-0.txt", "pg1342-pride-and-prejudice-1342-0.txt"}) {
    std::string raw = test::read_all(realdata / "books" / name);
    bool found = true;
    EXPECT_EQ(strip_gutenberg_license(raw, &found), raw) << name;  // already PG-19 form
    EXPECT_FALSE(found) << name;
  }
}

TEST(BooksSample, DeterministicWithNearDuplicatePair) {
  test::TempDir a, b;
  auto names = write_sample(a.path());
  EXPECT_EQ(write_sample(b.path()), names);
  ASSERT_EQ(names.size(), 25u);
  for (const auto& n : names) EXPECT_EQ(test::read_all(a / n), test::read_all(b / n)) << n;
  auto meta = parse_pg19_metadata(test::read_all(a / "deepmind-gutenberg/metadata.csv"));
  EXPECT_EQ(meta.size(), 24u);
  EXPECT_NE(test::read_all(a / names[1]), test::read_all(a / names[2]));
  // Books 1 and 2 (ids 10037, 10074) are the one near-duplicate pair; every other pair is far.
  std::vector<uint64_t> sig;
  for (size_t i = 0; i + 1 < names.size(); ++i) sig.push_back(dedup::book_simhash(test::read_all(a / names[i])));
  for (size_t i = 0; i < sig.size(); ++i)
    for (size_t j = i + 1; j < sig.size(); ++j) {
      int d = dedup::hamming_distance(sig[i], sig[j]);
      if (i == 1 && j == 2) EXPECT_LE(d, dedup::kSimhashMaxDistance);
      else EXPECT_GT(d, dedup::kSimhashMaxDistance) << names[i] << " vs " << names[j];
    }
}

}  // namespace
}  // namespace rpdata::sources::books
