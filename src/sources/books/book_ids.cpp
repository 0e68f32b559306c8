#include "rpdata/sources/books/book_ids.h"

#include <algorithm>

#include "rpdata/core/error.h"

namespace rpdata::sources::books {

BookIds::BookIds(const dedup::DedupRun& run, dedup::BookIdMode mode) : mode_(mode) {
  std::vector<uint64_t> docs;
  for (uint32_t u = 0; u < run.units(); ++u) docs.push_back(run.unit_docs(u));
  init(run.unit_group, docs);
}

BookIds::BookIds(const std::vector<uint32_t>& groups, const std::vector<uint64_t>& docs, dedup::BookIdMode mode)
    : mode_(mode) {
  init(groups, docs);
}

void BookIds::init(const std::vector<uint32_t>& groups, const std::vector<uint64_t>& docs) {
  group_ = groups;
  docs_ = docs;
  uint64_t total = 0;
  for (size_t u = 0; u < docs.size(); ++u) {
    uint32_t g = groups[u];
    if (g > group_docs_.size()) throw Error("book ids: groups must be numbered in first-seen order");
    if (g == group_docs_.size()) {
      group_docs_.push_back(0);
      group_units_.emplace_back();
    }
    // dedup.py: str(line + chunk*2000) per corpus = the book's position in its group.
    first_key_.push_back(mode_ == dedup::BookIdMode::kRedPajama ? group_docs_[g] : total);
    group_docs_[g] += docs[u];
    group_units_[g].push_back(static_cast<uint32_t>(u));
    total += docs[u];
  }
}

std::pair<uint32_t, uint32_t> BookIds::holder(uint32_t g, uint64_t key) const {
  const auto& units = group_units_[g];
  // The last unit of the group whose first key is <= key (units of a group have rising keys).
  auto it = std::upper_bound(units.begin(), units.end(), key,
                             [&](uint64_t k, uint32_t u) { return k < first_key_[u]; });
  while (it != units.begin()) {
    uint32_t u = *--it;
    if (key < first_key_[u] + docs_[u]) return {u, static_cast<uint32_t>(key - first_key_[u])};
    if (docs_[u] > 0) break;
  }
  return {UINT32_MAX, 0};
}

}  // namespace rpdata::sources::books
