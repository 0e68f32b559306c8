// RedPajama's book ids for the cross-unit SimHash dedup (RP:data_prep/book/dedup.py, spec
// section 4). A book's id is its position in its input group (PG-19 or Books3, plan order:
// unit, then position in the unit's main-stage output): `str(line + chunk*2000)`, restarting
// at 0 in each group (BookIdMode::kRedPajama), or continuing across groups (kUnique). The
// reduce orders near-duplicates by these ids; with kRedPajama the apply stage also gives every
// book the keep flag of the LAST book (plan order) holding its id, as dedup.py's one
// value_dict did. Everything follows from the main stage's per-unit document counts. The
// `simhash` dedup kind (simhash_kind.cpp) uses them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "rpdata/core/error.h"
#include "rpdata/dedup/kind.h"
#include "rpdata/dedup/simhash.h"

namespace rpdata::sources::books {

class BookIds {
 public:
  // `groups[u]` = group index of unit u (groups numbered in first-seen order), `docs[u]` = its
  // document count.
  BookIds(const std::vector<uint32_t>& groups, const std::vector<uint64_t>& docs, dedup::BookIdMode mode);
  // Of a dedup run whose main stage is complete (every unit's document count).
  BookIds(const dedup::DedupRun& run, dedup::BookIdMode mode);

  uint64_t key(uint32_t unit, uint32_t ordinal) const { return first_key_[unit] + ordinal; }

  // The ordinals of `unit` whose final flag is "drop": with kRedPajama a book takes the flag
  // of the last book holding its id (a later group's), else its own. `drops_of(u)` returns
  // the reduce's sorted drops of unit u (own decisions). Result sorted.
  template <class DropsOf>
  std::vector<uint32_t> final_drops(uint32_t unit, DropsOf&& drops_of) const;

 private:
  // The (unit, ordinal) holding `key` in group `g`, or unit = UINT32_MAX if none.
  std::pair<uint32_t, uint32_t> holder(uint32_t g, uint64_t key) const;
  void init(const std::vector<uint32_t>& groups, const std::vector<uint64_t>& docs);

  dedup::BookIdMode mode_;
  std::vector<uint32_t> group_;       // per unit
  std::vector<uint64_t> docs_;        // per unit
  std::vector<uint64_t> first_key_;   // per unit
  std::vector<uint64_t> group_docs_;  // per group
  std::vector<std::vector<uint32_t>> group_units_;
};

template <class DropsOf>
std::vector<uint32_t> BookIds::final_drops(uint32_t unit, DropsOf&& drops_of) const {
  auto is_in = [](const std::vector<uint32_t>& sorted, uint32_t x) {
    return std::binary_search(sorted.begin(), sorted.end(), x);
  };
  std::vector<uint32_t> own = drops_of(unit);
  if (mode_ == dedup::BookIdMode::kUnique || group_docs_.size() < 2) return own;
  std::vector<uint32_t> out;
  uint32_t cached_unit = UINT32_MAX;
  std::vector<uint32_t> cached;
  for (uint32_t o = 0; o < docs_[unit]; ++o) {
    uint64_t k = key(unit, o);
    uint32_t last = group_[unit];  // dedup.py merged the groups' flags in order: the last one wins
    for (uint32_t g = last + 1; g < group_docs_.size(); ++g)
      if (group_docs_[g] > k) last = g;
    bool drop;
    if (last == group_[unit]) {
      drop = is_in(own, o);
    } else {
      auto [u, ord] = holder(last, k);
      if (u == UINT32_MAX) throw Error("book ids: no holder of id " + std::to_string(k));
      if (u != cached_unit) {
        cached = drops_of(u);
        cached_unit = u;
      }
      drop = is_in(cached, ord);
    }
    if (drop) out.push_back(o);
  }
  return out;
}

// `[dedup] kind = "simhash"` with RedPajama's book ids (registered by register_source).
dedup::DedupKindType simhash_kind_type();

}  // namespace rpdata::sources::books
