// Word-cached exact replay of libsentencepiece's unigram Encode (see the header). Why it is
// exact, for a model accepted by spm::check_word_path (sentencepiece_model_check.cpp;
// libsentencepiece 0.1.97 semantics):
//
// Normalization. The normalizer cuts its input into chunks (the longest precompiled_charsmap
// key at the position, else one character), writes each chunk's replacement with ' ' -> '▁',
// drops a chunk's leading spaces when the previous written chunk ended with a space, adds the
// dummy prefix '▁' and strips trailing '▁'. If no charsmap key contains a space (other than
// " " itself, mapped to " "), every ' ' of the text is a chunk of its own, so the chunks of the
// text are the chunks of its ' '-separated words in order, and each word starts in the state
// "previous chunk ended with a space". If moreover no replacement contains two consecutive
// spaces, a word's output ends with at most one '▁', and normalize(text) is exactly the
// concatenation of normalize(word) over the words (empty words and words that normalize to
// nothing contribute ""): each non-empty normalize(word) is "▁" + the word's chunks.
//
// Segmentation. The optimized Viterbi (unigram::Model::EncodeOptimized) keeps, per byte end
// position, the best float path score, relaxing nodes start by start. When no vocabulary piece
// contains '▁' past its first byte, no node crosses the '▁' that starts a word, so the lattice
// of the text is the concatenation of the words' lattices and the DP inside a word depends only
// on the best score at its start. Replaying the word's DP seeded with that float score (same
// arithmetic: a vocabulary candidate is double(score) + double(best) compared in double, an
// unknown one float + float, the stored best a float; same node order, same strict '>'
// tie-break) gives the very choices libsentencepiece makes on the whole text; the word's end score seeds the next word. Since
// "▁" is a piece, no word starts with an unknown node, and unknown pieces are merged exactly as
// PopulateSentencePieceText merges them.
//
// Every cache miss also checks the seed-0 replay against Encode(word); a disagreement sends the
// text to whole-text Encode and is counted.
#include "rpdata/quality/sentencepiece_words.h"

#include <sentencepiece_processor.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <unordered_map>

#include <xxhash.h>

#include "sentencepiece_model_check.h"

namespace rpdata::quality {
namespace {

using spm::kSpace;

constexpr size_t kMaxCachedWordBytes = 128;
constexpr size_t kMaxCacheEntries = size_t{1} << 16;

// sentencepiece string_util::OneCharLen.
inline size_t one_char_len(unsigned char c) { return "\1\1\1\1\1\1\1\1\1\1\1\1\2\2\3\4"[c >> 4]; }

using Node = SentencePieceWords::Node;
using Step = SentencePieceWords::Step;

// A word as the replay reads it: from an Entry, or from a cache record.
struct WordView {
  std::string_view norm;
  std::span<const Node> nodes;
  std::span<const Step> path;
  float seed_limit = 0;
  bool ok = true;
};

WordView view_of(const SentencePieceWords::Entry& e) { return {e.norm, e.nodes, e.path, e.seed_limit, e.ok}; }

// The word cache: an open-addressing table of (hash, record offset) over one arena of records,
// each record its word's header, best path, lattice, word and normalized bytes in a row, so a
// hit reads the slot and one or two adjacent cache lines. Full (kMaxCacheEntries words or
// kMaxArenaBytes): everything is dropped and refilled.
constexpr size_t kMaxArenaBytes = size_t{32} << 20;

struct CacheMap {
  struct Slot {
    uint64_t hash = 0;  // 0 = empty
    uint32_t offset = 0;
  };
  struct Header {
    uint16_t word_len, norm_len, n_nodes, n_path;
    float seed_limit;
    uint32_t ok;
  };
  static_assert(sizeof(Header) == 16 && sizeof(Step) == 12 && sizeof(Node) == 16);
  std::vector<Slot> slots;
  std::unique_ptr<uint64_t[]> arena;  // kMaxArenaBytes in 8-byte units (records start aligned), not zeroed
  size_t used = 0;                    // units of the arena in use
  size_t mask = 0, entries = 0;

