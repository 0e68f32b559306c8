// KenLM's trie binary (model type 2, search version 1, no quantization; lm/search_trie.cc,
// lm/trie.cc): a sorted-hash vocabulary, an unigram array with child pointers, then one
// bit-packed array per order of (word, prob 31 bits, backoff 32 bits, next pointer) records
// sorted by word inside each parent's range; n-grams are stored newest word first.
#include <cstring>
#include <string>

#include "kenlm_internal.h"
#include "rpdata/core/error.h"

namespace rpdata::quality::kenlm_detail {
namespace {

// util::RequiredBits: bits to store values 0..max_value.
uint8_t required_bits(uint64_t max_value) {
  if (!max_value) return 0;
  uint8_t ret = 1;
  while (max_value >>= 1) ++ret;
  return ret;
}

// util::ReadInt57: `bits` (<= 57) bits at bit offset `bit` (little-endian packing).
inline uint64_t read_bits(const uint8_t* base, uint64_t bit, uint8_t bits) {
  uint64_t v;
  std::memcpy(&v, base + (bit >> 3), 8);
  return (v >> (bit & 7)) & ((bits == 64 ? 0 : (uint64_t{1} << bits)) - 1);
}

// util::ReadNonPositiveFloat31: 31 bits of an IEEE float whose sign bit is implied set.
inline float read_float31(const uint8_t* base, uint64_t bit) {
  uint32_t i = static_cast<uint32_t>(read_bits(base, bit, 31)) | 0x80000000u;
  float f;
  std::memcpy(&f, &i, 4);
  return f;
}

inline float read_float32(const uint8_t* base, uint64_t bit) {
  uint32_t i = static_cast<uint32_t>(read_bits(base, bit, 32));
  float f;
  std::memcpy(&f, &i, 4);
  return f;
}

// One order's bit-packed array (lm/trie.hh BitPacked, with DontBhiksha for the pointers).
struct Level {
  const uint8_t* base = nullptr;
  uint8_t word_bits = 0, quant_bits = 0, next_bits = 0, total_bits = 0;

  // util::BoundedSortedUniformFind over [begin, end): records are sorted by word id, so
  // a binary search finds the same record.
  bool find(uint32_t word, uint64_t begin, uint64_t end, uint64_t& at) const {
    while (begin < end) {
      uint64_t mid = begin + (end - begin) / 2;
      uint64_t w = read_bits(base, mid * total_bits, word_bits);
      if (w == word) {
        at = mid;
        return true;
      }
      if (w < word) begin = mid + 1;
      else end = mid;
    }
    return false;
  }
};

struct UnigramValue {
  float prob;
  float backoff;
  uint64_t next;
};
static_assert(sizeof(UnigramValue) == 16);

struct TrieTables {
  const uint8_t* unigrams = nullptr;  // UnigramValue records (may be unaligned in principle)
  std::vector<Level> middles;         // orders 2 .. N-1
  Level longest;

  struct Node {
    uint64_t begin, end;
  };
  UnigramValue unigram_at(uint32_t word) const {
    UnigramValue u;
    std::memcpy(&u, unigrams + size_t{word} * sizeof(UnigramValue), sizeof(u));
    return u;
  }
  ProbBackoff unigram(uint32_t word, Node& node) const {
    UnigramValue u = unigram_at(word);
    node.begin = u.next;
    node.end = unigram_at(word + 1).next;
    return {u.prob, u.backoff};
  }
  bool middle(unsigned k, Node& node, uint32_t word, ProbBackoff& out) const {
    const Level& l = middles[k];
    uint64_t at;
    if (!l.find(word, node.begin, node.end, at)) return false;
    uint64_t bit = at * l.total_bits + l.word_bits;
    out.prob = read_float31(l.base, bit);
    out.backoff = read_float32(l.base, bit + 31);
    node.begin = read_bits(l.base, bit + l.quant_bits, l.next_bits);
    node.end = read_bits(l.base, bit + l.total_bits + l.quant_bits, l.next_bits);
    return true;
  }
  bool lookup_longest(const Node& node, uint32_t word, float& prob) const {
    uint64_t at;
    if (!longest.find(word, node.begin, node.end, at)) return false;
    prob = read_float31(longest.base, at * longest.total_bits + longest.word_bits);
    return true;
  }
};

// BitPacked::BaseSize: one extra record for the final next pointer, rounded up to bytes,
// plus 8 bytes so 64-bit reads at the end stay inside.
uint64_t level_bytes(uint64_t entries, uint8_t total_bits) {
  return ((1 + entries) * total_bits + 7) / 8 + sizeof(uint64_t);
}

class TrieBackend : public Backend {
 public:
  TrieBackend(std::shared_ptr<MappedFile> file, const BinaryHeader& h);
  // Child ranges must be non-decreasing and inside the next level, so a damaged file cannot
  // make a lookup read outside the mapping. One pass over the pointers (not the records).
  void validate_pointers(const MappedFile& f, const BinaryHeader& h, uint64_t words) const;
  float score(std::string_view line, bool bos, bool eos,
              std::vector<LmTokenScore>* detail) const override {
    return score_line(tables_, line, bos, eos, detail);
  }
  float score_ids(std::span<const uint32_t> ids, bool bos, bool eos) const override {
    return score_id_seq(tables_, ids, bos, eos);
  }

