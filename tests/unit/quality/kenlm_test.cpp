// KenLM-compatible scorer: every reference score of ../shared/realdata/models/kenlm (made by
// KenLM's Python module) bit for bit in ARPA, ARPA.gz, probing and trie form, per-token
// detail, cc_net's length/perplexity arithmetic, and errors on malformed files.
#include "rpdata/quality/kenlm.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "rpdata/core/error.h"
#include "rpdata/io/input_stream.h"
#include "quality/kenlm_internal.h"
#include "test_support.h"

namespace rpdata::quality {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t b = 0;
  for (;;) {
    size_t e = s.find(sep, b);
    if (e == std::string::npos) {
      out.push_back(s.substr(b));
      return out;
    }
    out.push_back(s.substr(b, e - b));
    b = e + 1;
  }
}

// Rows of a TSV with a header, as maps column -> value.
std::vector<std::map<std::string, std::string>> read_tsv(const fs::path& p) {
  std::vector<std::string> lines = split(test::read_all(p), '\n');
  std::vector<std::string> header = split(lines.at(0), '\t');
  std::vector<std::map<std::string, std::string>> rows;
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    std::vector<std::string> f = split(lines[i], '\t');
    EXPECT_EQ(f.size(), header.size()) << p << " row " << i;
    std::map<std::string, std::string> row;
    for (size_t k = 0; k < header.size() && k < f.size(); ++k) row[header[k]] = f[k];
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::string> read_lines(const fs::path& p) {
  std::vector<std::string> lines = split(test::read_all(p), '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

float to_f32(const std::string& s) { return std::strtof(s.c_str(), nullptr); }
uint32_t bits(float f) { return std::bit_cast<uint32_t>(f); }

// Checks all lines' scores (and token/OOV counts) and the per-token rows of `words_tsv`.
void check_model(const fs::path& model_path, const fs::path& lines_path,
                 const fs::path& scores_tsv, const fs::path& words_tsv, bool check_ids) {
  SCOPED_TRACE(model_path.string());
  LanguageModel lm = LanguageModel::load(model_path);
  std::vector<std::string> lines = read_lines(lines_path);
  auto scores = read_tsv(scores_tsv);
  ASSERT_EQ(scores.size(), lines.size());
  size_t mismatches = 0;
  std::map<size_t, std::vector<LmTokenScore>> details;
  for (size_t i = 0; i < lines.size(); ++i) {
    const auto& row = scores[i];
    ASSERT_EQ(std::stoul(row.at("line")), i + 1);
    std::vector<LmTokenScore> detail;
    float got = lm.score_detail(lines[i], detail);
    float want = to_f32(row.at("log10_score"));
    EXPECT_EQ(bits(got), bits(want)) << "line " << i + 1 << " (" << row.at("source") << "): got "
                                     << got << " want " << want;
    EXPECT_EQ(bits(lm.score(lines[i])), bits(got));
    mismatches += bits(got) != bits(want);
    size_t oov = 0;
    for (size_t k = 0; k + 1 < detail.size(); ++k) oov += detail[k].oov;
    EXPECT_EQ(detail.size() - 1, std::stoul(row.at("words"))) << "line " << i + 1;
    EXPECT_EQ(oov, std::stoul(row.at("oov"))) << "line " << i + 1;
    EXPECT_EQ(ccnet_length(lines[i]), std::stoul(row.at("length"))) << "line " << i + 1;
    double f64 = std::strtod(row.at("log10_score_f64").c_str(), nullptr);
    EXPECT_EQ(static_cast<double>(got), f64);
    EXPECT_EQ(ccnet_perplexity(f64, std::stoul(row.at("length"))),
              std::strtod(row.at("perplexity").c_str(), nullptr))
        << "line " << i + 1;
    details[i + 1] = std::move(detail);
  }
  EXPECT_EQ(mismatches, 0u);
  size_t checked = 0;
  std::map<size_t, size_t> pos_seen;
  for (const auto& row : read_tsv(words_tsv)) {
    size_t line = std::stoul(row.at("line")), pos = std::stoul(row.at("pos"));
    const auto& d = details.at(line);
    ASSERT_LE(pos, d.size()) << "line " << line;
    const LmTokenScore& t = d[pos - 1];
    SCOPED_TRACE("line " + std::to_string(line) + " pos " + std::to_string(pos) + " token " +
                 row.at("token"));
    EXPECT_EQ(bits(t.log10_prob), bits(to_f32(row.at("log10_prob"))));
    EXPECT_EQ(t.ngram_length, std::stoul(row.at("ngram_length")));
    EXPECT_EQ(t.oov, row.at("oov") == "1");
    if (check_ids) {
      EXPECT_EQ(t.word_id, std::stoul(row.at("vocab_id_probing")));
    }
    float cum = 0;
    for (size_t k = 0; k < pos; ++k) cum += d[k].log10_prob;
    EXPECT_EQ(bits(cum), bits(to_f32(row.at("cum_log10_f32"))));
    pos_seen[line] = std::max(pos_seen[line], pos);
    ++checked;
  }
  for (const auto& [line, last] : pos_seen) EXPECT_EQ(last, details.at(line).size()) << line;
  EXPECT_GT(checked, 0u);
}

fs::path kenlm_dir(const fs::path& real) { return real / "models" / "kenlm"; }

// Decompresses a gzip file with the project's stream (the plain-ARPA case).
void gunzip(const fs::path& from, const fs::path& to) {
  auto in = io::InputStream::open(from);
  std::string out;
  char buf[1 << 16];
  while (size_t n = in->read(buf, sizeof(buf))) out.append(buf, n);
  test::write_all(to, out);
}

TEST(Kenlm, EnModelArpaGz) {
  RPDATA_REQUIRE_REALDATA(real);
  fs::path d = kenlm_dir(real);
  check_model(d / "en_wiki_sp8k.o5.arpa.gz", d / "ref_lines.txt", d / "ref_scores.tsv",
              d / "ref_words.tsv", true);
}

TEST(Kenlm, EnModelArpaPlain) {
  RPDATA_REQUIRE_REALDATA(real);
  fs::path d = kenlm_dir(real);
  test::TempDir tmp;
  gunzip(d / "en_wiki_sp8k.o5.arpa.gz", tmp / "en.arpa");
  check_model(tmp / "en.arpa", d / "ref_lines.txt", d / "ref_scores.tsv", d / "ref_words.tsv",
              true);
}

TEST(Kenlm, EnModelProbing) {
  RPDATA_REQUIRE_REALDATA(real);
  fs::path d = kenlm_dir(real);
  check_model(d / "en_wiki_sp8k.o5.probing.bin", d / "ref_lines.txt", d / "ref_scores.tsv",
              d / "ref_words.tsv", true);
  LanguageModel lm = LanguageModel::load(d / "en_wiki_sp8k.o5.probing.bin");
  EXPECT_EQ(lm.format(), LmFormat::kProbing);
  EXPECT_EQ(lm.order(), 5u);
  EXPECT_EQ(lm.vocab_size(), 8157u);
}

TEST(Kenlm, EnModelTrie) {
  RPDATA_REQUIRE_REALDATA(real);
  fs::path d = kenlm_dir(real);
  check_model(d / "en_wiki_sp8k.o5.trie.bin", d / "ref_lines.txt", d / "ref_scores.tsv",
              d / "ref_words.tsv", false);
  LanguageModel lm = LanguageModel::load(d / "en_wiki_sp8k.o5.trie.bin");
  EXPECT_EQ(lm.format(), LmFormat::kTrie);
  EXPECT_EQ(lm.vocab_size(), 8157u);
}

TEST(Kenlm, TestArpaAllFormats) {
  RPDATA_REQUIRE_REALDATA(real);
  fs::path d = kenlm_dir(real);
  test::TempDir tmp;
  test::write_gz(tmp / "test.arpa.gz", test::read_all(d / "test.arpa"));
  for (const char* model : {"test.arpa", "test.probing.bin"})
    check_model(d / model, d / "test_arpa_lines.txt", d / "test_arpa_scores.tsv",
                d / "test_arpa_words.tsv", true);
  check_model(tmp / "test.arpa.gz", d / "test_arpa_lines.txt", d / "test_arpa_scores.tsv",
              d / "test_arpa_words.tsv", true);
  check_model(d / "test.trie.bin", d / "test_arpa_lines.txt", d / "test_arpa_scores.tsv",
              d / "test_arpa_words.tsv", false);
}

TEST(Kenlm, TestNoUnkAllFormats) {
  RPDATA_REQUIRE_REALDATA(real);
  fs::path d = kenlm_dir(real);
  for (const char* model : {"test_nounk.arpa", "test_nounk.probing.bin"})
    check_model(d / model, d / "test_arpa_lines.txt", d / "test_nounk_arpa_scores.tsv",
                d / "test_nounk_arpa_words.tsv", true);
  check_model(d / "test_nounk.trie.bin", d / "test_arpa_lines.txt",
              d / "test_nounk_arpa_scores.tsv", d / "test_nounk_arpa_words.tsv", false);
}

// Spot checks of the README's semantics on the en model.
TEST(Kenlm, EnModelSemantics) {
  RPDATA_REQUIRE_REALDATA(real);
  LanguageModel lm = LanguageModel::load(kenlm_dir(real) / "en_wiki_sp8k.o5.probing.bin");
  // Empty and whitespace-only lines score only </s> after <s>.
  EXPECT_EQ(lm.score(""), -3.7532148f);
  EXPECT_EQ(lm.score(" \t\r\n\v\f "), -3.7532148f);
  std::vector<LmTokenScore> d;
  lm.score_detail("zzzunknownzzz", d);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_TRUE(d[0].oov);
  EXPECT_EQ(d[0].word_id, 0u);
  EXPECT_EQ(d[1].word_id, lm.word_id("</s>"));
  EXPECT_EQ(lm.word_id("<unk>"), 0u);
  EXPECT_EQ(lm.word_id("<UNK>"), 0u);
  // Without bos/eos only the words are scored.
  d.clear();
  lm.score_detail("▁the", d, false, false);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].ngram_length, 1u);
}

// One immutable model scored from several threads gives the single-thread results.
TEST(Kenlm, SharedAcrossThreads) {
  RPDATA_REQUIRE_REALDATA(real);
  fs::path d = kenlm_dir(real);
  for (const char* name : {"en_wiki_sp8k.o5.probing.bin", "en_wiki_sp8k.o5.trie.bin"}) {
    LanguageModel lm = LanguageModel::load(d / name);
    std::vector<std::string> lines = read_lines(d / "ref_lines.txt");
    std::vector<float> want;
    for (const auto& l : lines) want.push_back(lm.score(l));
    std::vector<std::vector<float>> got(4);
    std::vector<std::thread> threads;
    for (size_t t = 0; t < got.size(); ++t)
      threads.emplace_back([&, t] {
        for (const auto& l : lines) got[t].push_back(lm.score(l));
      });
    for (auto& t : threads) t.join();
    for (const auto& g : got) EXPECT_EQ(g, want) << name;
  }
}

// The probing tables' bucket is key % buckets; FastMod must agree for every key.
TEST(Kenlm, FastModMatchesDivision) {
  std::mt19937_64 rng(7);
  const uint64_t max = ~uint64_t{0};
  for (uint64_t d : std::vector<uint64_t>{1, 2, 3, 55, 12235, 103051, (uint64_t{1} << 40) + 7, max}) {
    FastMod mod(d);
    for (uint64_t x : std::vector<uint64_t>{0, 1, d - 1, d, d + 1, max, max - 1})
      EXPECT_EQ(mod(x), x % d);
    for (int i = 0; i < 100000; ++i) {
      uint64_t x = rng();
      ASSERT_EQ(mod(x), x % d) << x << " % " << d;
    }
  }
}

// fastText's character n-gram buckets: hash % bucket on 32 bits, FastMod32 for every hash.
TEST(Kenlm, FastMod32MatchesDivision) {
  std::mt19937_64 rng(11);
  const uint32_t max = ~uint32_t{0};
  for (uint32_t d : std::vector<uint32_t>{1, 2, 3, 7, 2000000, 10000000, (uint32_t{1} << 31) + 1, max}) {
    FastMod32 mod(d);
    for (uint32_t x : std::vector<uint32_t>{0, 1, d - 1, d, d == max ? 0 : d + 1, max, max - 1})
      EXPECT_EQ(mod(x), x % d);
    for (int i = 0; i < 100000; ++i) {
      const auto x = static_cast<uint32_t>(rng());
      ASSERT_EQ(mod(x), x % d) << x << " % " << d;
    }
  }
}

TEST(Kenlm, CcnetLengthSplitsOnUnicodeSpace) {
  EXPECT_EQ(ccnet_length(""), 1u);
  EXPECT_EQ(ccnet_length("  a\tb  "), 3u);
  EXPECT_EQ(ccnet_length("a\xc2\xa0" "b"), 3u);          // U+00A0
  EXPECT_EQ(ccnet_length("a\xe2\x80\x8b" "b"), 2u);      // U+200B is not whitespace
  EXPECT_EQ(ccnet_length("a\x1f" "b\xe3\x80\x80" "c"), 4u);  // \x1f and U+3000
}

TEST(Kenlm, CcnetPerplexityRoundsLikePython) {
  EXPECT_EQ(ccnet_perplexity(-367.7490234375, 150), 282.9);
  EXPECT_EQ(ccnet_perplexity(0.0, 1), 1.0);
  EXPECT_EQ(ccnet_perplexity(-2.0, 1), 100.0);
  EXPECT_EQ(ccnet_perplexity(-1.0, 2), 3.2);  // sqrt(10) = 3.162...
  // Line 181 of ref_scores.tsv (KenLM's float32 sum; a double sum would give 5449.7).
  EXPECT_EQ(ccnet_perplexity(-478.25506591796875, 128), 5449.6);
}

TEST(Kenlm, MalformedArpaIsInputError) {
  test::TempDir tmp;
  const std::string good =
      "\\data\\\nngram 1=3\nngram 2=1\n\n\\1-grams:\n-1.0\t<s>\t-0.5\n-1.0\t</s>\n-2\ta\t0\n\n"
      "\\2-grams:\n-0.5\t<s> a\n\n\\end\\\n";
  test::write_all(tmp / "good.arpa", good);
  LanguageModel lm = LanguageModel::load(tmp / "good.arpa");
  EXPECT_EQ(lm.score("a"), -0.5f + -1.0f);
  EXPECT_EQ(lm.score("b", true, false), -100.0f + -0.5f);  // no <unk>: -100

  std::string bad = good;
  bad.replace(bad.find("-2\ta"), 2, "x2");
  test::write_all(tmp / "bad.arpa", bad);
  try {
    LanguageModel::load(tmp / "bad.arpa");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), (tmp / "bad.arpa").string());
    ASSERT_TRUE(e.offset().has_value());
    EXPECT_EQ(*e.offset(), good.find("-2\ta"));
    EXPECT_NE(e.message().find("x2"), std::string::npos) << e.message();
  }
  std::string unknown_word = good;
  unknown_word.replace(unknown_word.find("<s> a"), 5, "<s> q");
  test::write_all(tmp / "word.arpa", unknown_word);
  EXPECT_THROW(LanguageModel::load(tmp / "word.arpa"), InputError);
  test::write_all(tmp / "short.arpa", good.substr(0, good.find("\\2-grams")));
  EXPECT_THROW(LanguageModel::load(tmp / "short.arpa"), InputError);
}

