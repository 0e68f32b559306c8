#include "rpdata/text/utf8.h"
#include "rpdata/tokenize/neox_bpe.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "rpdata/core/error.h"
#include "test_support.h"
#include "tokenize/bpe.h"

namespace rpdata::tokenize {
namespace {
namespace fs = std::filesystem;
using test::TempDir;

fs::path neox_json(const fs::path& real) {
  return real / "models" / "gpt-neox-20b" / "20B_tokenizer.json";
}

std::shared_ptr<const TokenizerModel> neox(const fs::path& real) {
  static std::shared_ptr<const TokenizerModel> model = load_hf_bpe(neox_json(real));
  return model;
}

std::vector<int32_t> encode(Tokenizer& t, std::string_view text) {
  std::vector<int32_t> ids;
  t.encode(text, ids);
  return ids;
}

struct Case {
  std::string id, text;
  int64_t count;
  std::vector<int32_t> ids;
};

std::vector<Case> reference_cases(const fs::path& real) {
  std::vector<Case> out;
  std::istringstream in(test::read_all(real / "reference" / "tokenization_cases.jsonl"));
  simdjson::dom::parser parser;
  for (std::string line; std::getline(in, line);) {
    simdjson::dom::element e = parser.parse(line);
    Case c{std::string(e["id"].get_string().value()), std::string(e["text"].get_string().value()),
           e["neox_count"].get_int64().value(), {}};
    simdjson::dom::array ids = e["neox_ids"].get_array().value();
    for (auto id : ids) {
      c.ids.push_back(static_cast<int32_t>(id.get_int64().value()));
    }
    out.push_back(std::move(c));
  }
  return out;
}

// The 44 cases of reference/tokenization_cases.jsonl (HF tokenizers 0.22.2 via the npm
// bindings): exact ids and counts, from a fresh tokenizer and again with warm caches.
TEST(NeoxBpe, ReferenceCases) {
  RPDATA_REQUIRE_REALDATA(real);
  auto model = neox(real);
  EXPECT_EQ(model->name(), "neox");
  const auto cases = reference_cases(real);
  ASSERT_EQ(cases.size(), 44u);
  auto warm = model->make_tokenizer();
  for (int pass = 0; pass < 2; ++pass) {
    for (const Case& c : cases) {
      auto fresh = model->make_tokenizer();
      Tokenizer& t = pass == 0 ? *fresh : *warm;
      EXPECT_EQ(encode(t, c.text), c.ids) << c.id;
      EXPECT_EQ(t.count(c.text), c.count) << c.id;
      EXPECT_EQ(static_cast<int64_t>(c.ids.size()), c.count) << c.id;
    }
  }
}

TEST(NeoxBpe, AddedTokensAndWhitespaceRuns) {
  RPDATA_REQUIRE_REALDATA(real);
  auto t = neox(real)->make_tokenizer();
  // '  ' is added token 50276, '   ' 50275, 24 spaces 50254; a single space stays with BPE.
  EXPECT_EQ(encode(*t, "  "), (std::vector<int32_t>{50276}));
  EXPECT_EQ(encode(*t, "   "), (std::vector<int32_t>{50275}));
  EXPECT_EQ(encode(*t, std::string(24, ' ')), (std::vector<int32_t>{50254}));
  // 25 spaces: leftmost-longest takes 24, the 25th is an ordinary space.
  auto ids = encode(*t, std::string(25, ' ') + "x");
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[0], 50254);
  EXPECT_EQ(ids, (std::vector<int32_t>{50254, encode(*t, " x")[0]}));
  // Special tokens are cut out of raw text, glued or not.
  EXPECT_EQ(encode(*t, "<|endoftext|><|padding|>"), (std::vector<int32_t>{0, 1}));
  EXPECT_EQ(encode(*t, "a<|endoftext|>b").size(), 3u);
  EXPECT_EQ(encode(*t, "<|endoftext|")[0], encode(*t, "<|")[0]);
  EXPECT_EQ(t->count(""), 0);
}

// The added-token scan looks for the runs' two-space prefix 16 bytes at a time: a run is
// found wherever it falls relative to those blocks, and a lone space never matches.
TEST(NeoxBpe, WhitespaceRunsAtEveryOffsetOfALongText) {
  RPDATA_REQUIRE_REALDATA(real);
  auto t = neox(real)->make_tokenizer();
  for (size_t at = 0; at < 40; ++at) {
    const std::string text = std::string(at, 'x') + "  y" + std::string(40 - at, 'z') + " w";
    const auto ids = encode(*t, text);
    EXPECT_EQ(std::count(ids.begin(), ids.end(), 50276), 1) << at;
    EXPECT_EQ(t->count(text), static_cast<int64_t>(ids.size())) << at;
  }
}

// Text that is already NFC passes as is; text that is not is normalised before counting,
// whether the character composes (e + U+0301), is a singleton (U+2000 -> U+2002) or needs
// reordering, and wherever it falls among ASCII and other non-ASCII characters.
TEST(NeoxBpe, NfcAppliedOnlyWhereTextIsNotNormalised) {
  RPDATA_REQUIRE_REALDATA(real);
  auto t = neox(real)->make_tokenizer();
  const std::string pad = "caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d \xe4\xb8\xad\xe6\x96\x87 ";
  const std::pair<std::string, std::string> same[] = {
      {"e\xcc\x81", "\xc3\xa9"},                          // e + combining acute -> e acute
      {"\xe2\x80\x80", "\xe2\x80\x82"},                 // EN QUAD -> EN SPACE
      {"a\xcc\xa3\xcc\x81", "a\xcc\x81\xcc\xa3"},   // both orders -> one NFC form
      {"\xe1\x84\x80\xe1\x85\xa1", "\xea\xb0\x80"}}; // Hangul jamo -> syllable
  for (const auto& [raw, nfc] : same)
    for (const std::string& prefix : {std::string(), pad, pad + pad + "0123456789abcdef"}) {
      EXPECT_EQ(encode(*t, prefix + raw + " x"), encode(*t, prefix + nfc + " x")) << prefix + raw;
      EXPECT_EQ(t->count(prefix + raw + " x"), t->count(prefix + nfc + " x")) << prefix + raw;
    }
}

// Callers never pass ill-formed UTF-8, but it must not crash or break count == encode.
TEST(NeoxBpe, IllFormedUtf8IsHarmless) {
  RPDATA_REQUIRE_REALDATA(real);
  auto t = neox(real)->make_tokenizer();
  for (std::string s : {std::string("a\xff b\xc3"), std::string("\xe2\x82 x\xf0\x9f\x98"),
                        std::string("\xed\xa0\x80 \xc0\xaf<|endoftext|>\xfe"),
                        std::string("caf\xc3\xa9\xcc\x81\x80\x80 e\xcc\x81")}) {
    EXPECT_EQ(t->count(s), static_cast<int64_t>(encode(*t, s).size())) << s;
  }
}

TEST(NeoxBpe, CountEqualsEncodeAcrossCacheResets) {
  RPDATA_REQUIRE_REALDATA(real);
  auto model = neox(real);
  auto t = model->make_tokenizer();
  std::mt19937 rng(7);
  const char* words[] = {"the", " the", " quick", " brown", "fox", " jumps", "\n", "  ",
                         " über", " naïve", "'s", " 123", " 4567", "!!", " <|endoftext|>"};
  // ~180k distinct words: more than the count cache holds (98k), so it is emptied.
  for (int round = 0; round < 3; ++round) {
    std::string text;
    for (int i = 0; i < 60000; ++i) {
      text += words[rng() % std::size(words)];
      text += " w" + std::to_string(rng() % 1000000);
    }
    auto fresh = model->make_tokenizer();
    EXPECT_EQ(t->count(text), static_cast<int64_t>(encode(*fresh, text).size()));
    EXPECT_EQ(fresh->count(text), t->count(text));
  }
}

TEST(NeoxBpe, ScanAndHeapMergesAgree) {
  // merge_scan (short words) and merge_heap (long words, HF's algorithm) on a toy table
  // whose ranks make the order of merges matter.
  int32_t byte_ids[256];
  for (int b = 0; b < 256; ++b) byte_ids[b] = b;
  detail::BpeMerges m(byte_ids);
  // A toy merge table: ab=256 (rank 0), bc=257 (rank 1), (256,c)=258 (rank 2), aa=259 (3),
  // (259,259)=260 (4), (256,256)=261 (5).
  m.add('a', 'b', 256, 0);
  m.add('b', 'c', 257, 1);
  m.add(256, 'c', 258, 2);
  m.add('a', 'a', 259, 3);
  m.add(259, 259, 260, 4);
  m.add(256, 256, 261, 5);
  m.finish();
  std::mt19937 rng(11);
  for (int i = 0; i < 5000; ++i) {
    std::vector<int32_t> word(1 + rng() % 200);
    for (auto& c : word) c = 'a' + static_cast<int32_t>(rng() % 3);
    auto scan = word, heap = word;
    m.merge_scan(scan);
    m.merge_heap(heap);
    ASSERT_EQ(scan, heap) << "word " << i;
  }
  std::vector<int32_t> w{'a', 'b', 'c'};
  m.merge_scan(w);
  EXPECT_EQ(w, (std::vector<int32_t>{258}));  // ab first (rank 0), then (ab)c
  w = {'a', 'a', 'a', 'a', 'a'};
  m.merge_heap(w);
  EXPECT_EQ(w, (std::vector<int32_t>{260, 'a'}));  // leftmost aa, aa, then (aa)(aa)
}

TEST(NeoxBpe, LoaderErrorsNameThePath) {
  TempDir dir;
  const fs::path missing = dir / "none.json";
  try {
    load_hf_bpe(missing);
    FAIL() << "no throw";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(missing.string()), std::string::npos) << e.what();
  }
  const fs::path bad = dir / "bad.json";
  test::write_all(bad, "{\"model\": [1, 2");
  EXPECT_THROW(load_hf_bpe(bad), InputError);
  const std::string base =
      R"({"normalizer": {"type": "NFC"}, "pre_tokenizer": {"type": "ByteLevel",
          "add_prefix_space": false}, "model": {"type": "BPE", "vocab": {VOCAB},
          "merges": MERGES}})";
  std::string vocab;
  // The 256 byte-level symbols of GPT-2's bytes_to_unicode, ids 0..255, then "ab" = 256.
  for (int b = 0, extra = 0; b < 256; ++b) {
    const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
    const int cp = printable ? b : 256 + extra++;
    std::string s;
    text::append_utf8(s, static_cast<uint32_t>(cp));
    if (s == "\"" || s == "\\") s = "\\" + s;
    vocab += "\"" + s + "\": " + std::to_string(b) + ", ";
  }
  vocab += "\"ab\": 256";
  auto make = [&](const std::string& merges) {
    std::string s = base;
    s.replace(s.find("VOCAB"), 5, vocab);
    s.replace(s.find("MERGES"), 6, merges);
    return s;
  };
  const fs::path ok = dir / "ok.json";
  test::write_all(ok, make(R"(["a b"])"));
  auto model = load_hf_bpe(ok, "toy");
  EXPECT_EQ(model->name(), "toy");
  std::vector<int32_t> ids;
  model->make_tokenizer()->encode("abc ab", ids);
  EXPECT_EQ(ids, (std::vector<int32_t>{256, 'c', ' ', 256}));  // "abc", " ab"; byte b has id b
  test::write_all(ok, make(R"([["a", "b"]])"));
  ids.clear();
  load_hf_bpe(ok)->make_tokenizer()->encode("ab", ids);
  EXPECT_EQ(ids, (std::vector<int32_t>{256}));
  test::write_all(bad, make(R"(["a c"])"));  // "ac" is not in the vocab
  EXPECT_THROW(load_hf_bpe(bad), InputError);
  test::write_all(bad, make(R"(["a b c"])"));
  EXPECT_THROW(load_hf_bpe(bad), InputError);
  std::string s = make(R"(["a b"])");
  s.replace(s.find("\"NFC\""), 5, "\"NFKC\"");
  test::write_all(bad, s);
  EXPECT_THROW(load_hf_bpe(bad), ConfigError);
}

}  // namespace
}  // namespace rpdata::tokenize
