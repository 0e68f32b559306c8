#include "bpe.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace rpdata::tokenize::detail {
namespace {
constexpr size_t kScanMax = 64;  // words up to this many symbols use merge_scan
}  // namespace

BpeMerges::BpeMerges(const int32_t (&byte_ids)[256]) {
  std::memcpy(byte_ids_, byte_ids, sizeof(byte_ids_));
}

void BpeMerges::add(int32_t a, int32_t b, int32_t merged, uint32_t rank) {
  pending_.emplace_back(pack_key(a, b), rank);
  if (merged_.size() <= rank) merged_.resize(rank + 1, -1);
  merged_[rank] = merged;
}

void BpeMerges::finish() {
  const size_t cap = std::bit_ceil(std::max<size_t>(16, pending_.size() * 2));
  table_.assign(cap, kEmpty);
  mask_ = cap - 1;
  shift_ = 64 - std::countr_zero(cap);
  for (const auto& [key, rank] : pending_) {
    for (size_t i = slot(key);; i = (i + 1) & mask_) {
      if ((table_[i] >> kRankBits) == key || table_[i] == kEmpty) {
        table_[i] = (key << kRankBits) | rank;  // a later duplicate replaces the earlier one
        break;
      }
    }
  }
  pending_.clear();
  pending_.shrink_to_fit();
  pair_count_.assign(size_t{1} << 16, 0);
  for (size_t a = 0; a < 256; ++a)
    for (size_t b = 0; b < 256; ++b) {
      const int32_t ia = byte_ids_[a], ib = byte_ids_[b];
      uint8_t n = static_cast<uint8_t>((ia >= 0) + (ib >= 0));
      if (n == 2 && rank(ia, ib) != kNoRank) n = 1;
      pair_count_[a << 8 | b] = n;
    }
}

void BpeMerges::encode_word(const uint8_t* w, size_t n, std::vector<int32_t>& ids) const {
  ids.clear();
  for (size_t i = 0; i < n; ++i) {
    const int32_t id = byte_ids_[w[i]];
    if (id >= 0) ids.push_back(id);
  }
  if (ids.size() <= kScanMax) {
    merge_scan(ids);
  } else {
    merge_heap(ids);
  }
}

void BpeMerges::merge_scan(std::vector<int32_t>& ids) const {
  size_t n = ids.size();
  if (n < 2) return;
  std::vector<uint32_t> ranks_heap;
  uint32_t ranks_local[kScanMax];
  uint32_t* ranks = ranks_local;
  if (n > kScanMax) {
    ranks_heap.resize(n);
    ranks = ranks_heap.data();
  }
  int32_t* s = ids.data();
  for (size_t i = 0; i + 1 < n; ++i) ranks[i] = rank(s[i], s[i + 1]);
  while (n > 1) {
    uint32_t best = kNoRank;
    size_t bi = 0;
    for (size_t i = 0; i + 1 < n; ++i) {
      if (ranks[i] < best) {
        best = ranks[i];
        bi = i;
      }
    }
    if (best == kNoRank) break;
    s[bi] = merged_[best];
    // Remove symbol bi+1 and pair bi (the pair to its right moves down to bi).
    std::memmove(s + bi + 1, s + bi + 2, (n - bi - 2) * sizeof(int32_t));
    std::memmove(ranks + bi, ranks + bi + 1, (n - bi - 2) * sizeof(uint32_t));
    --n;
    if (bi > 0) ranks[bi - 1] = rank(s[bi - 1], s[bi]);
    if (bi + 1 < n) ranks[bi] = rank(s[bi], s[bi + 1]);
  }
  ids.resize(n);
}

void BpeMerges::merge_heap(std::vector<int32_t>& ids) const {
  const size_t n = ids.size();
  if (n < 2) return;
  struct Sym {
    int32_t id;
    int32_t prev, next;  // -1 at the ends
    bool alive;
  };
  struct Cand {
    uint32_t rank;
    uint32_t pos;
  };
  // Min-heap on (rank, pos): lowest rank first, leftmost on ties.
  auto later = [](const Cand& a, const Cand& b) {
    return a.rank != b.rank ? a.rank > b.rank : a.pos > b.pos;
  };
  std::vector<Sym> sym(n);
  for (size_t i = 0; i < n; ++i) {
    sym[i] = Sym{ids[i], static_cast<int32_t>(i) - 1, i + 1 < n ? static_cast<int32_t>(i + 1) : -1,
                 true};
  }
  std::vector<Cand> heap;
  heap.reserve(n);
  auto push = [&](size_t pos, int32_t a, int32_t b) {
    const uint32_t r = rank(a, b);
    if (r == kNoRank) return;
    heap.push_back(Cand{r, static_cast<uint32_t>(pos)});
    std::push_heap(heap.begin(), heap.end(), later);
  };
  for (size_t i = 0; i + 1 < n; ++i) push(i, sym[i].id, sym[i + 1].id);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    const Cand top = heap.back();
    heap.pop_back();
    Sym& left = sym[top.pos];
    if (!left.alive || left.next < 0) continue;
    Sym& right = sym[static_cast<size_t>(left.next)];
    // Stale entry: the pair at pos has changed since it was queued (HF compares the merged
    // id; a pair determines its rank and its merged id, so comparing ranks is the same).
    if (rank(left.id, right.id) != top.rank) continue;
    left.id = merged_[top.rank];
    right.alive = false;
    left.next = right.next;
    if (right.next >= 0) sym[static_cast<size_t>(right.next)].prev = static_cast<int32_t>(top.pos);
    if (left.prev >= 0) push(static_cast<size_t>(left.prev), sym[static_cast<size_t>(left.prev)].id,
                             left.id);
    if (left.next >= 0) push(top.pos, left.id, sym[static_cast<size_t>(left.next)].id);
  }
  size_t k = 0;
  for (size_t i = 0; i < n; ++i) {
    if (sym[i].alive) ids[k++] = sym[i].id;
  }
  ids.resize(k);
}

}  // namespace rpdata::tokenize::detail
