#include "rpdata/text/ccnet_normalize.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.h"

namespace rpdata::text {
namespace {

TEST(CcnetNormalizeForDedup, SpecExample) {
  EXPECT_EQ(normalize_for_dedup("０２３´∶：\x10 | ;012 hèllo"), "000 | ;000 hèllo");
}

TEST(CcnetNormalizeForDedup, StripLowerDigitsPunctControls) {
  EXPECT_EQ(normalize_for_dedup(""), "");
  EXPECT_EQ(normalize_for_dedup(" \t\u3000\u00a0\x1c "), "");
  EXPECT_EQ(normalize_for_dedup("  Hello, World! 2023\r"), "hello, world! 0000");
  // U+200B and U+FEFF are not Python whitespace: kept.
  EXPECT_EQ(normalize_for_dedup("\u200bA\ufeff"), "\u200ba\ufeff");
  // Python lower(): İ becomes two code points; final sigma depends on context.
  EXPECT_EQ(normalize_for_dedup("İ"), "i\u0307");
  EXPECT_EQ(normalize_for_dedup("ΟΔΟΣ ΣΑ"), "οδος σα");
  EXPECT_EQ(normalize_for_dedup("Σ"), "σ");
  // Every Nd digit, any script, becomes '0'; superscripts and circled numbers are not Nd.
  EXPECT_EQ(normalize_for_dedup("٣५𝟘²①"), "000²①");
  // All 34 punctuation keys are deleted (１ as a digit), ASCII punctuation is kept; C1 control.
  EXPECT_EQ(normalize_for_dedup("，。、„”“«»１」「《》´∶：？！（）；–—．～’…━〈〉【】％►"), "0");
  EXPECT_EQ(normalize_for_dedup("a\u0085b\x7f c-d"), "ab c-d");  // U+0085 inside: control
  EXPECT_EQ(normalize_for_dedup("é"), "é");                     // no accent stripping
}

TEST(CcnetNormalize, CcnetTests) {
  // cc_net's own tests/test_normalizer.py expectations.
  EXPECT_EQ(normalize("，。、„”“«»１」「《》´∶：？！（）；–—．～’…━〈〉【】％"),
            ",.,\"\"\"\"\"0\"\"\"\"'::?!();- - . ~'...-<>[]%");
  EXPECT_EQ(normalize("０２３４５６７８９ | 0123456789"), "000000000 | 0000000000");
}

TEST(CcnetNormalize, AccentsPunctNewlines) {
  EXPECT_EQ(normalize("Hello World\nLine 2"), "hello worldline 0");
  EXPECT_EQ(normalize("  Crème Brûlée — Ça…  "), "creme brulee  -  ca...");
  EXPECT_EQ(normalize("Їжак й"), "іжак и");
  // NFD is not recomposed: Hangul stays as jamo (category Lo, not Mn).
  EXPECT_EQ(normalize("한"), "\u1112\u1161\u11ab");
  EXPECT_EQ(normalize("A．B"), "a. b");
  EXPECT_EQ(normalize(" \n "), "");
}

// The normalised text behind models/kenlm/ref_text.txt (made with cc_net's normalize()):
// the c4:N lines are the first 40 C4 records' whole text.
TEST(CcnetNormalize, ReproducesKenlmRefTextForC4Records) {
  RPDATA_REQUIRE_REALDATA(real);
  std::ifstream scores(real / "models/kenlm/ref_scores.tsv");
  std::ifstream texts(real / "models/kenlm/ref_text.txt");
  ASSERT_TRUE(scores && texts);
  std::string row, text;
  std::getline(scores, row);  // header
  std::map<int, std::string> c4_ref;
  while (std::getline(scores, row) && std::getline(texts, text)) {
    std::istringstream fields(row);
    std::string line_no, source;
    std::getline(fields, line_no, '\t');
    std::getline(fields, source, '\t');
    if (source.rfind("c4:", 0) == 0) c4_ref[std::stoi(source.substr(3))] = text;
  }
  ASSERT_EQ(c4_ref.size(), 40u);

  simdjson::dom::parser parser;
  std::ifstream c4(real / "c4/c4-train.00000-of-01024.first1000.reserialized.jsonl");
  std::string json;
  int matched = 0;
  for (int n = 1; n <= 40 && std::getline(c4, json); ++n) {
    std::string_view raw = parser.parse(json).get_object()["text"].get_string().value();
    EXPECT_EQ(normalize(raw), c4_ref.at(n)) << "c4:" << n;
    matched += normalize(raw) == c4_ref.at(n);
  }
  EXPECT_EQ(matched, 40);
}

}  // namespace
}  // namespace rpdata::text
