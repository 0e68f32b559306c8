#include "rpdata/dedup/shuffle.h"

#include <gtest/gtest.h>

#include <bit>
#include <random>
#include <set>
#include <tuple>

#include "rpdata/core/error.h"
#include "test_support.h"

namespace rpdata::dedup {
namespace {
namespace fs = std::filesystem;

struct Doc {
  uint32_t unit, ordinal;
  uint64_t order;
  std::string key;
  uint64_t sig;
};

// The whole map -> shuffle -> reduce -> apply path through files, with P partitions.
std::set<std::pair<uint32_t, uint32_t>> run(const std::vector<Doc>& docs, ReduceRule kind, uint32_t partitions,
                                            const fs::path& dir) {
  uint32_t units = 0;
  for (const auto& d : docs) units = std::max(units, d.unit + 1);
  for (uint32_t u = 0; u < units; ++u) {
    std::vector<Entry> entries;
    for (const auto& d : docs) {
      if (d.unit != u) continue;
      if (kind == ReduceRule::kExact) {
        entries.push_back(exact_entry(d.key, d.order, d.unit, d.ordinal));
      } else {
        auto e = simhash_entries(d.sig, d.order, d.unit, d.ordinal);
        entries.insert(entries.end(), e.begin(), e.end());
      }
    }
    write_entry_file(dir / ("u" + std::to_string(u)), entries, partitions);
  }
  for (uint32_t p = 0; p < partitions; ++p) {
    std::vector<Entry> all;
    for (uint32_t u = 0; u < units; ++u) {
      auto part = read_entry_partition(dir / ("u" + std::to_string(u)), p, partitions);
      for (const auto& e : part) EXPECT_EQ(partition_of(e, partitions), p);
      all.insert(all.end(), part.begin(), part.end());
    }
    write_drop_file(dir / ("p" + std::to_string(p)), reduce_partition(all, kind));
  }
  std::set<std::pair<uint32_t, uint32_t>> dropped;
  for (uint32_t u = 0; u < units; ++u)
    for (uint32_t p = 0; p < partitions; ++p)
      for (uint32_t o : read_unit_drops(dir / ("p" + std::to_string(p)), u)) dropped.insert({u, o});
  return dropped;
}

auto rank(const Doc& d) { return std::tie(d.order, d.unit, d.ordinal); }

TEST(Shuffle, ExactDedupKeepsFirstByOrderWhateverThePartitionCount) {
  std::mt19937_64 rng(7);
  std::vector<Doc> docs;
  for (uint32_t u = 0; u < 5; ++u)
    for (uint32_t o = 0; o < 300; ++o)
      docs.push_back({u, o, (uint64_t{u} << 32) | o, "key" + std::to_string(rng() % 400), 0});
  std::set<std::pair<uint32_t, uint32_t>> expected;  // brute force: a doc loses to any earlier equal key
  for (const auto& a : docs)
    for (const auto& b : docs)
      if (a.key == b.key && rank(b) < rank(a)) expected.insert({a.unit, a.ordinal});
  ASSERT_GT(expected.size(), 500u);
  for (uint32_t partitions : {1u, 3u, 16u}) {
    test::TempDir dir;
    EXPECT_EQ(run(docs, ReduceRule::kExact, partitions, dir.path()), expected) << partitions;
  }
}

TEST(Shuffle, ExactDedupHonoursAnExplicitOrderOverPosition) {
  std::vector<Doc> docs = {{0, 0, 9, "x", 0}, {1, 0, 1, "x", 0}, {1, 1, 5, "y", 0}};
  test::TempDir dir;
  auto dropped = run(docs, ReduceRule::kExact, 2, dir.path());
  EXPECT_EQ(dropped, (std::set<std::pair<uint32_t, uint32_t>>{{0, 0}}));
}

TEST(Shuffle, SimHashBandsFindEveryPairWithinDistanceFive) {
  std::mt19937_64 rng(11);
  std::vector<Doc> docs;
  uint32_t n = 0;
  for (int i = 0; i < 400; ++i) {
    uint64_t base = rng();
    docs.push_back({n % 4, n / 4, n, "", base});
    ++n;
    if (i % 3 == 0) {  // a near-duplicate with 1..7 flipped bits, before or after the original
      uint64_t flipped = base;
      int bits = 1 + static_cast<int>(rng() % 7);
      for (int b = 0; b < bits; ++b) flipped ^= uint64_t{1} << (rng() % 64);
      docs.push_back({n % 4, n / 4, i % 2 ? n : n - 2, "", flipped});
      ++n;
    }
  }
  std::set<std::pair<uint32_t, uint32_t>> expected;
  for (const auto& a : docs)
    for (const auto& b : docs)
      if (&a != &b && std::popcount(a.sig ^ b.sig) <= 5 && rank(b) < rank(a)) expected.insert({a.unit, a.ordinal});
  ASSERT_GT(expected.size(), 60u);
  for (uint32_t partitions : {1u, 5u}) {
    test::TempDir dir;
    EXPECT_EQ(run(docs, ReduceRule::kSimHash, partitions, dir.path()), expected) << partitions;
  }
}

TEST(Shuffle, SimHashBandLayoutMatchesTheSimhashPackage) {
  // Two signatures differing only in the top 14 bits share bands 0..4, not band 5.
  auto a = simhash_entries(0x0000'0000'0000'0000ull, 0, 0, 0);
  auto b = simhash_entries(0xFFFC'0000'0000'0000ull, 0, 0, 1);
  ASSERT_EQ(a.size(), 6u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(a[i].h1, b[i].h1) << i;
  EXPECT_NE(a[5].h1, b[5].h1);
  // Bit 9 is band 0, bit 10 is band 1.
  EXPECT_NE(simhash_entries(1ull << 9, 0, 0, 0)[0].h1, a[0].h1);
  EXPECT_EQ(simhash_entries(1ull << 10, 0, 0, 0)[0].h1, a[0].h1);
}

TEST(Shuffle, DamagedFilesAreInputErrorsNamingTheFile) {
  test::TempDir dir;
  write_entry_file(dir / "u", {exact_entry("a", 0, 0, 0), exact_entry("b", 1, 0, 1)}, 4);
  EXPECT_THROW(read_entry_partition(dir / "u", 0, 8), InputError);
  std::string bytes = test::read_all(dir / "u");
  test::write_all(dir / "u", bytes.substr(0, bytes.size() - 5));
  bool threw = false;
  for (uint32_t p = 0; p < 4; ++p) {
    try {
      read_entry_partition(dir / "u", p, 4);
    } catch (const InputError& e) {
      threw = true;
      EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos);
    }
  }
  EXPECT_TRUE(threw);
  test::write_all(dir / "d", "RPDDROP1abc");
  EXPECT_THROW(read_unit_drops(dir / "d", 0), InputError);
}

}  // namespace
}  // namespace rpdata::dedup