TEST(Kenlm, TruncatedBinaryIsInputError) {
  RPDATA_REQUIRE_REALDATA(real);
  test::TempDir tmp;
  for (const char* name : {"test.probing.bin", "test.trie.bin"}) {
    std::string data = test::read_all(kenlm_dir(real) / name);
    test::write_all(tmp / name, data.substr(0, data.size() / 2));
    EXPECT_THROW(LanguageModel::load(tmp / name), InputError) << name;
    data = test::read_all(kenlm_dir(real) / name);
    data[96] = 7;  // unknown model type
    test::write_all(tmp / name, data);
    EXPECT_THROW(LanguageModel::load(tmp / name), InputError) << name;
  }
}

TEST(Kenlm, CorruptTriePointerIsInputError) {
  RPDATA_REQUIRE_REALDATA(real);
  test::TempDir tmp;
  std::string data = test::read_all(kenlm_dir(real) / "test.trie.bin");
  // The unigram records start after the 152-byte header and the 8 + 8 * 37 byte vocabulary;
  // the child pointer of record 1 is at +8 of the 16-byte record.
  const size_t next_of_1 = 152 + 8 + 8 * 37 + 16 + 8;
  data[next_of_1 + 3] = 0x40;
  test::write_all(tmp / "bad.trie.bin", data);
  try {
    LanguageModel::load(tmp / "bad.trie.bin");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(e.message().find("child pointers of the 1-grams"), std::string::npos) << e.message();
    EXPECT_EQ(e.offset(), std::optional<uint64_t>(152 + 8 + 8 * 37));
  }
}

// Damaged binaries either fail to load with InputError or load and score without crashing.
TEST(Kenlm, RandomlyDamagedBinariesNeverCrash) {
  RPDATA_REQUIRE_REALDATA(real);
  test::TempDir tmp;
  std::vector<std::string> lines = read_lines(kenlm_dir(real) / "test_arpa_lines.txt");
  std::mt19937_64 rng(11);
  for (const char* name : {"test.probing.bin", "test.trie.bin"}) {
    const std::string orig = test::read_all(kenlm_dir(real) / name);
    size_t loaded = 0;
    for (int round = 0; round < 200; ++round) {
      std::string data = orig;
      // Bytes of the header's order, multiplier, type and counts (88..151) and of the body.
      for (int k = 0; k < 4; ++k)
        data[(round % 4 == 0 ? 88 : 152) + rng() % (data.size() - 152)] = static_cast<char>(rng());
      test::write_all(tmp / name, data);
      try {
        LanguageModel lm = LanguageModel::load(tmp / name);
        for (const auto& l : lines) (void)lm.score(l);
        ++loaded;
      } catch (const InputError&) {
      }
    }
    EXPECT_GT(loaded, 0u) << name;
  }
}

}  // namespace
}  // namespace rpdata::quality
