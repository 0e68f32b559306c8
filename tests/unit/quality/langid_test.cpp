#include "rpdata/quality/langid.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "rpdata/core/error.h"
#include "rpdata/text/utf8.h"
#include "test_support.h"

namespace rpdata::quality {
namespace {

TEST(LangIdText, CcnetGluesLinesArxivLowersAndSpaces) {
  EXPECT_EQ(lid_text_ccnet("Hello\nWorld\n\nX\r\n"), "HelloWorldX\r");
  EXPECT_EQ(lid_text_arxiv("Hello\nWORLD\tİ"), "hello world i\u0307");
}

TEST(LangIdRoundScore, PythonRoundHalfEvenOnTheExactDouble) {
  EXPECT_EQ(round_score(0.125f), 0.12);  // exact tie -> even
  EXPECT_EQ(round_score(0.375f), 0.38);
  EXPECT_EQ(round_score(0.625f), 0.62);
  EXPECT_EQ(round_score(0.875f), 0.88);
  EXPECT_EQ(round_score(0.5f), 0.5);
  // float32 0.145f is 0.14499999582767487 -> 0.14 (a naive floor(x*100+0.5) also says 0.14,
  // but 0.285f = 0.28499999642372131 and 1.005f = 1.00499999523 must not round up either).
  EXPECT_EQ(round_score(0.145f), 0.14);
  EXPECT_EQ(round_score(0.285f), 0.28);
  EXPECT_EQ(round_score(1.005f), 1.0);
  // 0.995f = 0.99500000476837158: above the tie -> 1.0.
  EXPECT_EQ(round_score(0.995f), 1.0);
  EXPECT_EQ(round_score(0.959916115f), 0.96);
  EXPECT_EQ(round_score(1.00001f), 1.0);
}

// The numpy formula cc_net runs equals Python's round(x, 2) (correctly rounded decimal, read
// back as the nearest double): every 499th float32 bit pattern in [0, 1] plus all floats near
// each 0.005 step (where rounding could go wrong).
TEST(LangIdRoundScore, NumpyRoundEqualsPythonRound) {
  auto python_round2 = [](float f) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(f));  // glibc: exact, ties even
    return std::strtod(buf, nullptr);
  };
  uint64_t checked = 0;
  for (uint32_t bits = 0; bits <= 0x3f800000u; bits += 499) {
    float f;
    std::memcpy(&f, &bits, sizeof f);
    ASSERT_EQ(round_score(f), python_round2(f)) << f;
    ++checked;
  }
  for (int k = 1; k < 200; k += 2) {
    float f = static_cast<float>(k * 0.005);
    for (int i = 0; i < 64; ++i) f = std::nextafter(f, 0.0f);
    for (int i = 0; i < 128; ++i, f = std::nextafter(f, 2.0f)) {
      ASSERT_EQ(round_score(f), python_round2(f)) << f;
      ++checked;
    }
  }
  EXPECT_GT(checked, 2000000u);
}

TEST(LangId, MissingModelIsAConfigError) {
  EXPECT_THROW(LangId("/nonexistent/lid.176.bin"), ConfigError);
}

std::string fmt9(float f) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(f));
  return buf;
}

struct RefRow {
  std::string preprocessing;
  size_t n_chars = 0;
  std::vector<std::string> fields;  // label1 prob1 label2 prob2 label3 prob3
};

std::map<std::string, RefRow> read_reference(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "id\tpreprocessing\tn_chars\tlabel1\tprob1\tlabel2\tprob2\tlabel3\tprob3");
  std::map<std::string, RefRow> rows;
  while (std::getline(in, line)) {
    std::istringstream ss(line);
    std::string id, f;
    RefRow r;
    std::getline(ss, id, '\t');
    std::getline(ss, r.preprocessing, '\t');
    std::getline(ss, f, '\t');
    r.n_chars = std::stoul(f);
    while (std::getline(ss, f, '\t')) r.fields.push_back(f);
    rows[id] = r;
  }
  return rows;
}

// Compares one text with its reference row; returns "" or a description of the mismatch.
std::string check_row(const LangId& lid, const std::string& id, const RefRow& ref, std::string_view raw) {
  if (text::codepoint_count(raw) != ref.n_chars)
    return id + ": n_chars " + std::to_string(text::codepoint_count(raw)) + " != " +
           std::to_string(ref.n_chars);
  std::string t = ref.preprocessing == "arxiv" ? lid_text_arxiv(raw) : lid_text_ccnet(raw);
  auto preds = lid.predict(t, 3);
  std::vector<std::string> got;
  for (const auto& p : preds) {
    got.push_back(p.label);
    got.push_back(fmt9(p.prob));
  }
  if (got != ref.fields) {
    std::string g, w;
    for (auto& s : got) g += s + " ";
    for (auto& s : ref.fields) w += s + " ";
    return id + ": got [" + g + "] want [" + w + "]";
  }
  return "";
}

