#include "rpdata/text/ccnet_normalize.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <zlib.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "rpdata/text/utf8.h"
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

// ref_text.txt line per `source` of ref_scores.tsv.
std::map<std::string, std::string> kenlm_ref_text(const std::filesystem::path& real) {
  std::ifstream scores(real / "models/kenlm/ref_scores.tsv");
  std::ifstream texts(real / "models/kenlm/ref_text.txt");
  std::string row, text;
  std::getline(scores, row);
  std::map<std::string, std::string> out;
  while (std::getline(scores, row) && std::getline(texts, text)) {
    std::istringstream fields(row);
    std::string line_no, source;
    std::getline(fields, line_no, '\t');
    std::getline(fields, source, '\t');
    out[source] = text;
  }
  return out;
}

// The alice-para:N lines: paragraphs of the book (split on blank lines, whitespace runs
// squeezed to one space, Python ' '.join(p.split())). The N numbering of the extraction is not
// known, so each reference line must equal the normalisation of some paragraph.
TEST(CcnetNormalize, ReproducesKenlmRefTextForAliceParagraphs) {
  RPDATA_REQUIRE_REALDATA(real);
  auto ref = kenlm_ref_text(real);
  std::string book = test::read_all(real / "books/pg11-alice-11-0.txt");
  std::set<std::string> normalized;
  std::vector<std::string> lines;
  {
    std::istringstream in(book);
    std::string l;
    while (std::getline(in, l)) lines.push_back(l);
  }
  auto blank = [](const std::string& l) {
    for (unsigned char c : l)
      if (!is_python_space(c)) return false;
    return true;
  };
  std::string para;
  auto flush = [&] {
    if (!para.empty()) normalized.insert(normalize(para));
    para.clear();
  };
  for (const auto& l : lines) {
    if (blank(l)) { flush(); continue; }
    std::istringstream words(l);  // the book's whitespace is ASCII
    std::string w;
    while (words >> w) para += (para.empty() ? "" : " ") + w;
  }
  flush();
  int n = 0;
  for (const auto& [source, text] : ref) {
    if (source.rfind("alice-para:", 0) != 0) continue;
    EXPECT_TRUE(normalized.count(text)) << source;
    ++n;
  }
  EXPECT_EQ(n, 15);
}

std::string xml_attr_unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') { out.push_back(s[i]); continue; }
    size_t semi = s.find(';', i);
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    if (ent == "lt") out += '<';
    else if (ent == "gt") out += '>';
    else if (ent == "amp") out += '&';
    else if (ent == "quot") out += '"';
    else if (ent == "apos") out += '\'';
    else if (ent.size() > 1 && ent[0] == '#')
      append_utf8(out, static_cast<uint32_t>(ent[1] == 'x' ? std::stoul(std::string(ent.substr(2)), nullptr, 16)
                                                           : std::stoul(std::string(ent.substr(1)))));
    i = semi;
  }
  return out;
}

// coffee-se-post:N: the Body of the N-th row of Posts.xml with HTML tags deleted.
TEST(CcnetNormalize, ReproducesKenlmRefTextForCoffeePosts) {
  RPDATA_REQUIRE_REALDATA(real);
  auto ref = kenlm_ref_text(real);
  std::string xml = test::read_all(real / "stackexchange/coffee.stackexchange.com-2015-Posts.xml");
  std::vector<std::string> bodies;
  for (size_t pos = 0; (pos = xml.find("<row ", pos)) != std::string::npos; ++pos) {
    size_t end = xml.find("/>", pos);
    size_t b = xml.find(" Body=\"", pos);
    std::string body;
    if (b != std::string::npos && b < end) {
      b += 7;
      body = xml_attr_unescape(std::string_view(xml).substr(b, xml.find('"', b) - b));
    }
    std::string stripped;
    bool in_tag = false;
    for (char c : body) {
      if (c == '<') in_tag = true;
      else if (c == '>' && in_tag) in_tag = false;
      else if (!in_tag) stripped.push_back(c);
    }
    bodies.push_back(stripped);
  }
  ASSERT_EQ(bodies.size(), 592u);
  int n = 0;
  for (const auto& [source, text] : ref) {
    if (source.rfind("coffee-se-post:", 0) != 0) continue;
    size_t row = std::stoul(source.substr(15)) - 1;
    EXPECT_EQ(normalize(bodies.at(row)), text) << source;
    ++n;
  }
  EXPECT_EQ(n, 10);
}

// whirlwind-wet-spa:1: the whole body of the WET conversion record.
TEST(CcnetNormalize, ReproducesKenlmRefTextForWhirlwindWet) {
  RPDATA_REQUIRE_REALDATA(real);
  auto ref = kenlm_ref_text(real);
  gzFile gz = gzopen((real / "commoncrawl/whirlwind/whirlwind.warc.wet.gz").c_str(), "rb");
  ASSERT_NE(gz, nullptr);
  std::string wet;
  char buf[1 << 14];
  int n;
  while ((n = gzread(gz, buf, sizeof buf)) > 0) wet.append(buf, static_cast<size_t>(n));
  gzclose(gz);
  size_t rec = wet.rfind("WARC/1.0\r\n");
  size_t body = wet.find("\r\n\r\n", rec) + 4;
  EXPECT_EQ(normalize(std::string_view(wet).substr(body)), ref.at("whirlwind-wet-spa:1"));
}

}  // namespace
}  // namespace rpdata::text