 private:
  std::shared_ptr<MappedFile> file_;
  TrieTables tables_;
};

TrieBackend::TrieBackend(std::shared_ptr<MappedFile> file, const BinaryHeader& h)
    : file_(std::move(file)) {
  format_ = LmFormat::kTrie;
  order_ = h.order;
  const MappedFile& f = *file_;
  const std::vector<uint64_t>& c = h.counts;
  // SortedVocabulary: uint64 word count (without <unk>), then room for counts[0] hashes.
  size_t at = h.size;
  if (at + 8 > f.size()) throw InputError("KenLM trie: truncated vocabulary", f.path(), at);
  uint64_t words;
  std::memcpy(&words, f.data() + at, 8);
  if (words + 1 > c[0]) throw InputError("KenLM trie: vocabulary larger than the unigram count",
                                         f.path(), at);
  at += 8 + 8 * c[0];
  tables_.unigrams = f.data() + at;
  at += (c[0] + 2) * sizeof(UnigramValue);
  const uint8_t word_bits = required_bits(c[0]);
  for (unsigned n = 2; n < order_; ++n) {
    Level l;
    l.base = f.data() + at;
    l.word_bits = word_bits;
    l.quant_bits = 63;
    l.next_bits = required_bits(c[n]);
    l.total_bits = static_cast<uint8_t>(word_bits + l.quant_bits + l.next_bits);
    if (l.next_bits > 57)
      throw InputError("KenLM trie: too many n-grams for bit packing", f.path(), 108);
    tables_.middles.push_back(l);
    at += level_bytes(c[n - 1], l.total_bits);
  }
  Level& l = tables_.longest;
  l.base = f.data() + at;
  l.word_bits = word_bits;
  l.quant_bits = 31;
  l.total_bits = static_cast<uint8_t>(word_bits + 31);
  at += level_bytes(c[order_ - 1], l.total_bits);
  if (at > f.size())
    throw InputError("KenLM trie: file too small for its counts", f.path(), f.size());
  validate_pointers(f, h, words);
  vocab_.build(read_vocab_strings(f, at, words + 1));
  bos_id_ = vocab_.index("<s>");
  eos_id_ = vocab_.index("</s>");
  if (bos_id_ == 0 || eos_id_ == 0)
    throw InputError("KenLM trie: vocabulary lacks <s> or </s>", f.path(), at);
}

void TrieBackend::validate_pointers(const MappedFile& f, const BinaryHeader& h,
                                    uint64_t words) const {
  auto bad = [&](unsigned n) {
    throw InputError("KenLM trie: corrupt child pointers of the " + std::to_string(n) +
                         "-grams", f.path(), static_cast<uint64_t>(
                             (n == 1 ? tables_.unigrams : tables_.middles[n - 2].base) - f.data()));
  };
  uint64_t prev = 0;
  for (uint64_t w = 0; w <= words + 1; ++w) {
    uint64_t next = tables_.unigram_at(static_cast<uint32_t>(w)).next;
    if (next < prev || next > h.counts[1]) bad(1);
    prev = next;
  }
  for (unsigned n = 2; n < order_; ++n) {
    const Level& l = tables_.middles[n - 2];
    prev = 0;
    for (uint64_t i = 0; i <= h.counts[n - 1]; ++i) {
      uint64_t next = read_bits(l.base, i * l.total_bits + l.word_bits + l.quant_bits, l.next_bits);
      if (next < prev || next > h.counts[n]) bad(n);
      prev = next;
    }
  }
}

}  // namespace

std::shared_ptr<const Backend> load_trie(std::shared_ptr<MappedFile> f, const BinaryHeader& h) {
  if (h.search_version != 1)
    throw InputError("KenLM trie: search version " + std::to_string(h.search_version) +
                         " (expected 1)", f->path(), 104);
  return std::make_shared<TrieBackend>(std::move(f), h);
}

}  // namespace rpdata::quality::kenlm_detail
