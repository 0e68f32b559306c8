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
  static constexpr int32_t kMaxId = (1 << 20) - 1;        // ids are packed in 20 bits
  static constexpr uint32_t kMaxRank = (1u << 24) - 2;    // ranks in 24 bits

  // byte_ids: the vocab id of each byte's byte-level character, -1 when absent (such bytes
  // are dropped, as HF does without an unk token).
  explicit BpeMerges(const int32_t (&byte_ids)[256]);

  // Registers merge `rank` (a, b) -> merged, ids in [0, kMaxId], rank <= kMaxRank, ranks
  // added in increasing order; a later duplicate pair replaces the earlier one (HF collects
  // merges into a HashMap).
  void add(int32_t a, int32_t b, int32_t merged, uint32_t rank);
  // Call once after the last add().
  void finish();

  // Rank of the pair (a, b), or kNoRank. One probe of an 8-byte-entry table (1 MB for
  // GPT-NeoX's 50009 merges), the hot path of BPE.
  uint32_t rank(int32_t a, int32_t b) const {
    const uint64_t key = pack_key(a, b);
    for (size_t i = slot(key);; i = (i + 1) & mask_) {
      const uint64_t e = table_[i];
      if ((e >> kRankBits) == key) return static_cast<uint32_t>(e & kRankMask);
      if (e == kEmpty) return kNoRank;
    }
  }
  // The token a merge of this rank produces.
  int32_t merged(uint32_t rank) const { return merged_[rank]; }

  // Replaces `ids` with the BPE tokens of the bytes [w, w + n).
  void encode_word(const uint8_t* w, size_t n, std::vector<int32_t>& ids) const;
  // The two algorithms encode_word picks from by length (exposed for tests): a quadratic
  // scan for short words, a heap with lazy invalidation (HF's) for long ones.
  void merge_scan(std::vector<int32_t>& ids) const;
  void merge_heap(std::vector<int32_t>& ids) const;

  int32_t byte_id(uint8_t b) const { return byte_ids_[b]; }
  // Token count of the two-byte word (a, b) (a table made by finish(): no probe).
  size_t two_byte_count(uint8_t a, uint8_t b) const { return pair_count_[size_t{a} << 8 | b]; }

 private:
  static constexpr int kRankBits = 24;
  static constexpr uint64_t kRankMask = (uint64_t{1} << kRankBits) - 1;
  static constexpr uint64_t kEmpty = ~uint64_t{0};  // key bits all ones: no valid pair
  static uint64_t pack_key(int32_t a, int32_t b) {
    return (uint64_t{static_cast<uint32_t>(a)} << 20) | static_cast<uint32_t>(b);
  }
  size_t slot(uint64_t key) const {
    return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_);
  }

  int32_t byte_ids_[256];
  std::vector<uint8_t> pair_count_;  // [a << 8 | b]: tokens of the two-byte word (0, 1 or 2)
  std::vector<std::pair<uint64_t, uint32_t>> pending_;  // (key, rank) until finish()
  std::vector<int32_t> merged_;                         // by rank
  std::vector<uint64_t> table_;                         // key << 24 | rank
  size_t mask_ = 0;
  int shift_ = 64;
};

}  // namespace rpdata::tokenize::detail
