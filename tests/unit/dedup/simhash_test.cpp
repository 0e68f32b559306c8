#include "rpdata/dedup/simhash.h"

#include "dedup/md5_lanes.h"

#include <gtest/gtest.h>
#include <unicode/uchar.h>

#include <cstdio>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "rpdata/io/hash.h"
#include "rpdata/text/utf8.h"
#include "test_support.h"

namespace rpdata::dedup {
namespace {
namespace fs = std::filesystem;

std::string run_capture(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = ::pclose(p);
  if (rc != 0) ADD_FAILURE() << cmd << " exited with " << rc;
  return out;
}

bool have_python() { return std::system("python3 -c 'import hashlib, re' >/dev/null 2>&1") == 0; }

fs::path ref_script() { return test::source_dir() / "tests/unit/dedup/simhash_ref.py"; }

// Python reference signatures of `texts`, one per text (written to files in `dir`).
std::vector<std::string> reference_sigs(const test::TempDir& dir, const std::vector<std::string>& texts) {
  std::string cmd = "python3 '" + ref_script().string() + "' sig";
  for (size_t i = 0; i < texts.size(); ++i) {
    auto p = dir / ("t" + std::to_string(i) + ".txt");
    test::write_all(p, texts[i]);
    cmd += " '" + p.string() + "'";
  }
  std::istringstream in(run_capture(cmd));
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

void expect_same_as_python(const std::vector<std::string>& texts) {
  test::TempDir dir;
  auto ref = reference_sigs(dir, texts);
  ASSERT_EQ(ref.size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i)
    EXPECT_EQ(simhash_hex(book_simhash(texts[i])), ref[i]) << "text " << i << ": " << texts[i].substr(0, 80);
}

std::string utf8_of(const std::vector<uint32_t>& cps) {
  std::string s;
  for (uint32_t c : cps) text::append_utf8(s, c);
  return s;
}

// Replaces `n` words (runs between spaces) with other words, deterministically.
std::string edit_words(const std::string& text, int n, uint32_t seed) {
  std::vector<size_t> starts;
  for (size_t i = 0; i + 1 < text.size(); ++i)
    if (text[i] == ' ' && text[i + 1] != ' ') starts.push_back(i + 1);
  std::mt19937 rng(seed);
  std::string out = text;
  for (int k = 0; k < n && !starts.empty(); ++k) {
    size_t s = starts[rng() % starts.size()];
    size_t e = out.find(' ', s);
    if (e == std::string::npos) e = out.size();
    out.replace(s, e - s, "zq" + std::to_string(rng() % 1000));
    starts.clear();
    for (size_t i = 0; i + 1 < out.size(); ++i)
      if (out[i] == ' ' && out[i + 1] != ' ') starts.push_back(i + 1);
  }
  return out;
}

std::vector<fs::path> real_books(const fs::path& realdata) {
  std::vector<fs::path> books;
  for (const char* name : {"pg11-alice-11-0.txt", "pg1342-pride-and-prejudice-1342-0.txt",
                           "pg972-devils-dictionary-with-pg-header.txt", "pg3261-news-from-nowhere-with-pg-header.txt"})
    books.push_back(realdata / "books" / name);
  return books;
}

TEST(Simhash, FeatureHashIsLowHalfOfMd5BigEndian) {
  std::mt19937 rng(7);
  for (int len = 0; len < 200; ++len) {
    std::string s;
    for (int i = 0; i < len; ++i) s.push_back(static_cast<char>(rng() & 0xff));
    std::string hex = io::md5_hex(s);
    EXPECT_EQ(simhash_hex(simhash_feature_hash(s)), hex.substr(16)) << len;
  }
}

// Every MD5 implementation (scalar, SSE2 x4, AVX2 x8 when the CPU has it) equals OpenSSL on
// messages of every length a lane takes, and book_simhash does not depend on which one ran.
TEST(Simhash, Md5LanesEqualOpenSsl) {
  std::mt19937 rng(11);
  std::vector<std::string> msgs;
  for (size_t len = 0; len <= kMd5LaneMaxBytes; ++len)
    for (int r = 0; r < 8; ++r) {
      std::string s;
      for (size_t i = 0; i < len; ++i) s.push_back(static_cast<char>(rng() & 0xff));
      msgs.push_back(s);
    }
  auto expect = [](const std::string& m) { return io::md5_hex(m).substr(16); };
  for (const auto& m : msgs)
    EXPECT_EQ(simhash_hex(md5_low64(reinterpret_cast<const unsigned char*>(m.data()), m.size())), expect(m));
  for (int lanes : {4, 8}) {
    bool ran = false;
    for (size_t first = 0; first + static_cast<size_t>(lanes) <= msgs.size(); first += static_cast<size_t>(lanes)) {
      const unsigned char* p[8];
      size_t len[8];
      uint64_t out[8];
      for (int k = 0; k < lanes; ++k) {
        p[k] = reinterpret_cast<const unsigned char*>(msgs[first + k].data());
        len[k] = msgs[first + k].size();
      }
      ran = lanes == 4 ? md5_low64_x4_sse2(p, len, out) : md5_low64_x8_avx2(p, len, out);
      if (!ran) break;
      for (int k = 0; k < lanes; ++k) EXPECT_EQ(simhash_hex(out[k]), expect(msgs[first + k])) << lanes << " lanes";
    }
    if (!ran) std::printf("md5 with %d lanes is not available on this CPU; not tested\n", lanes);
  }
  EXPECT_GE(md5_lanes(), 1);
}

TEST(Simhash, PinnedValues) {
  // Python: '%016x' % Simhash(get_features(s)).value with simhash 2.x semantics.
  // Empty or non-word text is one feature, the empty string: md5("")[8:] = e9800998ecf8427e.
  EXPECT_EQ(simhash_hex(book_simhash("")), "e9800998ecf8427e");
  EXPECT_EQ(simhash_hex(book_simhash(" ,;\n!")), "e9800998ecf8427e");
  // One short feature: its own hash. "abc" -> md5("abc")[8:] = d6963f7d28e17f72.
  EXPECT_EQ(simhash_hex(book_simhash("A-b C")), "d6963f7d28e17f72");
  // Two features: bit set only where both hashes have it.
  EXPECT_EQ(book_simhash("abcdefg"), simhash_feature_hash("abcdef") & simhash_feature_hash("bcdefg"));
  // Three features: majority.
  uint64_t a = simhash_feature_hash("abcdef"), b = simhash_feature_hash("bcdefg"), c = simhash_feature_hash("cdefgh");
  EXPECT_EQ(book_simhash("abcdefgh"), (a & b) | (a & c) | (b & c));
}

TEST(Simhash, NormalizeIsPythonLowerAndWordChars) {
  std::vector<uint32_t> cps;
  simhash_normalize("Hello, World_1! ΟΔΟΣ İx ½ ²", cps);
  // lower() maps Σ at word end to ς, İ to "i\u0307"; \u0307 (Mn) is not \w; ½ and ² are numeric.
  EXPECT_EQ(utf8_of(cps), "helloworld_1οδοςix½²");
  simhash_normalize("e\xcc\x81t\xc3\xa9", cps);  // combining acute dropped, precomposed é kept
  EXPECT_EQ(utf8_of(cps), "et\xc3\xa9");
}

TEST(Simhash, BandsMatchSimhashIndexOffsets) {
  uint64_t sig = 0xfedcba9876543210ULL;
  auto buckets = simhash_buckets(sig);
  ASSERT_EQ(buckets.size(), 6u);
  EXPECT_EQ(buckets[0] & 0xffffffffffffffULL, sig & 0x3ff);
  EXPECT_EQ(buckets[1] & 0xffffffffffffffULL, (sig >> 10) & 0x3ff);
  EXPECT_EQ(buckets[5] & 0xffffffffffffffULL, sig >> 50);  // last band 14 bits
  EXPECT_NE(simhash_bucket(0, 0), simhash_bucket(0, 1));
}

TEST(Simhash, KeepRuleSmallerIdWins) {
  // 0 and 2 are near (distance 3); 1 is far; 3 equals 2 but has a larger key.
  std::vector<BookSignature> books = {{10, 0x0ULL}, {11, ~0ULL}, {5, 0x7ULL}, {12, 0x7ULL}};
  auto keep = simhash_keep(books);
  EXPECT_EQ(keep, (std::vector<bool>{false, true, true, false}));
  // Equal keys never drop each other (dedup.py skips int(x) >= int(id)).
  std::vector<BookSignature> same = {{3, 0x1ULL}, {3, 0x1ULL}};
  EXPECT_EQ(simhash_keep(same), (std::vector<bool>{true, true}));
}

TEST(Simhash, SharedIdFlagsTakeTheLastBook) {
  // PG-19 book key 1 is unique; Books3 book key 1 is a near-dup of Books3 key 0.
  std::vector<BookSignature> books = {{0, 0xff00ULL}, {1, 0x1234000000ULL}, {0, ~0ULL}, {1, ~1ULL}};
  EXPECT_EQ(simhash_keep(books), (std::vector<bool>{true, true, true, false}));
  EXPECT_EQ(simhash_keep(books, {kSimhashMaxDistance, true}), (std::vector<bool>{true, false, true, false}));
}

// PG-19: three distinct books. Books3: book 0 is a near-dup of PG-19 book 0, book 2 a copy
// of Books3 book 1. RedPajama mode: ids restart at 0, so PG-19 book 2 shares id "2" with the
// dropped Books3 copy and is dropped as well, while PG-19 book 0 and Books3 book 0 (both id 0)
// never drop each other. Unique mode: only the Books3 near-dups (larger ids) go.
TEST(Simhash, BookIdModes) {
  std::vector<uint64_t> pg19 = {0x0ULL, 0xffff0000ffffULL, 0x123456789abcdef0ULL};
  std::vector<uint64_t> books3 = {0x1ULL, 0xff00ff00ff00ff00ULL, 0xff00ff00ff00ff01ULL};
  auto rp = book_signatures(pg19, books3, BookIdMode::kRedPajama);
  ASSERT_EQ(rp.size(), 6u);
  EXPECT_EQ(rp[3].key, 0u);
  EXPECT_EQ(simhash_keep(rp, book_keep_options(BookIdMode::kRedPajama)),
            (std::vector<bool>{true, true, false, true, true, false}));
  auto fixed = book_signatures(pg19, books3, BookIdMode::kUnique);
  EXPECT_EQ(fixed[3].key, 3u);
  EXPECT_EQ(simhash_keep(fixed, book_keep_options(BookIdMode::kUnique)),
            (std::vector<bool>{true, true, true, false, true, false}));
}

// Signatures from random near-duplicate clusters: whole-corpus, band-partitioned (buckets
// shuffled, reduced separately) and the Python SimhashIndex/find_match agree.
TEST(Simhash, BandPartitionedEqualsWholeAndPython) {
  std::mt19937_64 rng(42);
  std::vector<BookSignature> books;
  for (int c = 0; c < 60; ++c) {
    uint64_t base = rng();
    int members = 1 + static_cast<int>(rng() % 4);
    for (int m = 0; m < members; ++m) {
      uint64_t s = base;
      int flips = static_cast<int>(rng() % 8);  // up to 7 bits: some pairs beyond distance 5
      for (int f = 0; f < flips; ++f) s ^= uint64_t{1} << (rng() % 64);
      books.push_back({rng() % 500, s});
    }
  }
  for (bool shared : {false, true}) {
    SimhashKeepOptions opt{kSimhashMaxDistance, shared};
    auto whole = simhash_keep(books, opt);
    // map -> shuffle -> reduce with buckets visited in a random order.
    std::map<uint64_t, std::vector<BucketMember>> by_bucket;
    for (size_t i = 0; i < books.size(); ++i)
      for (uint64_t b : simhash_buckets(books[i].sig)) by_bucket[b].push_back({i, books[i]});
    std::vector<std::vector<BucketMember>> groups;
    for (auto& [b, g] : by_bucket) {
      std::shuffle(g.begin(), g.end(), rng);
      groups.push_back(g);
    }
    std::shuffle(groups.begin(), groups.end(), rng);
    std::vector<uint64_t> dropped;
    for (const auto& g : groups) {
      auto d = simhash_bucket_drops(g);
      dropped.insert(dropped.end(), d.begin(), d.end());
    }
    EXPECT_EQ(simhash_combine(books, dropped, opt), whole);
    if (!have_python()) continue;
    test::TempDir dir;
    std::string input;
    for (const auto& b : books) input += std::to_string(b.key) + " " + simhash_hex(b.sig) + "\n";
    test::write_all(dir / "in.txt", input);
    std::string out = run_capture("python3 '" + ref_script().string() + "' keep" + (shared ? " --shared-ids" : "") +
                                  " < '" + (dir / "in.txt").string() + "'");
    std::string mine;
    for (bool k : whole) mine += k ? "1\n" : "0\n";
    EXPECT_EQ(out, mine) << "shared_ids=" << shared;
  }
}

TEST(Simhash, GeneratedTextsBitForBitWithPython) {
  if (!have_python()) GTEST_SKIP() << "SKIPPED: python3 not found";
  std::vector<std::string> texts = {"", "a", "abcde", "abcdef", "ABCDEFG", "  the quick brown fox  ",
                                    "ΟΔΟΣ ΚΑΛΟΣ Σ σ ς", "İstanbul DİYARBAKIR", "Straße ǅemal ﬁne", "x_y__z 12½ ²³ ٣٤٥ 五六",
                                    "tab\tnew\r\nline\u00a0nbsp"};
  // Random strings over assigned code points of Unicode <= 14 (python3.11's database).
  std::mt19937 rng(2023);
  for (int t = 0; t < 40; ++t) {
    std::vector<uint32_t> cps;
    int len = static_cast<int>(rng() % 300);
    while (static_cast<int>(cps.size()) < len) {
      uint32_t c = rng() % 4 == 0 ? rng() % 0x80 : (rng() % 3 == 0 ? rng() % 0x3000 : rng() % 0x30000);
      if (c >= 0xd800 && c <= 0xdfff) continue;
      if (u_charType(static_cast<UChar32>(c)) == U_UNASSIGNED) continue;
      UVersionInfo age;
      u_charAge(static_cast<UChar32>(c), age);
      if (age[0] > 14) continue;
      cps.push_back(c);
    }
    texts.push_back(utf8_of(cps));
  }
  expect_same_as_python(texts);
}

TEST(Simhash, RealBooksBitForBitWithPython) {
  RPDATA_REQUIRE_REALDATA(realdata);
  if (!have_python()) GTEST_SKIP() << "SKIPPED: python3 not found";
  std::vector<std::string> texts;
  for (const auto& p : real_books(realdata)) texts.push_back(test::read_all(p));
  expect_same_as_python(texts);
}

TEST(Simhash, NearDuplicatesFoundDifferentBooksNot) {
  RPDATA_REQUIRE_REALDATA(realdata);
  std::vector<std::string> texts;
  for (const auto& p : real_books(realdata)) texts.push_back(test::read_all(p));
  std::vector<BookSignature> books;
  for (size_t i = 0; i < texts.size(); ++i) books.push_back({i, book_simhash(texts[i])});
  // Four different books: pairwise far apart, all kept.
  for (size_t i = 0; i < books.size(); ++i)
    for (size_t j = i + 1; j < books.size(); ++j)
      EXPECT_GT(hamming_distance(books[i].sig, books[j].sig), kSimhashMaxDistance) << i << " vs " << j;
  EXPECT_EQ(simhash_keep(books), std::vector<bool>(books.size(), true));
  // A few edited words: same book to SimHash; the copy (larger key) is dropped.
  std::vector<std::string> edited;
  for (size_t i = 0; i < texts.size(); ++i) {
    edited.push_back(edit_words(texts[i], 5, static_cast<uint32_t>(i)));
    ASSERT_NE(edited.back(), texts[i]);
    books.push_back({100 + i, book_simhash(edited.back())});
    EXPECT_LE(hamming_distance(books[i].sig, books.back().sig), kSimhashMaxDistance) << "book " << i;
  }
  auto keep = simhash_keep(books);
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_TRUE(keep[i]);
    EXPECT_FALSE(keep[texts.size() + i]);
  }
  if (have_python()) {
    test::TempDir dir;
    auto ref = reference_sigs(dir, edited);
    ASSERT_EQ(ref.size(), edited.size());
    for (size_t i = 0; i < edited.size(); ++i) EXPECT_EQ(simhash_hex(books[texts.size() + i].sig), ref[i]);
  }
}

}  // namespace
}  // namespace rpdata::dedup
