// Byte-level BPE merging as Hugging Face `tokenizers` (models/bpe/word.rs merge_all) does it:
// start from one symbol per byte, repeatedly merge the adjacent pair of lowest merge rank,
// the leftmost one on ties, until no adjacent pair has a merge. GPT-NeoX-20B's 50009 merges.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace rpdata::tokenize::detail {

class BpeMerges {
 public:
  static constexpr uint32_t kNoRank = 0xFFFFFFFFu;

  // byte_ids: the vocab id of each byte's byte-level character, -1 when absent (such bytes
  // are dropped, as HF does without an unk token).
  explicit BpeMerges(const int32_t (&byte_ids)[256]);

  // Registers merge `rank` (a, b) -> merged; a later duplicate pair replaces the earlier one
  // (HF collects merges into a HashMap).
  void add(int32_t a, int32_t b, int32_t merged, uint32_t rank);
  // Call once after the last add().
  void finish();

  // Rank of the pair (a, b) and its merged id, or kNoRank.
  uint32_t rank(int32_t a, int32_t b, int32_t& merged) const {
    const uint64_t key = pack(a, b);
    for (size_t i = slot(key);; i = (i + 1) & mask_) {
      const Entry& e = table_[i];
      if (e.key == key) {
        merged = e.merged;
        return e.rank;
      }
      if (e.key == kEmpty) return kNoRank;
    }
  }

  // Replaces `ids` with the BPE tokens of the bytes [w, w + n).
  void encode_word(const uint8_t* w, size_t n, std::vector<int32_t>& ids) const;
  // The two algorithms encode_word picks from by length (exposed for tests): a quadratic
  // scan for short words, a heap with lazy invalidation (HF's) for long ones.
  void merge_scan(std::vector<int32_t>& ids) const;
  void merge_heap(std::vector<int32_t>& ids) const;

  int32_t byte_id(uint8_t b) const { return byte_ids_[b]; }

 private:
  struct Entry {
    uint64_t key;
    uint32_t rank;
    int32_t merged;
  };
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  static uint64_t pack(int32_t a, int32_t b) {
    return (uint64_t{static_cast<uint32_t>(a)} << 32) | static_cast<uint32_t>(b);
  }
  size_t slot(uint64_t key) const {
    return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_);
  }
  void insert(const Entry& e);

  int32_t byte_ids_[256];
  std::vector<std::pair<uint64_t, std::pair<uint32_t, int32_t>>> pending_;
  std::vector<Entry> table_;
  size_t mask_ = 0;
  int shift_ = 64;
};

}  // namespace rpdata::tokenize::detail
