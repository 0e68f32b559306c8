// Per-tokenizer memos of pre-token bytes -> BPE result (a token count, or the ids), so that a
// repeated word costs one hash lookup: WordCache holds every word up to 255 bytes;
// ShortWordCounts in front of it holds the counts of recent words up to 12 bytes inline, so a
// frequent word is one memory access. Bounded; neither changes results.
// The hashes never reach any output.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <type_traits>
#include <span>
#include <string>
#include <vector>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace rpdata::tokenize::detail {

struct Free {
  void operator()(void* p) const { std::free(p); }
};
// n zeroed objects of a trivial type T (all-zero bytes must be a valid empty T).
template <class T>
std::unique_ptr<T[], Free> zeroed(size_t n) {
  static_assert(std::is_trivially_copyable_v<T>);
  void* p = std::calloc(n, sizeof(T));
  if (!p) throw std::bad_alloc();
  return std::unique_ptr<T[], Free>(static_cast<T*>(p));
}

class WordCache {
 public:
  static constexpr size_t kMaxKeyBytes = 255;  // longer words are not cached

  // `log2_slots`: table size; the cache is emptied when 3/4 of the slots are used.
  // The table is allocated on first use (a tokenizer that only counts never fills its ids
  // cache) and zeroed by calloc, whose fresh pages cost nothing until touched.
  explicit WordCache(int log2_slots = 16)
      : n_slots_(size_t{1} << log2_slots), mask_(n_slots_ - 1), max_entries_(n_slots_ / 4 * 3) {}

  static uint64_t hash(const uint8_t* w, size_t n) { return XXH3_64bits(w, n); }

  // Token count of the cached word, or -1.
  int32_t find_count(const uint8_t* w, size_t n, uint64_t h) const {
    const Slot* s = find(w, n, h);
    return s ? s->n_ids : -1;
  }
  // The cached ids of the word, or an empty span with ok=false.
  std::span<const int32_t> find_ids(const uint8_t* w, size_t n, uint64_t h, bool& ok) const {
    const Slot* s = find(w, n, h);
    ok = s != nullptr;
    if (!ok) return {};
    return {ids_.data() + s->ids_off, s->n_ids};
  }

  // Stores a word's count (count mode) or ids (encode mode). n <= kMaxKeyBytes.
  void put_count(const uint8_t* w, size_t n, uint64_t h, size_t count) {
    Slot* s = claim(w, n, h);
    s->n_ids = static_cast<uint16_t>(count);
  }
  void put_ids(const uint8_t* w, size_t n, uint64_t h, std::span<const int32_t> ids) {
    Slot* s = claim(w, n, h);
    s->ids_off = static_cast<uint32_t>(ids_.size());
    s->n_ids = static_cast<uint16_t>(ids.size());
    ids_.insert(ids_.end(), ids.begin(), ids.end());
  }

 private:
  struct Slot {
    uint32_t tag;      // high half of the hash
    uint32_t key_off;  // into keys_
    uint16_t key_len;  // 0: empty slot
    uint16_t n_ids;    // token count
    uint32_t ids_off;  // into ids_ (encode mode)
  };

  const Slot* find(const uint8_t* w, size_t n, uint64_t h) const {
    if (!slots_) return nullptr;
    const auto tag = static_cast<uint32_t>(h >> 32);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.key_len == 0) return nullptr;
      if (s.tag == tag && s.key_len == n && std::memcmp(keys_.data() + s.key_off, w, n) == 0) {
        return &s;
      }
    }
  }

  // A fresh slot for a word known to be absent.
  Slot* claim(const uint8_t* w, size_t n, uint64_t h) {
    if (!slots_) slots_ = zeroed<Slot>(n_slots_);
    if (entries_ >= max_entries_) clear();
    ++entries_;
    size_t i = h & mask_;
    while (slots_[i].key_len != 0) i = (i + 1) & mask_;
    Slot& s = slots_[i];
    s.tag = static_cast<uint32_t>(h >> 32);
    s.key_off = static_cast<uint32_t>(keys_.size());
    s.key_len = static_cast<uint16_t>(n);
    keys_.append(reinterpret_cast<const char*>(w), n);
    return &s;
  }

  void clear() {
    std::memset(slots_.get(), 0, n_slots_ * sizeof(Slot));
    keys_.clear();
    ids_.clear();
    entries_ = 0;
  }

  std::unique_ptr<Slot[], Free> slots_;
  size_t n_slots_;
  size_t mask_;
  size_t max_entries_;
  size_t entries_ = 0;
  std::string keys_;
  std::vector<int32_t> ids_;
};