  static uint64_t hash(std::string_view w) { return XXH3_64bits(w.data(), w.size()) | 1; }
  static size_t units(size_t bytes) { return (bytes + 7) / 8; }

  WordView view(uint32_t offset) const {
    const auto* base = reinterpret_cast<const char*>(arena.get() + offset);
    Header h;
    std::memcpy(&h, base, sizeof(h));
    const char* p = base + sizeof(Header);
    WordView v;
    v.nodes = {reinterpret_cast<const Node*>(p), h.n_nodes};
    p += h.n_nodes * sizeof(Node);
    v.path = {reinterpret_cast<const Step*>(p), h.n_path};
    p += h.n_path * sizeof(Step) + h.word_len;
    v.norm = {p, h.norm_len};
    v.seed_limit = h.seed_limit;
    v.ok = h.ok != 0;
    return v;
  }
  bool same_word(uint32_t offset, std::string_view w) const {
    const auto* base = reinterpret_cast<const char*>(arena.get() + offset);
    Header h;
    std::memcpy(&h, base, sizeof(h));
    if (h.word_len != w.size()) return false;
    const char* word = base + sizeof(Header) + h.n_nodes * sizeof(Node) + h.n_path * sizeof(Step);
    return std::memcmp(word, w.data(), w.size()) == 0;
  }
  // The last word seen per (hash mod kRecent): frequent words hit here, in a few kilobytes
  // that stay in the L1 cache, before the table's probe.
  static constexpr size_t kRecent = 512;
  Slot recent[kRecent] = {};

