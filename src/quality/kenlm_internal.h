// Internals of the KenLM-compatible scorer (include/rpdata/quality/kenlm.h): the vocabulary,
// the hashed n-gram tables shared by ARPA loading and the probing binary, the trie view, and
// KenLM's scoring loop (lm/model.cc FullScore) as a template over the search structure.
#pragma once

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fast_mod.h"
#include "rpdata/quality/kenlm.h"

namespace rpdata::quality::kenlm_detail {

constexpr unsigned kMaxOrder = 6;  // KenLM's default KENLM_MAX_ORDER

// KenLM's n-gram key: words newest first; key = id(w_n), then combined with each older word.
inline uint64_t combine_word_hash(uint64_t current, uint32_t next) {
  return (current * 8978948897894561157ULL) ^
         (static_cast<uint64_t>(1 + next) * 17894857484156487943ULL);
}

// Probabilities in hashed tables carry a flag in the sign bit; the value is always <= 0.
inline float set_sign(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  bits |= 0x80000000u;
  std::memcpy(&f, &bits, 4);
  return f;
}

// word -> id, built from the vocabulary strings (ARPA unigrams or a binary's string block).
// Ids are dense 0..size-1 and id 0 is <unk>.
class Vocab {
 public:
  // `words[i]` is the word with id i; the views must outlive the Vocab.
  void build(std::vector<std::string_view> words);
  uint32_t index(std::string_view word) const;
  size_t size() const { return words_.size(); }
  std::string_view word(uint32_t id) const { return words_[id]; }

 private:
  std::vector<std::string_view> words_;
  std::vector<uint64_t> slots_;  // (hash high bits << 32 | id + 1); 0 = empty
  uint64_t mask_ = 0;
};

#pragma pack(push, 4)
struct ProbBackoff {
  float prob;
  float backoff;
};
struct MiddleEntry {  // 16 bytes in a probing file
  uint64_t key;
  float prob;
  float backoff;
};
struct LongestEntry {  // 12 bytes in a probing file
  uint64_t key;
  float prob;
};
#pragma pack(pop)
static_assert(sizeof(MiddleEntry) == 16 && sizeof(LongestEntry) == 12);

// A probing table of the file layout: linear probing from key % buckets, key 0 = empty
// (util/probing_hash_table.hh).
template <class Entry>
class ProbingView {
 public:
  ProbingView() = default;
  explicit ProbingView(std::span<const Entry> table) : table_(table), mod_(table.size()) {}
  void prefetch(uint64_t key) const {
    if (!table_.empty()) __builtin_prefetch(&table_[mod_(key)]);
  }
  const Entry* find(uint64_t key) const {
    if (table_.empty()) return nullptr;
    const size_t start = mod_(key);
    size_t i = start;
    for (;;) {
      const Entry& e = table_[i];
      if (e.key == key) return &e;
      if (e.key == 0) return nullptr;
      if (++i == table_.size()) i = 0;
      if (i == start) return nullptr;  // a full table (only in a damaged file)
    }
  }

 private:
  std::span<const Entry> table_;
  FastMod mod_;
};

template <class Entry>
const Entry* probing_find(std::span<const Entry> table, uint64_t key) {
  if (table.empty()) return nullptr;
  size_t i = key % table.size();
  for (;;) {
    const Entry& e = table[i];
    if (e.key == key) return &e;
    if (e.key == 0) return nullptr;
    if (++i == table.size()) i = 0;
  }
}

struct ScoreResult {
  float prob;
  unsigned ngram_length;
};

struct LmState {
  uint32_t words[kMaxOrder - 1];
  float backoff[kMaxOrder - 1];
  unsigned length = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual float score(std::string_view line, bool bos, bool eos,
                      std::vector<LmTokenScore>* detail) const = 0;
  // The same sum over vocabulary ids (index() of each token) instead of a line to split.
  virtual float score_ids(std::span<const uint32_t> ids, bool bos, bool eos) const = 0;
  uint32_t index(std::string_view w) const { return vocab_.index(w); }
  unsigned order() const { return order_; }
  LmFormat format() const { return format_; }
  size_t vocab_size() const { return vocab_.size(); }

