// RedPajama's book ids in the cross-unit `simhash` dedup kind (sources/books/book_ids.h): ids
// per [[inputs]] group, the reduce ordering by id, and the apply stage's flag inheritance,
// against the whole-corpus library decision (dedup::simhash_keep with book_signatures /
// book_keep_options, itself checked against the Python dedup.py reference), for any split into
// units and partitions; and the [[inputs]] / [dedup] book_ids recipe checks.
#include <gtest/gtest.h>

#include <random>

#include "rpdata/core/error.h"
#include "rpdata/dedup/shuffle.h"
#include "rpdata/dedup/simhash.h"
#include "rpdata/exec/recipe.h"
#include "rpdata/exec/runner.h"
#include "rpdata/sources/books/book_ids.h"

namespace rpdata::sources::books {
namespace {
using dedup::BookIdMode;
using exec::group_recipe;
using exec::parse_recipe;
using exec::Recipe;
using exec::validate_recipe;

TEST(BookIds, KeysRestartPerGroupOnlyInRedPajamaMode) {
  // Units: pg19 (3 docs, 2 docs), books3 (2 docs, 0 docs, 4 docs).
  std::vector<uint32_t> groups = {0, 0, 1, 1, 1};
  std::vector<uint64_t> docs = {3, 2, 2, 0, 4};
  BookIds rp(groups, docs, BookIdMode::kRedPajama), un(groups, docs, BookIdMode::kUnique);
  EXPECT_EQ(rp.key(1, 1), 4u);
  EXPECT_EQ(rp.key(2, 0), 0u);  // Books3 counts from 0 again
  EXPECT_EQ(rp.key(4, 3), 5u);
  EXPECT_EQ(un.key(2, 0), 5u);
  EXPECT_EQ(un.key(4, 3), 10u);
  // Flags: Books3 id 1 (unit 2, ordinal 1) and id 4 (unit 4, ordinal 2) dropped; PG-19 id 2
  // (unit 0, ordinal 2) dropped on its own. PG-19 ids 1 and 4 inherit the drops; PG-19 id 2
  // takes Books3 id 2's keep; nothing holds id 5+ in Books3, so no PG-19 id beyond 5 changes.
  auto drops_of = [](uint32_t u) {
    if (u == 0) return std::vector<uint32_t>{2};
    if (u == 2) return std::vector<uint32_t>{1};
    if (u == 4) return std::vector<uint32_t>{2};
    return std::vector<uint32_t>{};
  };
  EXPECT_EQ(rp.final_drops(0, drops_of), (std::vector<uint32_t>{1}));
  EXPECT_EQ(rp.final_drops(1, drops_of), (std::vector<uint32_t>{1}));  // id 4
  EXPECT_EQ(rp.final_drops(4, drops_of), (std::vector<uint32_t>{2}));
  EXPECT_EQ(un.final_drops(0, drops_of), (std::vector<uint32_t>{2}));
  EXPECT_EQ(un.final_drops(1, drops_of), (std::vector<uint32_t>{}));
}

// The stage pipeline in memory: map every book to its band entries, reduce each partition
// with ids as orders, apply the flags; compared with the whole-corpus decision.
std::vector<bool> staged_keep(const std::vector<uint64_t>& sigs, const std::vector<uint32_t>& groups,
                              const std::vector<uint64_t>& docs, BookIdMode mode, uint32_t partitions) {
  BookIds ids(groups, docs, mode);
  std::vector<std::vector<dedup::Entry>> parts(partitions);
  size_t b = 0;
  for (uint32_t u = 0; u < docs.size(); ++u)
    for (uint32_t o = 0; o < docs[u]; ++o, ++b)
      for (auto e : dedup::simhash_entries(sigs[b], 0, u, o)) {
        e.order = ids.key(u, o);
        parts[dedup::partition_of(e, partitions)].push_back(e);
      }
  std::vector<dedup::Drop> drops;
  for (auto& p : parts) {
    auto d = dedup::reduce_partition(p, dedup::ReduceRule::kSimHash);
    drops.insert(drops.end(), d.begin(), d.end());
  }
  auto drops_of = [&](uint32_t u) {
    std::vector<uint32_t> out;
    for (const auto& d : drops)
      if (d.unit == u) out.push_back(d.ordinal);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  };
  std::vector<bool> keep;
  for (uint32_t u = 0; u < docs.size(); ++u) {
    auto d = ids.final_drops(u, drops_of);
    for (uint32_t o = 0; o < docs[u]; ++o) keep.push_back(!std::binary_search(d.begin(), d.end(), o));
  }
  return keep;
}

TEST(BookIds, StagedDecisionEqualsWholeCorpusForAnySplit) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 60; ++round) {
    // Clustered signatures: a few centres, members within a few flipped bits, so near-duplicates
    // arise inside and across the two corpora and at colliding ids.
    std::vector<uint64_t> centres(3 + rng() % 4);
    for (auto& c : centres) c = rng();
    auto draw = [&] {
      uint64_t s = centres[rng() % centres.size()];
      for (int f = static_cast<int>(rng() % 8); f > 0; --f) s ^= uint64_t{1} << (rng() % 64);
      return s;
    };
    size_t n_pg = 1 + rng() % 25, n_b3 = 1 + rng() % 25;
    std::vector<uint64_t> pg(n_pg), b3(n_b3);
    for (auto& s : pg) s = draw();
    for (auto& s : b3) s = draw();
    std::vector<uint64_t> all = pg;
    all.insert(all.end(), b3.begin(), b3.end());
    // Random unit sizes (empty units too) in each group.
    std::vector<uint32_t> groups;
    std::vector<uint64_t> docs;
    for (uint32_t g = 0; g < 2; ++g) {
      uint64_t left = g == 0 ? n_pg : n_b3;
      while (left > 0) {
        uint64_t n = std::min<uint64_t>(left, rng() % 6);
        groups.push_back(g);
        docs.push_back(n);
        left -= n;
      }
    }
    for (BookIdMode mode : {BookIdMode::kRedPajama, BookIdMode::kUnique}) {
      auto want = dedup::simhash_keep(dedup::book_signatures(pg, b3, mode), dedup::book_keep_options(mode));
      for (uint32_t partitions : {1u, 3u, 16u})
        ASSERT_EQ(staged_keep(all, groups, docs, mode, partitions), want)
            << "round " << round << " mode " << static_cast<int>(mode) << " partitions " << partitions;
    }
  }
}