  void prefetch_slot(uint64_t h) const {
    if (!slots.empty()) __builtin_prefetch(&slots[h & mask]);
  }
  // The record of the word whose first probe is `h`'s slot (no-op when that slot holds another).
  void prefetch_record(uint64_t h) const {
    if (slots.empty()) return;
    const Slot& s = slots[h & mask];
    if (s.hash == h) __builtin_prefetch(arena.get() + s.offset);
  }
  bool find(std::string_view w, uint64_t h, WordView& out) {
    if (slots.empty()) return false;
    Slot& r = recent[(h >> 32) % kRecent];
    if (r.hash == h && same_word(r.offset, w)) {
      out = view(r.offset);
      return true;
    }
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      if (slots[i].hash == 0) return false;
      if (slots[i].hash == h && same_word(slots[i].offset, w)) {
        r = slots[i];
        out = view(slots[i].offset);
        return true;
      }
    }
  }
  WordView insert(std::string_view w, uint64_t h, const SentencePieceWords::Entry& e) {
    const size_t bytes = sizeof(Header) + e.nodes.size() * sizeof(Node) + e.path.size() * sizeof(Step) + w.size() +
                         e.norm.size();
    if (slots.empty() || entries >= kMaxCacheEntries || (used + units(bytes)) * 8 > kMaxArenaBytes) {
      slots.assign(2 * kMaxCacheEntries, Slot());
      mask = 2 * kMaxCacheEntries - 1;
      if (!arena) arena = std::make_unique_for_overwrite<uint64_t[]>(kMaxArenaBytes / 8);
      std::fill(std::begin(recent), std::end(recent), Slot());
      used = 0;
      entries = 0;
    }
    const auto offset = static_cast<uint32_t>(used);
    used += units(bytes);
    char* p = reinterpret_cast<char*>(arena.get() + offset);
    const Header hd{static_cast<uint16_t>(w.size()), static_cast<uint16_t>(e.norm.size()),
                    static_cast<uint16_t>(e.nodes.size()), static_cast<uint16_t>(e.path.size()), e.seed_limit,
                    e.ok ? 1u : 0u};
    std::memcpy(p, &hd, sizeof(hd));
    p += sizeof(hd);
    std::memcpy(p, e.nodes.data(), e.nodes.size() * sizeof(Node));
    p += e.nodes.size() * sizeof(Node);
    std::memcpy(p, e.path.data(), e.path.size() * sizeof(Step));
    p += e.path.size() * sizeof(Step);
    std::memcpy(p, w.data(), w.size());
    p += w.size();
    std::memcpy(p, e.norm.data(), e.norm.size());
    size_t i = h & mask;
    while (slots[i].hash != 0) i = (i + 1) & mask;
    slots[i] = {h, offset};
    ++entries;
    return view(offset);
  }
};

CacheMap& thread_cache(uint64_t serial) {
  thread_local std::unordered_map<uint64_t, CacheMap> caches;
  return caches[serial];
}

struct Replay {
  std::vector<float> score;
  std::vector<int32_t> start;
  std::vector<int32_t> id;
  std::vector<std::pair<uint32_t, uint32_t>> path;  // (start, end) reversed
  std::vector<int32_t> path_id;
  double margin = 0;  // smallest |candidate - best| over the decisions (seed-0 replay)
};

// libsentencepiece's EncodeOptimized on one word, seeded with `seed` at position 0; fills
// r.path/r.path_id back to front and returns the best score at the end. With kMargin, also
// the smallest gap between the two sides of any comparison it made.
template <bool kMargin = false>
float replay(const WordView& e, float seed, int32_t unk, Replay& r) {
  const size_t n = e.norm.size();
  if (r.start.size() < n + 1) {
    r.score.resize(n + 1);
    r.start.resize(n + 1);
    r.id.resize(n + 1);
  }
  std::fill_n(r.start.data(), n + 1, -1);  // score and id are read only where start != -1
  r.score[0] = seed;
  if constexpr (kMargin) r.margin = std::numeric_limits<double>::infinity();
  uint32_t cur = UINT32_MAX;
  float till = 0;
  for (const auto& node : e.nodes) {
    if (node.start != cur) {
      cur = node.start;
      till = r.score[cur];
    }
    // libsentencepiece: a vocabulary node's `score` is `auto` of a ternary with a double arm
    // (user-defined symbols), so its candidate is a double compared in double; the unknown
    // node's candidate is float + float. The stored best score is a float either way.
    bool better;
    const bool first = r.start[node.end] == -1;
    if (node.id == unk) {
      const float cand = node.score + till;
      better = first || cand > r.score[node.end];
      if constexpr (kMargin)
        if (!first) r.margin = std::min(r.margin, std::fabs(double(cand) - double(r.score[node.end])));
      if (better) r.score[node.end] = cand;
    } else {
      const double cand = static_cast<double>(node.score) + static_cast<double>(till);
      better = first || cand > static_cast<double>(r.score[node.end]);
      if constexpr (kMargin)
        if (!first) r.margin = std::min(r.margin, std::fabs(cand - double(r.score[node.end])));
      if (better) r.score[node.end] = static_cast<float>(cand);
    }
    if (better) {
      r.start[node.end] = static_cast<int32_t>(node.start);
      r.id[node.end] = node.id;
    }
  }
  r.path.clear();
  r.path_id.clear();
  for (size_t end = n; end > 0;) {
    auto s = static_cast<size_t>(r.start[end]);
    r.path.emplace_back(static_cast<uint32_t>(s), static_cast<uint32_t>(end));
    r.path_id.push_back(r.id[end]);
    end = s;
  }
  return r.score[n];
}

// The seeds for which a replay makes the seed-0 replay's decisions. A stored best score is a
// float rounding of (float score + float best): on a path of k nodes it is off the exact sum
// of seed and scores by at most k ulps of the largest magnitude on the way, which is below
// |seed| + A (A = the sum of all nodes' |score|). Each comparison is between two such paths,
// so its computed gap is within 2K ulps of the exact gap (K = the word's bytes, bounding any
// path's length), for seed 0 and seed s alike. When the seed-0 gap exceeds both errors, the
// comparison has the same outcome for s. With ulp(x) <= x * 2^-23 and a factor 2 to spare:
// margin > K * 2^-21 * (|s| + 2A), i.e. |s| < margin / (K * 2^-21) - 2A.
float seed_limit(double margin, size_t k, const std::vector<Node>& nodes) {
  if (k == 0) return 0;
  double a = 0;
  for (const auto& node : nodes) a += std::fabs(double(node.score));
  if (std::isinf(margin)) return std::numeric_limits<float>::max();  // one path: no decision
  const double limit = margin / (double(k) * std::ldexp(1.0, -21)) - 2 * a;
  if (!(limit > 0)) return 0;
  return limit >= double(std::numeric_limits<float>::max()) ? std::numeric_limits<float>::max()
                                                            : static_cast<float>(limit);
}

}  // namespace

