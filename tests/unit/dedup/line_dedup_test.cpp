#include "rpdata/dedup/line_dedup.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <sstream>

#include <string>
#include <vector>

#include "test_support.h"

namespace rpdata::dedup {
namespace {

// Hashes pinned with Python: struct.unpack('<Q', sha1(normalize_for_dedup(s)).digest()[:8]).
TEST(LineHasher, PinnedHashes) {
  LineHasher h;
  EXPECT_EQ(h.hash(""), 0x0d4b6b5eeea339daULL);  // SHA-1("") = da39a3ee5e6b4b0d...
  EXPECT_EQ(h.hash("   \t"), 0x0d4b6b5eeea339daULL);
  EXPECT_EQ(h.hash("Hello World"), 0xb4cf4fc9356cae2aULL);
  EXPECT_EQ(h.hash("  hello world 123 "), 0xa7082d8076e5c5deULL);
  EXPECT_EQ(h.hash("hello world 000"), 0xa7082d8076e5c5deULL);
  EXPECT_EQ(h.hash("０２３´∶：\x10 | ;012 hèllo"), 0x20c2fe4ae4b56350ULL);
}

TEST(LineHasher, OneHashPerSplitLine) {
  LineHasher h;
  std::vector<uint64_t> v;
  h.hash_document("a\n\nb\n", v);
  ASSERT_EQ(v.size(), 4u);  // Python "a\n\nb\n".split("\n") has 4 elements
  EXPECT_EQ(v[1], v[3]);
  EXPECT_EQ(v[0], h.hash("A"));
}

struct Doc {
  std::string text;
  std::vector<uint64_t> hashes;
};

std::vector<Doc> make_docs(const std::vector<std::string>& texts) {
  LineHasher h;
  std::vector<Doc> docs;
  for (const auto& t : texts) {
    Doc d{t, {}};
    h.hash_document(t, d.hashes);
    docs.push_back(std::move(d));
  }
  return docs;
}

HashGroup pass1(const std::vector<Doc>& docs) {
  HashGroup g;
  for (const auto& d : docs) g.add_document(d.hashes);
  return g;
}

TEST(HashGroup, RepeatsInsideOneDocumentDoNotFlag) {
  auto docs = make_docs({"same\nsame\nsame"});
  HashGroup g = pass1(docs);
  EXPECT_EQ(g.size(), 1u);
  EXPECT_TRUE(g.contains(docs[0].hashes[0]));
  EXPECT_FALSE(g.flagged(docs[0].hashes[0]));
  auto r = dedup_document(docs[0].text, docs[0].hashes, g);
  ASSERT_TRUE(r.keep);
  EXPECT_EQ(r.text, "same");  // first occurrence only
  EXPECT_EQ(r.line_ids, (std::vector<uint32_t>{0}));
  EXPECT_EQ(r.original_nlines, 3u);
  EXPECT_EQ(r.original_length, 14u);
  EXPECT_EQ(r.nlines, 1u);
  EXPECT_EQ(r.length, 4u);
}

TEST(HashGroup, LineInTwoDocumentsIsRemovedEverywhereIncludingTheFirst) {
  auto docs = make_docs({"Shared line\nonly in A", "unique to B\n  SHARED LINE  \nb2", "c"});
  HashGroup g = pass1(docs);
  EXPECT_TRUE(g.flagged(docs[0].hashes[0]));
  EXPECT_FALSE(g.flagged(docs[0].hashes[1]));
  auto a = dedup_document(docs[0].text, docs[0].hashes, g);
  ASSERT_TRUE(a.keep);
  EXPECT_EQ(a.text, "only in A");
  EXPECT_EQ(a.line_ids, (std::vector<uint32_t>{1}));
  auto b = dedup_document(docs[1].text, docs[1].hashes, g);
  ASSERT_TRUE(b.keep);
  EXPECT_EQ(b.text, "unique to B\nb2");
  EXPECT_EQ(b.line_ids, (std::vector<uint32_t>{0, 2}));
  EXPECT_EQ(b.original_nlines, 3u);
  EXPECT_EQ(b.nlines, 2u);
}

TEST(HashGroup, DigitsAndPunctuationNormaliseToTheSameLine) {
  auto docs = make_docs({"Price: 12 EUR\nx", "price: 99 eur…\ny"});
  HashGroup g = pass1(docs);
  EXPECT_EQ(dedup_document(docs[0].text, docs[0].hashes, g).text, "x");
  EXPECT_EQ(dedup_document(docs[1].text, docs[1].hashes, g).text, "y");
}

TEST(HashGroup, DocumentWithOnlyFlaggedLinesIsDropped) {
  auto docs = make_docs({"menu\nfooter", "menu\nfooter\nreal text"});
  HashGroup g = pass1(docs);
  auto a = dedup_document(docs[0].text, docs[0].hashes, g);
  EXPECT_FALSE(a.keep);
  auto b = dedup_document(docs[1].text, docs[1].hashes, g);
  ASSERT_TRUE(b.keep);
  EXPECT_EQ(b.text, "real text");
  EXPECT_EQ(b.line_ids, (std::vector<uint32_t>{2}));
}

TEST(HashGroup, EmptyLinesAreOneHashAndDedupLikeOthers) {
  // Two docs both have an empty line: SHA-1("") is flagged, so empty lines vanish from both.
  auto docs = make_docs({"a\n\nb", "c\n\n\nd"});
  HashGroup g = pass1(docs);
  EXPECT_EQ(dedup_document(docs[0].text, docs[0].hashes, g).text, "a\nb");
  auto r = dedup_document(docs[1].text, docs[1].hashes, g);
  EXPECT_EQ(r.text, "c\nd");
  EXPECT_EQ(r.line_ids, (std::vector<uint32_t>{0, 3}));
  // Only one doc with blank lines: the first blank line stays, later ones are in-doc repeats.
  auto solo = make_docs({"a\n\n\nb"});
  HashGroup g2 = pass1(solo);
  EXPECT_EQ(dedup_document(solo[0].text, solo[0].hashes, g2).line_ids, (std::vector<uint32_t>{0, 1, 3}));
}

TEST(HashGroup, EmptyTextIsDropped) {
  HashGroup g;
  std::vector<uint64_t> none;
  EXPECT_FALSE(dedup_document("", none, g).keep);
}

TEST(HashGroup, LengthsAreCodePoints) {
  auto docs = make_docs({"héllo\nwörld"});
  HashGroup g = pass1(docs);
  auto r = dedup_document(docs[0].text, docs[0].hashes, g);
  EXPECT_EQ(r.original_length, 11u);
  EXPECT_EQ(r.length, 11u);
}

TEST(HashGroup, HashZeroIsStoredOutsideTheTableAndDroppedInPass2) {
  HashGroup g;
  std::vector<uint64_t> a{0, 5}, b{0, 7};
  g.add_document(a);
  EXPECT_TRUE(g.contains(0));
  EXPECT_FALSE(g.flagged(0));
  g.add_document(b);
  EXPECT_TRUE(g.flagged(0));
  EXPECT_EQ(g.size(), 2u);  // 5 and 7; 0 is outside
  HashGroup solo;
  std::vector<uint64_t> c{0, 9};
  solo.add_document(c);
  auto r = dedup_document("x\ny", c, solo);  // unflagged but hash 0: cc_net still drops it
  EXPECT_EQ(r.line_ids, (std::vector<uint32_t>{1}));
}

TEST(HashGroup, MergeFlagsHashesPresentInBothShards) {
  // cc_net merge(): flag = present already OR flagged in the other file.
  HashGroup s1, s2, s3;
  std::vector<uint64_t> d1{11, 12}, d2{11, 13}, d3{14}, d4{14};
  s1.add_document(d1);
  s2.add_document(d2);
  s3.add_document(d3);
  s3.add_document(d4);
  HashGroup group;
  group.merge(s1);
  group.merge(s2);
  group.merge(s3);
  EXPECT_TRUE(group.flagged(11));  // once in each shard
  EXPECT_FALSE(group.flagged(12));
  EXPECT_FALSE(group.flagged(13));
  EXPECT_TRUE(group.flagged(14));  // twice inside shard 3
  auto items = group.sorted_items();
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items.front().first, 11u);
}

TEST(HashGroup, GrowsPastReservationAndKeepsEveryFlag) {
  HashGroup g(4);
  size_t cap0 = g.capacity();
  std::vector<uint64_t> doc;
  for (uint64_t i = 1; i <= 10000; ++i) doc.push_back(i * 0x100000001ULL);
  g.add_document(doc);
  g.add_document(std::span<const uint64_t>(doc).first(100));
  EXPECT_GT(g.capacity(), cap0);
  EXPECT_EQ(g.size(), 10000u);
  for (size_t i = 0; i < doc.size(); ++i) EXPECT_EQ(g.flagged(doc[i]), i < 100) << i;
}

TEST(HashGroup, MemoryBudget) {
  EXPECT_EQ(HashGroup::kBytesPerSlot, 9u);
  // 1M lines: 1M / 0.75 -> 2^21 slots * 9 bytes = 18 MiB (18.9 bytes per line).
  EXPECT_EQ(HashGroup::capacity_for(1000000), size_t{1} << 21);
  EXPECT_EQ(HashGroup::memory_for(1000000), (uint64_t{1} << 21) * 9);
  EXPECT_TRUE(HashGroup::fits(1000000, 18u << 20));
  EXPECT_FALSE(HashGroup::fits(1000000, (18u << 20) - 1));
  HashGroup g(1000000);
  EXPECT_EQ(g.memory_bytes(), HashGroup::memory_for(1000000));
}

// The 1000 real C4 records plus, as 200 more documents, every other line of the first 200
// records (so those lines occur in two documents). Totals pinned from an independent Python
// run of cc_net's semantics (hashlib.sha1 over the Python normaliser, dict as hash set).
TEST(HashGroup, RealC4GroupMatchesPythonCcnetSemantics) {
  RPDATA_REQUIRE_REALDATA(real);
  simdjson::dom::parser parser;
  std::ifstream c4(real / "c4/c4-train.00000-of-01024.first1000.reserialized.jsonl");
  std::vector<std::string> texts;
  std::string json;
  while (std::getline(c4, json))
    texts.emplace_back(parser.parse(json).get_object()["text"].get_string().value());
  ASSERT_EQ(texts.size(), 1000u);
  for (size_t d = 0; d < 200; ++d) {
    std::string half, line;
    std::istringstream in(texts[d]);
    for (size_t i = 0; std::getline(in, line); ++i)
      if (i % 2 == 0) half += (half.empty() ? "" : "\n") + line;
    texts.push_back(half);
  }
  auto docs = make_docs(texts);
  HashGroup g(10000);
  size_t total_lines = 0;
  for (const auto& d : docs) {
    g.add_document(d.hashes);
    total_lines += d.hashes.size();
  }
  EXPECT_EQ(total_lines, 9572u);
  EXPECT_EQ(g.size(), 8702u);
  size_t flagged = 0;
  for (const auto& [h, f] : g.sorted_items()) flagged += f;
  EXPECT_EQ(flagged, 865u);
  uint64_t kept_docs = 0, kept_lines = 0, kept_length = 0, line_id_sum = 0;
  for (const auto& d : docs) {
    auto r = dedup_document(d.text, d.hashes, g);
    if (!r.keep) continue;
    ++kept_docs;
    kept_lines += r.nlines;
    kept_length += r.length;
    for (auto id : r.line_ids) line_id_sum += id;
  }
  EXPECT_EQ(kept_docs, 976u);
  EXPECT_EQ(kept_lines, 7837u);
  EXPECT_EQ(kept_length, 1974378u);
  EXPECT_EQ(line_id_sum, 118557u);
}

}  // namespace
}  // namespace rpdata::dedup