std::string recipe_error(const std::string& toml) {
  try {
    validate_recipe(parse_recipe(toml, "test.toml"));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

constexpr const char* kGroups = R"(
source = "book"
[[inputs]]
name = "pg19"
[inputs.read]
format = "books"
[[inputs]]
name = "books3"
local = true
[inputs.download]
files_per_unit = 2
[inputs.read]
format = "books"
kind = "books3"
[[steps]]
type = "book_simhash"
[dedup]
kind = "simhash"
key = "simhash"
)";

TEST(InputGroups, RecipeChecks) {
  EXPECT_EQ(recipe_error(kGroups), "");
  Recipe r = parse_recipe(kGroups, "test.toml");
  ASSERT_EQ(r.inputs.size(), 2u);
  EXPECT_TRUE(r.inputs[1].local);
  EXPECT_EQ(param_value_text(*group_recipe(r, r.inputs[1]).read.given("kind")), "\"books3\"");
  std::string s(kGroups);
  EXPECT_NE(recipe_error(s + "book_ids = \"fixed\"\n").find("book_ids must be"), std::string::npos);
  EXPECT_EQ(recipe_error(s + "book_ids = \"unique\"\n"), "");
  EXPECT_NE(recipe_error(s + "[read]\nformat = \"books\"\n").find("per group"), std::string::npos);
  std::string two_local = s;
  two_local.replace(two_local.find("name = \"pg19\""), 13, "name = \"pg19\"\nlocal = true");
  EXPECT_NE(recipe_error(two_local).find("at most one"), std::string::npos);
  std::string bad_name = s;
  bad_name.replace(bad_name.find("\"pg19\""), 6, "\"PG 19\"");
  EXPECT_NE(recipe_error(bad_name).find("[a-z0-9_]+"), std::string::npos);
  std::string unknown = s;
  unknown.replace(unknown.find("kind = \"books3\""), 15, "kind = \"books3\"\nsufix = \".txt\"");
  EXPECT_NE(recipe_error(unknown).find("sufix"), std::string::npos);
}

}  // namespace
}  // namespace rpdata::sources::books