SentencePieceWords::Stats& SentencePieceWords::thread_stats() {
  thread_local Stats s;
  return s;
}

SentencePieceWords::SentencePieceWords(std::shared_ptr<const sentencepiece::SentencePieceProcessor> sp)
    : sp_(std::move(sp)) {
  static std::atomic<uint64_t> serials{0};
  serial_ = ++serials;
  spm::ModelInfo m = spm::parse_model(std::string(sp_->serialized_model_proto()));
  spm::WordPathCheck check = spm::check_word_path(m, sp_->GetPieceSize(), sp_->unk_id());
  why_not_ = check.why_not;
  if (!why_not_.empty()) return;
  float min_score = 3.402823466e+38f;  // unigram::Model: min over NORMAL pieces, from FLT_MAX
  std::vector<std::pair<std::string, int32_t>> trie_pieces;
  scores_.resize(m.pieces.size());
  for (size_t i = 0; i < m.pieces.size(); ++i) {
    const auto& p = m.pieces[i];
    scores_[i] = p.score;
    if (p.type == spm::kUnknown) unk_id_ = static_cast<int32_t>(i);
    if (p.type == spm::kNormal) min_score = std::min(min_score, p.score);
    // UNUSED pieces are in libsentencepiece's trie but never match: -1 here.
    if (p.type == spm::kNormal || p.type == spm::kUnused)
      trie_pieces.emplace_back(p.piece, p.type == spm::kNormal ? static_cast<int32_t>(i) : -1);
  }
  build_trie(trie_pieces);
  ascii_identity_ = check.ascii_identity;
  unk_score_ = min_score - 10.0f;  // unigram kUnkPenalty
  fast_ = true;
}

SentencePieceWords::~SentencePieceWords() = default;

void SentencePieceWords::build_trie(const std::vector<std::pair<std::string, int32_t>>& pieces) {
  // A plain pointer trie first, then renumbered breadth-first so siblings are adjacent.
  struct Tmp {
    std::vector<std::pair<uint8_t, uint32_t>> kids;
    int32_t piece = -1;
  };
  std::vector<Tmp> tmp(1);
  for (const auto& [piece, id] : pieces) {
    uint32_t node = 0;
    for (unsigned char b : piece) {
      uint32_t next = UINT32_MAX;
      for (const auto& [label, child] : tmp[node].kids)
        if (label == b) next = child;
      if (next == UINT32_MAX) {
        next = static_cast<uint32_t>(tmp.size());
        tmp[node].kids.emplace_back(b, next);
        tmp.emplace_back();
      }
      node = next;
    }
    tmp[node].piece = id;
  }
  trie_.assign(tmp.size(), TrieNode());
  labels_.assign(tmp.size(), 0);
  std::vector<uint32_t> order{0};  // old ids in breadth-first order; new id = index
  trie_[0].piece = tmp[0].piece;
  for (size_t i = 0; i < order.size(); ++i) {
    auto& kids = tmp[order[i]].kids;
    std::sort(kids.begin(), kids.end());
    trie_[i].first = static_cast<uint32_t>(order.size());
    trie_[i].count = static_cast<uint32_t>(kids.size());
    for (const auto& [label, child] : kids) {
      labels_[order.size()] = label;
      trie_[order.size()].piece = tmp[child].piece;
      order.push_back(child);
    }
  }
  // Nodes with many children (the root, "▁" and its first letters) get a direct table.
  for (auto& t : trie_) {
    if (t.count <= kWideChildren) continue;
    t.wide = static_cast<int32_t>(wide_.size() / 256);
    wide_.resize(wide_.size() + 256, -1);
    for (uint32_t i = 0; i < t.count; ++i)
      wide_[static_cast<size_t>(t.wide) * 256 + labels_[t.first + i]] = static_cast<int32_t>(t.first + i);
  }
}

