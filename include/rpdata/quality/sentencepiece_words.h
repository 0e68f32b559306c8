// Exact, faster SentencePiece unigram encoding for cc_net's perplexity step: a whitespace-split
// model's Viterbi segmentation decomposes at every '▁', so each distinct space-delimited word is
// normalized once (printable ASCII as is when no rule can match it, else through
// libsentencepiece's Encode(word), cross-checked), its lattice and seed-0 best path cached per
// thread, and each occurrence replays libsentencepiece's optimized Viterbi (its float/double
// arithmetic, tie-breaks, unknown-piece merging) seeded with the running best-path score, or
// follows the cached path when the score is too small in magnitude for any of the replay's
// comparisons to come out otherwise: the pieces are identical to
// SentencePieceProcessor::Encode(text). Models outside the proven-safe case
// (byte fallback, user-defined pieces, pieces with an inner '▁', normalization rules that span
// a space or emit a double space, ...) use Encode(text) itself. See docs/commoncrawl.md.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace rpdata::quality {

class SentencePieceWords {
 public:
  explicit SentencePieceWords(std::shared_ptr<const sentencepiece::SentencePieceProcessor> sp);
  ~SentencePieceWords();

  const sentencepiece::SentencePieceProcessor& processor() const { return *sp_; }
  // True when the word-cached path is used; otherwise why not (e.g. "byte_fallback").
  bool fast() const { return fast_; }
  const std::string& why_not() const { return why_not_; }

  // Appends Encode(text)'s pieces joined by single spaces to `out` (cc_net's tokenized line).
  void encode_joined(std::string_view text, std::string& out) const;
  // Encode(text)'s pieces (replaces `pieces`).
  void encode(std::string_view text, std::vector<std::string>& pieces) const;
  // Encode(text)'s pieces as vocabulary ids: ids[i] >= 0 is a piece's id; ids[i] < 0 stands
  // for unknown[-1 - ids[i]], the text of an unknown piece (a run of them merged, as Encode
  // merges them). False, with nothing written, when the word path is off or a word's replay
  // disagreed with libsentencepiece: then use encode_joined / encode.
  struct PieceIds {
    std::vector<int32_t> ids;
    std::vector<std::string> unknown;
  };
  bool encode_ids(std::string_view text, PieceIds& out) const;

  // Empties the calling thread's word cache of this instance (benchmarks: a cold start).
  void drop_thread_cache() const;

  // Per-thread counters (for tests and the bench): words served from the cache, words whose
  // lattice was built (cache misses), texts that fell back to whole-text Encode because a word's own
  // replay disagreed with libsentencepiece (0 unless this code misreads the model).
  // `replays`: words whose running score was too large in magnitude to follow their cached
  // seed-0 path (their lattice was replayed).
  struct Stats {
    uint64_t hits = 0, misses = 0, fallbacks = 0, replays = 0;
  };
  static Stats& thread_stats();

  struct Node {  // a lattice node of a normalized word: [start, end) bytes, vocab id, score
    uint32_t start, end;
    int32_t id;
    float score;
  };
  struct Step {  // a piece of a word's best path: [start, end) bytes of the normalized word
    uint16_t start, end;
    int32_t id;
    float score;
  };
  struct Entry {
    std::string norm;         // the word after SentencePiece normalization ("" or "▁...")
    std::vector<Node> nodes;  // in libsentencepiece's order: by start, then by length
    bool ok = true;           // the seed-0 replay equals Encode(word) (not checked for ASCII words)
    // The seed-0 best path, front to back, and the seeds it holds for: every decision of the
    // replay is the same for a seed of magnitude below seed_limit (0: replay every time).
    std::vector<Step> path;
    float seed_limit = 0;
  };

 private:
  template <typename Emit>
  bool encode_words(std::string_view text, Emit&& emit) const;
  void build_entry(std::string_view word, Entry& e) const;

  std::shared_ptr<const sentencepiece::SentencePieceProcessor> sp_;
  bool fast_ = false;
  std::string why_not_;
  uint64_t serial_ = 0;  // identifies this instance's per-thread cache
  // Model data for the replay.
  // Byte trie of the NORMAL and UNUSED pieces (libsentencepiece's trie holds the same set), in
  // breadth-first order: a node's children are consecutive ids with sorted labels_.
  struct TrieNode {
    uint32_t first = 0;   // id of the first child
    uint32_t count = 0;   // number of children
    int32_t piece = -1;   // vocabulary id of the piece ending here, or -1
    int32_t wide = -1;    // with more than kWideChildren children: its row of wide_
  };
  static constexpr uint32_t kWideChildren = 24;
  std::vector<int32_t> wide_;  // 256 child ids (or -1) per wide node
  void build_trie(const std::vector<std::pair<std::string, int32_t>>& pieces);
  int32_t trie_child(int32_t node, uint8_t byte) const;
  std::vector<TrieNode> trie_;
  std::vector<uint8_t> labels_;
  bool ascii_identity_ = false;  // words of bytes 0x21..0x7e normalize to "▁" + word
  std::vector<float> scores_;
  int32_t unk_id_ = 0;
  float unk_score_ = 0;
};

}  // namespace rpdata::quality