 protected:
  Vocab vocab_;
  unsigned order_ = 0;
  LmFormat format_ = LmFormat::kArpa;
  uint32_t bos_id_ = 0, eos_id_ = 0;

  // KenLM's FullScore: the longest match from the new word back through the state's words,
  // then the state's backoffs from the matched length on, added one by one in float32.
  // Search provides unigram(id, node) -> ProbBackoff, middle(k, node, word, pb) -> bool
  // (k = n-gram order - 2) and lookup_longest(node, word, prob) -> bool.
  template <class Search>
  ScoreResult full_score(const Search& s, const LmState& in, uint32_t word, LmState& out) const {
    if constexpr (requires { s.prefetch(word, in); }) s.prefetch(word, in);
    typename Search::Node node;
    ProbBackoff uni = s.unigram(word, node);
    ScoreResult r{uni.prob, 1};
    out.words[0] = word;
    out.backoff[0] = uni.backoff;
    unsigned out_length = 1;
    for (unsigned k = 0; k < in.length; ++k) {
      if (k + 2 == order_) {
        float p;
        if (s.lookup_longest(node, in.words[k], p)) {
          r.prob = p;
          r.ngram_length = order_;
        }
        break;
      }
      ProbBackoff pb;
      if (!s.middle(k, node, in.words[k], pb)) break;
      out.words[k + 1] = in.words[k];
      out.backoff[k + 1] = pb.backoff;
      r.prob = pb.prob;
      r.ngram_length = k + 2;
      out_length = k + 2;
    }
    for (unsigned i = r.ngram_length - 1; i < in.length; ++i) r.prob += in.backoff[i];
    out.length = out_length < order_ - 1 ? out_length : order_ - 1;
    return r;
  }

  // KenLM's Model.score: the begin state (<s> when bos, else empty), each token's FullScore
  // added to a float32 total, then </s> when eos.
  template <class Search>
  LmState begin_state(const Search& s, bool bos) const {
    LmState state;
    if (bos) {
      typename Search::Node ignored;
      state.words[0] = bos_id_;
      state.backoff[0] = s.unigram(bos_id_, ignored).backoff;
      state.length = order_ > 1 ? 1 : 0;
    }
    return state;
  }

  template <class Search>
  float score_id_seq(const Search& s, std::span<const uint32_t> ids, bool bos, bool eos) const {
    LmState state = begin_state(s, bos), next;
    float total = 0.0f;
    for (size_t i = 0; i < ids.size(); ++i) {
      // The whole line is known: start the probes of a token a few ahead. Its context in the
      // state is a suffix of the words before it, whose keys are prefixes of this chain.
      if constexpr (requires { s.prefetch_context(0u, ids.data(), size_t{0}); }) {
        constexpr size_t kAhead = 4;
        if (i + kAhead < ids.size()) s.prefetch_context(ids[i + kAhead], ids.data(), i + kAhead);
      }
      total += full_score(s, state, ids[i], next).prob;
      state = next;
    }
    if (eos) total += full_score(s, state, eos_id_, next).prob;
    return total;
  }