int32_t SentencePieceWords::trie_child(int32_t node, uint8_t byte) const {
  const TrieNode& t = trie_[static_cast<size_t>(node)];
  if (t.wide >= 0) return wide_[static_cast<size_t>(t.wide) * 256 + byte];
  const uint8_t* l = labels_.data() + t.first;
  if (t.count <= 16) {
    for (uint32_t i = 0; i < t.count; ++i) {
      if (l[i] == byte) return static_cast<int32_t>(t.first + i);
      if (l[i] > byte) break;
    }
    return -1;
  }
  const uint8_t* it = std::lower_bound(l, l + t.count, byte);
  return it != l + t.count && *it == byte ? static_cast<int32_t>(t.first + static_cast<uint32_t>(it - l)) : -1;
}

void SentencePieceWords::build_entry(std::string_view word, Entry& e) const {
  // A word of printable ASCII is its own normalization when no charsmap rule matches it; no
  // libsentencepiece call then (the differential tests cover the replay).
  bool ascii = ascii_identity_;
  for (size_t i = 0; ascii && i < word.size(); ++i) ascii = word[i] > 0x20 && word[i] < 0x7f;
  thread_local std::vector<std::string> pieces;
  pieces.clear();
  e.norm.clear();
  if (ascii) {
    e.norm.append(kSpace).append(word);
  } else {
    sp_->Encode(word, &pieces).IgnoreError();
    for (const auto& p : pieces) e.norm += p;
  }
  e.nodes.clear();
  const std::string_view norm = e.norm;
  const size_t n = norm.size();
  for (size_t start = 0; start < n;) {
    const size_t mblen = std::min(one_char_len(static_cast<unsigned char>(norm[start])), n - start);
    bool single = false;
    int32_t node = 0;
    for (size_t key = start; key < n; ++key) {
      node = trie_child(node, static_cast<unsigned char>(norm[key]));
      if (node < 0) break;
      const int32_t id = trie_[static_cast<size_t>(node)].piece;
      if (id < 0) continue;  // no piece ends here, or an UNUSED one (skipped, as libsentencepiece does)
      e.nodes.push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(key + 1), id, scores_[static_cast<size_t>(id)]});
      single = single || key + 1 - start == mblen;
    }
    if (!single) e.nodes.push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(start + mblen), unk_id_, unk_score_});
    start += mblen;
  }
  // The seed-0 replay: the best path for small seeds, and the cross-check that it (unknowns
  // merged) is Encode(word).
  thread_local Replay r;
  e.ok = true;
  e.path.clear();
  e.seed_limit = 0;
  if (n == 0) {
    e.ok = ascii || pieces.empty();
    return;
  }
  replay<true>(view_of(e), 0.0f, unk_id_, r);
  if (n <= UINT16_MAX) {
    for (size_t i = r.path.size(); i-- > 0;) {
      const int32_t id = r.path_id[i];
      e.path.push_back({static_cast<uint16_t>(r.path[i].first), static_cast<uint16_t>(r.path[i].second), id,
                        id == unk_id_ ? unk_score_ : scores_[static_cast<size_t>(id)]});
    }
    e.seed_limit = seed_limit(r.margin, n, e.nodes);
  }
  if (ascii) return;
  std::vector<std::string> mine;
  bool prev_unk = false;
  for (size_t i = r.path.size(); i-- > 0;) {
    std::string_view piece = norm.substr(r.path[i].first, r.path[i].second - r.path[i].first);
    bool is_unk = r.path_id[i] == unk_id_;
    if (is_unk && prev_unk) mine.back() += piece;
    else mine.emplace_back(piece);
    prev_unk = is_unk;
  }
  e.ok = mine == pieces;
}