std::string read_tar_member(const std::filesystem::path& tar, const std::string& member) {
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_all(a);
  std::string out;
  if (archive_read_open_filename(a, tar.c_str(), 1 << 16) == ARCHIVE_OK) {
    archive_entry* e;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
      if (member != archive_entry_pathname(e)) continue;
      char buf[1 << 16];
      la_ssize_t n;
      while ((n = archive_read_data(a, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
      break;
    }
  }
  archive_read_free(a);
  return out;
}

// reference/fasttext_lid176ftz_predictions.tsv: fastText 0.9.2 Python predict(text, k=3) with
// lid.176.ftz. All 1000 C4 rows (record text, cc_net preprocessing), the 4 books (whole file,
// bytes as is) and the 3 arXiv .tex files (arXiv preprocessing) must match exactly.
TEST(LangId, ReproducesFasttextReferencePredictions) {
  RPDATA_REQUIRE_REALDATA(real);
  auto ref = read_reference(real / "reference/fasttext_lid176ftz_predictions.tsv");
  ASSERT_EQ(ref.size(), 1090u);
  auto lid = LangId::shared(real / "models/fasttext/lid.176.ftz");
  EXPECT_TRUE(lid->quantized());
  EXPECT_EQ(lid.get(), LangId::shared(real / "models/fasttext/../fasttext/lid.176.ftz").get());

  int checked = 0;
  std::vector<std::string> mismatches;
  auto check = [&](const std::string& id, std::string_view raw) {
    auto it = ref.find(id);
    ASSERT_NE(it, ref.end()) << id;
    std::string err = check_row(*lid, id, it->second, raw);
    if (!err.empty()) mismatches.push_back(err);
    ++checked;
  };

  simdjson::dom::parser parser;
  std::ifstream c4(real / "c4/c4-train.00000-of-01024.first1000.reserialized.jsonl");
  std::string json;
  for (int n = 0; std::getline(c4, json); ++n) {
    std::string_view raw = parser.parse(json).get_object()["text"].get_string().value();
    check("c4/" + std::to_string(n), raw);
  }
  EXPECT_EQ(checked, 1000);

  const std::pair<const char*, const char*> books[] = {
      {"book/pg_11-0.txt", "books/pg11-alice-11-0.txt"},
      {"book/pg_1342-0.txt", "books/pg1342-pride-and-prejudice-1342-0.txt"},
      {"book/pg_972.txt", "books/pg972-devils-dictionary-with-pg-header.txt"},
      {"book/pg_3261.txt", "books/pg3261-news-from-nowhere-with-pg-header.txt"}};
  for (const auto& [id, file] : books) check(id, test::read_all(real / file));

  const std::tuple<const char*, const char*, const char*> papers[] = {
      {"arxiv/fm_upload2.tar.gz:main_a.tex", "arxiv/papers/0903.0180.tar.gz", "main_a.tex"},
      {"arxiv/fm_upload3.tar.gz:DeltaEMs.tex", "arxiv/papers/0903.0359.tar.gz", "DeltaEMs.tex"},
      {"arxiv/fm_upload6.tgz:BorelPaper.tex", "arxiv/papers/BorelPaper.tgz", "BorelPaper.tex"}};
  for (const auto& [id, tar, member] : papers) {
    std::string tex = read_tar_member(real / tar, member);
    ASSERT_FALSE(tex.empty()) << tar << ":" << member;
    check(id, tex);
  }
  EXPECT_EQ(checked, 1007);
  for (size_t i = 0; i < mismatches.size() && i < 20; ++i) ADD_FAILURE() << mismatches[i];
  EXPECT_EQ(mismatches.size(), 0u);
}

TEST(LangId, CcnetLanguageIsTopOneWithRoundedScore) {
  RPDATA_REQUIRE_REALDATA(real);
  auto lid = LangId::shared(real / "models/fasttext/lid.176.ftz");
  simdjson::dom::parser parser;
  std::ifstream c4(real / "c4/c4-train.00000-of-01024.first1000.reserialized.jsonl");
  std::string json;
  std::getline(c4, json);
  std::string_view raw = parser.parse(json).get_object()["text"].get_string().value();
  auto r = ccnet_language(*lid, raw);
  EXPECT_EQ(r.language, "en");
  EXPECT_EQ(r.score, 0.96);  // reference prob1 0.959916115
  EXPECT_EQ(ccnet_language(*lid, "").language, "");
}

}  // namespace
}  // namespace rpdata::quality
