// cc_net's paragraph (line) dedup (CCN:dedup.py, flat_hash_set.py; spec section 1.4): each
// '\n'-line of raw_content is keyed by SHA-1 of its normalize_for_dedup() form; pass 1 builds
// a HashGroup over the documents of a hash group, pass 2 drops every line seen in >= 2 documents
// (all copies) and then repeats inside a document. Deterministic: no std::hash, no unordered
// iteration reaches the output.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rpdata::dedup {

// Hash of one line: the first 8 bytes of SHA-1(UTF-8(normalize_for_dedup(line))) read as a
// little-endian uint64 (numpy's view of the digest on x86). An empty line hashes SHA-1("").
class LineHasher {
 public:
  LineHasher();
  ~LineHasher();
  LineHasher(LineHasher&&) noexcept;
  LineHasher& operator=(LineHasher&&) noexcept;

  uint64_t hash(std::string_view line);
  // cc_net compute_hashes(): one hash per element of text.split("\n") (so n('\n') + 1 hashes).
  void hash_document(std::string_view text, std::vector<uint64_t>& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// cc_net's AbstractDedupHashSet: uint64 line hash -> flag "added by >= 2 documents".
// Open addressing, linear probing, power-of-two capacity, load <= 3/4. A slot is an 8-byte key
// plus a 1-byte flag (two parallel arrays, 9 bytes per slot), so a table holding N distinct
// hashes uses between 12 and 24 bytes per hash (kBytesPerSlot / load); memory_for(N) is the exact
// figure for a table reserved for N. Key 0 lives outside the arrays (0 marks an empty slot).
class HashGroup {
 public:
  static constexpr size_t kBytesPerSlot = sizeof(uint64_t) + 1;
  static constexpr double kMaxLoad = 0.75;

  explicit HashGroup(size_t expected_hashes = 0);

  // Pass 1, cc_net add(): membership of the whole array is tested first, then every hash is
  // stored with flag = "was present before this document". Repeats inside one document
  // therefore do not flag; a hash added by a second document does.
  void add_document(std::span<const uint64_t> hashes);
  // cc_net merge() (loading another shard's hash file into the group): flag = present here
  // already OR flagged there. Iterates `other` in slot order; the result does not depend on it.
  void merge(const HashGroup& other);

  bool contains(uint64_t h) const;
  // cc_net __getitem__: the flag, false for an absent hash.
  bool flagged(uint64_t h) const;
  size_t size() const { return size_; }
  size_t capacity() const { return keys_.size(); }
  // Bytes held by the table now.
  size_t memory_bytes() const { return keys_.size() * kBytesPerSlot; }

  // Capacity (slots) and bytes of a table reserved for `n` distinct hashes.
  static size_t capacity_for(uint64_t n);
  static uint64_t memory_for(uint64_t n);
  // Whether a group of up to `n_lines` lines (an upper bound on distinct hashes) fits
  // `budget_bytes` when reserved up front (no rehash, so no transient doubling).
  static bool fits(uint64_t n_lines, uint64_t budget_bytes) { return memory_for(n_lines) <= budget_bytes; }

  // (hash, flag) pairs sorted by hash: a deterministic dump order.
  std::vector<std::pair<uint64_t, bool>> sorted_items() const;

 private:
  size_t find_slot(uint64_t h) const;  // slot holding h, or the empty slot where it would go
  void set(uint64_t h, bool flag);
  void grow();

  std::vector<uint64_t> keys_;
  std::vector<uint8_t> flags_;
  size_t size_ = 0;
  bool has_zero_ = false;
  bool zero_flag_ = false;
  std::vector<uint8_t> scratch_;
};

// Pass 2 result for one document (cc_net DuplicatesRemover.do + finalize_doc).
struct LineDedupResult {
  bool keep = false;               // false: every line was flagged (or the text was empty)
  std::string text;                // kept lines joined by '\n'
  uint64_t original_nlines = 0;    // lines of the input (text.split("\n"))
  uint64_t original_length = 0;    // code points of the input
  uint64_t nlines = 0;             // kept lines
  uint64_t length = 0;             // code points of `text`
  std::vector<uint32_t> line_ids;  // indices (0-based) of the kept input lines
};

// Pass 2: drops every line whose hash is flagged in `group` (all copies); if none is left the
// document is dropped; otherwise keeps the first occurrence of each remaining hash, skipping
// hash 0 (cc_net multiplies dropped hashes by 0). `hashes` must be hash_document(text).
LineDedupResult dedup_document(std::string_view text, std::span<const uint64_t> hashes,
                               const HashGroup& group);

}  // namespace rpdata::dedup
