#include <gtest/gtest.h>

#include "rpdata/io/json_writer.h"
#include "rpdata/io/jsonl_reader.h"
#include "test_support.h"

namespace rpdata::io {
namespace {
using test::TempDir;

std::vector<Document> read_all_docs(const std::filesystem::path& p, DropCounts& drops, JsonlReaderOptions o = {}) {
  o.id_prefix = p.filename().string();
  o.source = "c4";
  o.batch_docs = 2;  // several batches
  JsonlReader r(p, o);
  std::vector<Document> docs;
  Batch b;
  while (r.next(b)) {
    for (auto& d : b.docs) docs.push_back(std::move(d));
    for (auto& [k, v] : b.drops) drops[k] += v;
  }
  return docs;
}

TEST(JsonlReader, FieldsIdsAndCountedDrops) {
  TempDir dir;
  std::string lines =
      "{\"text\": \"a\", \"timestamp\": \"t\", \"url\": \"u\", \"n\": 5, \"x\": 0.5, \"ok\": true, \"z\": null}\n"
      "not json\n"
      "\n"
      "{\"url\": \"no text\"}\n"
      "{\"text\": \"bad \xff utf8\"}\n"
      "{\"text\": \"esc \\u00e9\\n\\ud83d\\ude42\"}\n"
      "{\"text\": \"last line without newline\"}";
  test::write_gz(dir / "in.json.gz", lines);
  DropCounts drops;
  auto docs = read_all_docs(dir / "in.json.gz", drops);
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(docs[0].id, "in.json.gz/0");
  EXPECT_EQ(docs[0].text, "a");
  EXPECT_EQ(docs[0].source, "c4");
  ASSERT_EQ(docs[0].meta.size(), 5u);  // null skipped
  EXPECT_EQ(docs[0].meta.entries()[0].first, "timestamp");
  EXPECT_EQ(std::get<int64_t>(*docs[0].meta.find("n")), 5);
  EXPECT_EQ(std::get<double>(*docs[0].meta.find("x")), 0.5);
  EXPECT_EQ(docs[1].id, "in.json.gz/5");
  EXPECT_EQ(docs[1].text, "esc \xc3\xa9\n\xf0\x9f\x99\x82");
  EXPECT_EQ(docs[2].id, "in.json.gz/6");
  EXPECT_EQ(drops["read:invalid_json"], 1);
  EXPECT_EQ(drops["read:empty_line"], 1);
  EXPECT_EQ(drops["read:missing_text"], 1);
  EXPECT_EQ(drops["read:invalid_utf8"], 1);
}

TEST(JsonlReader, HugeLineIsSkippedWithoutBufferingIt) {
  TempDir dir;
  std::string big = "{\"text\": \"" + std::string(3 << 20, 'x') + "\"}\n";
  test::write_all(dir / "big.jsonl", "{\"text\": \"before\"}\n" + big + big + "{\"text\": \"after\"}\n");
  DropCounts drops;
  JsonlReaderOptions o;
  o.max_line_bytes = 1 << 20;
  auto docs = read_all_docs(dir / "big.jsonl", drops, o);
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].text, "before");
  EXPECT_EQ(docs[1].text, "after");
  EXPECT_EQ(docs[1].id, "big.jsonl/3");
  EXPECT_EQ(drops["read:line_too_long"], 2);
}

TEST(JsonlReader, LinesAcrossBufferBoundaries) {
  TempDir dir;
  std::string data;
  for (int i = 0; i < 30000; ++i)
    data += "{\"text\": \"" + std::string(static_cast<size_t>(i % 997), 'a' + static_cast<char>(i % 26)) + "\"}\n";
  test::write_gz(dir / "many.gz", data);
  DropCounts drops;
  auto docs = read_all_docs(dir / "many.gz", drops);
  ASSERT_EQ(docs.size(), 30000u);
  for (int i = 0; i < 30000; i += 1237) EXPECT_EQ(docs[static_cast<size_t>(i)].text.size(), static_cast<size_t>(i % 997));
  EXPECT_TRUE(drops.empty());
}

}  // namespace
}  // namespace rpdata::io

namespace rpdata::io {
namespace {

// Intermediate (envelope) records between cross-unit stages must round-trip every meta value:
// GitHub's `language` array and nulls come back as the same JSON (json.dumps layout).
TEST(JsonlReader, NestedMetaRoundTripsAsJson) {
  test::TempDir dir;
  std::string line =
      "{\"text\": \"x\", \"_id\": \"u/0\", \"meta\": {\"language\": [{\"name\": \"C\", \"bytes\": \"12\"}], "
      "\"symlink_target\": null, \"o\": {\"k\": [1, 2.5, true, \"\\u00e9\"]}}}\n";
  test::write_all(dir / "e.jsonl", line);
  for (bool envelope : {true, false}) {
    JsonlReaderOptions o;
    o.envelope = envelope;
    DropCounts drops;
    auto docs = read_all_docs(dir / "e.jsonl", drops, o);
    ASSERT_EQ(docs.size(), 1u);
    std::string out;
    append_record(out, docs[0], JsonStyle::kPython, RecordLayout::kTextMeta);
    std::string want = envelope ? "{\"text\": \"x\", \"meta\": {\"language\": [{\"name\": \"C\", \"bytes\": \"12\"}], "
                                  "\"symlink_target\": null, \"o\": {\"k\": [1, 2.5, true, \"\\u00e9\"]}}}\n"
                                : "{\"text\": \"x\", \"meta\": {\"_id\": \"u/0\", \"language\": [{\"name\": \"C\", "
                                  "\"bytes\": \"12\"}], \"o\": {\"k\": [1, 2.5, true, \"\\u00e9\"]}}}\n";
    EXPECT_EQ(out, want) << envelope;
  }
}

}  // namespace
}  // namespace rpdata::io