template <typename Emit>
bool SentencePieceWords::encode_words(std::string_view text, Emit&& emit) const {
  CacheMap& cache = thread_cache(serial_);
  Stats& stats = thread_stats();
  thread_local Replay r;
  thread_local Entry scratch;
  // The words and their hashes first, so the cache lines of the words ahead can be fetched
  // while the current one is encoded: the slot two words ahead, the record one word ahead.
  struct Word {
    uint32_t begin, size;
    uint64_t hash;
  };
  thread_local std::vector<Word> words;
  words.clear();
  for (size_t pos = 0; pos <= text.size();) {
    size_t sp = text.find(' ', pos);
    if (sp == std::string_view::npos) sp = text.size();
    if (sp > pos) {
      const std::string_view w = text.substr(pos, sp - pos);
      words.push_back({static_cast<uint32_t>(pos), static_cast<uint32_t>(w.size()),
                       w.size() > kMaxCachedWordBytes ? 0 : CacheMap::hash(w)});
    }
    pos = sp + 1;
  }
  float seed = 0.0f;
  bool prev_unk = false;
  for (size_t k = 0; k < words.size(); ++k) {
    if (k + 2 < words.size()) cache.prefetch_slot(words[k + 2].hash);
    if (k + 1 < words.size()) cache.prefetch_record(words[k + 1].hash);
    const std::string_view word = text.substr(words[k].begin, words[k].size);
    WordView e;
    if (word.size() > kMaxCachedWordBytes) {
      ++stats.misses;
      build_entry(word, scratch);
      e = view_of(scratch);
    } else if (const uint64_t h = words[k].hash; cache.find(word, h, e)) {
      ++stats.hits;
    } else {
      ++stats.misses;
      build_entry(word, scratch);
      e = cache.insert(word, h, scratch);
    }
    if (!e.ok) return false;
    if (e.norm.empty()) continue;
    if (std::fabs(seed) < e.seed_limit) {
      // Every decision of the replay would be the seed-0 one: follow its path, adding the
      // scores as the replay stores them (vocabulary pieces in double, unknowns in float).
      for (const Step& st : e.path) {
        const bool is_unk = st.id == unk_id_;
        seed = is_unk ? st.score + seed : static_cast<float>(static_cast<double>(st.score) + static_cast<double>(seed));
        emit(e.norm.substr(st.start, st.end - st.start), st.id, is_unk && prev_unk);
        prev_unk = is_unk;
      }
      continue;
    }
    ++stats.replays;
    seed = replay(e, seed, unk_id_, r);
    for (size_t i = r.path.size(); i-- > 0;) {
      bool is_unk = r.path_id[i] == unk_id_;
      emit(e.norm.substr(r.path[i].first, r.path[i].second - r.path[i].first), r.path_id[i], is_unk && prev_unk);
      prev_unk = is_unk;
    }
  }
  return true;
}

void SentencePieceWords::drop_thread_cache() const { thread_cache(serial_) = CacheMap(); }

void SentencePieceWords::encode_joined(std::string_view text, std::string& out) const {
  const size_t base = out.size();
  if (fast_) {
    bool first = true;
    bool ok = encode_words(text, [&](std::string_view piece, int32_t, bool merge) {
      if (!merge && !first) out += ' ';
      out += piece;
      first = false;
    });
    if (ok) return;
    ++thread_stats().fallbacks;
    out.resize(base);
  }
  thread_local std::vector<std::string> pieces;
  pieces.clear();
  sp_->Encode(text, &pieces).IgnoreError();
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (i) out += ' ';
    out += pieces[i];
  }
}

void SentencePieceWords::encode(std::string_view text, std::vector<std::string>& pieces) const {
  pieces.clear();
  if (fast_) {
    bool ok = encode_words(text, [&](std::string_view piece, int32_t, bool merge) {
      if (merge) pieces.back() += piece;
      else pieces.emplace_back(piece);
    });
    if (ok) return;
    ++thread_stats().fallbacks;
    pieces.clear();
  }
  sp_->Encode(text, &pieces).IgnoreError();
}

bool SentencePieceWords::encode_ids(std::string_view text, PieceIds& out) const {
  out.ids.clear();
  out.unknown.clear();
  if (!fast_) return false;
  bool ok = encode_words(text, [&](std::string_view piece, int32_t id, bool merge) {
    if (id != unk_id_) {
      out.ids.push_back(id);
    } else if (merge) {
      out.unknown.back() += piece;
    } else {
      out.ids.push_back(-1 - static_cast<int32_t>(out.unknown.size()));
      out.unknown.emplace_back(piece);
    }
  });
  if (!ok) {
    ++thread_stats().fallbacks;
    out.ids.clear();
    out.unknown.clear();
  }
  return ok;
}

}  // namespace rpdata::quality