// Word -> token count table with the word's bytes inline (zero-padded to 12), for words of
// 3..12 bytes (99 % of English pre-tokens): open addressing over 2^16 entries of 16 bytes
// (1 MB, so it stays cached beside the zstd and zlib working sets), emptied when 3/4 full.
// A lookup is one memory access (WordCache's are two: slot, then key bytes), and callers
// prefetch a batch of words' first entries before resolving them, so the misses overlap.
class ShortWordCounts {
 public:
  static constexpr size_t kMaxKeyBytes = 12;

  struct Key {
    uint64_t lo;
    uint32_t hi, n;
  };
  // The word's padded key, 1 <= n <= kMaxKeyBytes; `end` bounds the readable bytes after w.
  static Key key(const uint8_t* w, size_t n, const uint8_t* end) {
    Key k{0, 0, static_cast<uint32_t>(n)};
    if (end - w >= 12) {
      std::memcpy(&k.lo, w, 8);
      std::memcpy(&k.hi, w + 8, 4);
      k.lo &= n >= 8 ? ~uint64_t{0} : ~uint64_t{0} >> (64 - 8 * n);
      k.hi &= n <= 8 ? 0u : ~uint32_t{0} >> (96 - 8 * n);
    } else {
      unsigned char buf[12] = {};
      std::memcpy(buf, w, n);
      std::memcpy(&k.lo, buf, 8);
      std::memcpy(&k.hi, buf + 8, 4);
    }
    return k;
  }
  // Where the key's probe starts; prefetch() it ahead of find() to overlap misses.
  static size_t slot(uint64_t lo, uint32_t hi, uint32_t n) {
    const uint64_t h = (lo ^ ((uint64_t{hi} << 8 | n) * 0x9E3779B97F4A7C15ull)) * 0xBF58476D1CE4E5B9ull;
    return static_cast<size_t>(h >> (64 - kLog2Entries));
  }

  ShortWordCounts() : entries_(zeroed<Entry>(size_t{1} << kLog2Entries)) {}

  void prefetch(size_t slot) const { __builtin_prefetch(&entries_[slot]); }

  // The cached count of the word, or -1; `slot` is slot(k).
  int32_t find(const Key& k, size_t slot) const {
    for (size_t i = slot;; i = (i + 1) & kMask) {
      const Entry& e = entries_[i];
      if (e.n == 0) return -1;
      if (e.lo == k.lo && e.hi == k.hi && e.n == k.n) return e.count;
    }
  }
  // Stores the count of a word known to be absent.
  void put(const Key& k, size_t slot, size_t count) {
    if (count > 0xFFFF) return;
    if (used_ >= kMaxUsed) {
      std::memset(static_cast<void*>(entries_.get()), 0, (size_t{1} << kLog2Entries) * sizeof(Entry));
      used_ = 0;
    }
    ++used_;
    size_t i = slot;
    while (entries_[i].n != 0) i = (i + 1) & kMask;
    entries_[i] = Entry{k.lo, k.hi, static_cast<uint16_t>(k.n), static_cast<uint16_t>(count)};
    static_assert(sizeof(Entry) == 16);
  }

 private:
  static constexpr int kLog2Entries = 16;
  static constexpr size_t kMask = (size_t{1} << kLog2Entries) - 1;
  static constexpr size_t kMaxUsed = (size_t{1} << kLog2Entries) / 4 * 3;
  struct Entry {
    uint64_t lo;
    uint32_t hi;
    uint16_t n;  // 0: empty (no word is empty)
    uint16_t count;
  };
  std::unique_ptr<Entry[], Free> entries_;
  size_t used_ = 0;
};

}  // namespace rpdata::tokenize::detail