  template <class Search>
  float score_line(const Search& s, std::string_view line, bool bos, bool eos,
                   std::vector<LmTokenScore>* detail) const {
    LmState state = begin_state(s, bos), next;
    float total = 0.0f;
    auto one = [&](uint32_t id) {
      ScoreResult r = full_score(s, state, id, next);
      total += r.prob;
      state = next;
      if (detail)
        detail->push_back({id, r.prob, static_cast<uint8_t>(r.ngram_length), id == 0});
    };
    const char* p = line.data();
    const char* end = p + line.size();
    auto is_space = [](char c) {
      return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
    };
    while (p < end) {
      while (p < end && is_space(*p)) ++p;
      if (p == end) break;
      const char* b = p;
      while (p < end && !is_space(*p)) ++p;
      one(vocab_.index(std::string_view(b, static_cast<size_t>(p - b))));
    }
    if (eos) one(eos_id_);
    return total;
  }
};

// Hashed search (lm/search_hashed.hh): unigram array plus one probing table per order >= 2.
// Used for ARPA files (tables owned here) and the probing binary (tables inside the mapping).
struct HashedTables {
  std::span<const ProbBackoff> unigrams;
  std::vector<ProbingView<MiddleEntry>> middles;  // orders 2 .. N-1
  ProbingView<LongestEntry> longest;               // order N

  using Node = uint64_t;
  // The keys of all orders depend only on the words, so every probe can start at once.
  void prefetch(uint32_t word, const LmState& in) const {
    uint64_t key = word;
    const unsigned n = in.length < middles.size() + 1 ? in.length : middles.size() + 1;
    for (unsigned k = 0; k < n; ++k) {
      key = combine_word_hash(key, in.words[k]);
      if (k < middles.size()) middles[k].prefetch(key);
      else longest.prefetch(key);
    }
  }
  // Prefetches the probes of ids[at] with its longest context inside the line (ids[at-1],
  // ids[at-2], ...); the probes of contexts reaching back to <s> are full_score's own prefetch.
  void prefetch_context(uint32_t word, const uint32_t* ids, size_t at) const {
    uint64_t key = word;
    const size_t orders = middles.size() + 1;
    for (size_t k = 0; k < orders && k < at; ++k) {
      key = combine_word_hash(key, ids[at - 1 - k]);
      if (k < middles.size()) middles[k].prefetch(key);
      else longest.prefetch(key);
    }
  }
  ProbBackoff unigram(uint32_t word, Node& node) const {
    node = word;
    ProbBackoff pb = unigrams[word];
    pb.prob = set_sign(pb.prob);
    return pb;
  }
  bool middle(unsigned k, Node& node, uint32_t word, ProbBackoff& out) const {
    node = combine_word_hash(node, word);
    const MiddleEntry* e = middles[k].find(node);
    if (!e) return false;
    out.prob = set_sign(e->prob);
    out.backoff = e->backoff;
    return true;
  }
  bool lookup_longest(Node node, uint32_t word, float& prob) const {
    const LongestEntry* e = longest.find(combine_word_hash(node, word));
    if (!e) return false;
    prob = e->prob;
    return true;
  }
};

// Loaders: kenlm_arpa.cpp, kenlm_binary.cpp (header, probing), kenlm_trie.cpp.
std::shared_ptr<const Backend> load_arpa(const std::filesystem::path& path,
                                         const LmLoadOptions& options);
std::shared_ptr<const Backend> load_binary(const std::filesystem::path& path);

// A read-only mapping of a whole file (binary models).
class MappedFile {
 public:
  explicit MappedFile(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  std::string path_;
};

// Binary header facts (lm/binary_format.cc), validated by parse_binary_header.
struct BinaryHeader {
  unsigned order = 0;
  float probing_multiplier = 0;
  uint32_t model_type = 0;
  uint32_t search_version = 0;
  std::vector<uint64_t> counts;
  size_t size = 0;  // bytes, where the vocabulary starts
};
BinaryHeader parse_binary_header(const MappedFile& f);
// Reads `n` NUL-terminated words starting at `offset` (they must end exactly at EOF).
std::vector<std::string_view> read_vocab_strings(const MappedFile& f, size_t offset, size_t n);

std::shared_ptr<const Backend> load_probing(std::shared_ptr<MappedFile> f, const BinaryHeader& h);
std::shared_ptr<const Backend> load_trie(std::shared_ptr<MappedFile> f, const BinaryHeader& h);

}  // namespace rpdata::quality::kenlm_detail
