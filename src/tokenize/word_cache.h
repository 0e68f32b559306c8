// Per-tokenizer memo of pre-token bytes -> BPE result (a token count, or the ids), so that a
// repeated word costs one hash lookup. Bounded: emptied when it reaches its entry limit,
// which changes speed only, never results. The hash (XXH3) never reaches any output.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace rpdata::tokenize::detail {

class WordCache {
 public:
  static constexpr size_t kMaxKeyBytes = 255;  // longer words are not cached

  // `log2_slots`: table size; the cache is emptied when 3/4 of the slots are used.
  explicit WordCache(int log2_slots = 16)
      : slots_(size_t{1} << log2_slots), mask_((size_t{1} << log2_slots) - 1),
        max_entries_(slots_.size() / 4 * 3) {}

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
    std::memset(slots_.data(), 0, slots_.size() * sizeof(Slot));
    keys_.clear();
    ids_.clear();
    entries_ = 0;
  }

  std::vector<Slot> slots_;
  size_t mask_;
  size_t max_entries_;
  size_t entries_ = 0;
  std::string keys_;
  std::vector<int32_t> ids_;
};

}  // namespace rpdata::tokenize::detail
