// Word-cached exact replay of libsentencepiece's unigram Encode (see the header). Why it is
// exact, for a model accepted by analyse() below (libsentencepiece 0.1.97 semantics):
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
#include <cstring>
#include <unordered_map>

#include <xxhash.h>

namespace rpdata::quality {
namespace {

constexpr std::string_view kSpace = "\xE2\x96\x81";  // U+2581 '▁'
constexpr size_t kMaxCachedWordBytes = 128;
constexpr size_t kMaxCacheEntries = size_t{1} << 16;

// sentencepiece string_util::OneCharLen.
inline size_t one_char_len(unsigned char c) { return "\1\1\1\1\1\1\1\1\1\1\1\1\2\2\3\4"[c >> 4]; }

// ---- a minimal protobuf wire-format reader for ModelProto ----
struct Wire {
  const uint8_t* p;
  const uint8_t* e;
  bool ok = true;
  explicit Wire(std::string_view s)
      : p(reinterpret_cast<const uint8_t*>(s.data())), e(reinterpret_cast<const uint8_t*>(s.data()) + s.size()) {}
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p >= e) return ok = false, 0;
      uint8_t b = *p++;
      v |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    return ok = false, 0;
  }
  bool next(uint32_t& field, uint32_t& type) {
    if (!ok || p >= e) return false;
    uint64_t k = varint();
    field = static_cast<uint32_t>(k >> 3);
    type = static_cast<uint32_t>(k & 7);
    return ok;
  }
  std::string_view bytes() {
    uint64_t n = varint();
    if (!ok || n > uint64_t(e - p)) return ok = false, std::string_view();
    std::string_view s(reinterpret_cast<const char*>(p), n);
    p += n;
    return s;
  }
  uint32_t fixed32() {
    if (e - p < 4) return ok = false, 0;
    uint32_t v = uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
    p += 4;
    return v;
  }
  void skip(uint32_t type) {
    if (type == 0) varint();
    else if (type == 1) p = e - p >= 8 ? p + 8 : (ok = false, e);
    else if (type == 2) bytes();
    else if (type == 5) fixed32();
    else ok = false;
  }
};

enum PieceType { kNormal = 1, kUnknown = 2, kControl = 3, kUserDefined = 4, kUnused = 5, kByte = 6 };

struct ModelInfo {
  struct Piece {
    std::string piece;
    float score = 0;
    int type = kNormal;
  };
  std::vector<Piece> pieces;
  int model_type = 1;  // UNIGRAM
  bool byte_fallback = false, treat_whitespace_as_suffix = false;
  bool add_dummy_prefix = true, remove_extra_whitespaces = true, escape_whitespaces = true;
  std::string charsmap;
  bool ok = true;
};

ModelInfo parse_model(std::string_view blob) {
  ModelInfo m;
  Wire w(blob);
  uint32_t f, t;
  while (w.next(f, t)) {
    if (f == 1 && t == 2) {
      Wire pw(w.bytes());
      ModelInfo::Piece piece;
      while (pw.next(f, t)) {
        if (f == 1 && t == 2) piece.piece = std::string(pw.bytes());
        else if (f == 2 && t == 5) {
          uint32_t bits = pw.fixed32();
          std::memcpy(&piece.score, &bits, 4);
        } else if (f == 3 && t == 0) piece.type = static_cast<int>(pw.varint());
        else pw.skip(t);
      }
      m.ok = m.ok && pw.ok;
      m.pieces.push_back(std::move(piece));
    } else if (f == 2 && t == 2) {
      Wire tw(w.bytes());
      while (tw.next(f, t)) {
        if (f == 3 && t == 0) m.model_type = static_cast<int>(tw.varint());
        else if (f == 24 && t == 0) m.treat_whitespace_as_suffix = tw.varint() != 0;
        else if (f == 35 && t == 0) m.byte_fallback = tw.varint() != 0;
        else tw.skip(t);
      }
      m.ok = m.ok && tw.ok;
    } else if (f == 3 && t == 2) {
      Wire nw(w.bytes());
      while (nw.next(f, t)) {
        if (f == 2 && t == 2) m.charsmap = std::string(nw.bytes());
        else if (f == 3 && t == 0) m.add_dummy_prefix = nw.varint() != 0;
        else if (f == 4 && t == 0) m.remove_extra_whitespaces = nw.varint() != 0;
        else if (f == 5 && t == 0) m.escape_whitespaces = nw.varint() != 0;
        else nw.skip(t);
      }
      m.ok = m.ok && nw.ok;
    } else {
      w.skip(t);
    }
  }
  m.ok = m.ok && w.ok;
  return m;
}

// precompiled_charsmap = uint32 LE trie size, darts-clone double array (a DAG: equal subtries
// are merged, so walks visit distinct nodes), '\0'-separated replacement strings.
struct Charsmap {
  std::vector<uint32_t> units;
  std::string_view values;
  bool ok = true;
  explicit Charsmap(const std::string& blob) {
    if (blob.empty()) return;
    uint32_t n = blob.size() < 4 ? 1 : uint32_t(uint8_t(blob[0])) | uint32_t(uint8_t(blob[1])) << 8 |
                                           uint32_t(uint8_t(blob[2])) << 16 | uint32_t(uint8_t(blob[3])) << 24;
    if (blob.size() < 4 || n % 4 || n > blob.size() - 4) {
      ok = false;
      return;
    }
    units.resize(n / 4);
    std::memcpy(units.data(), blob.data() + 4, n);
    values = std::string_view(blob).substr(4 + n);
  }
  static bool has_leaf(uint32_t u) { return ((u >> 8) & 1) != 0; }
  static uint32_t value(uint32_t u) { return u & 0x7fffffffu; }
  static uint32_t label(uint32_t u) { return u & (0x80000000u | 0xffu); }
  static uint32_t offset(uint32_t u) { return (u >> 10) << ((u & (1u << 9)) >> 6); }
  // Child of `node` by byte c, or UINT32_MAX.
  uint32_t child(uint32_t node, uint32_t c) const {
    uint32_t x = node ^ offset(units[node]) ^ c;
    return x < units.size() && label(units[x]) == c ? x : UINT32_MAX;
  }
  // Visits every edge (node, byte in [lo, hi), child) reachable through such edges from the
  // root; stops when `f` returns a non-empty string and returns it.
  template <typename F>
  std::string walk(uint32_t lo, uint32_t hi, F&& f) const {
    if (units.empty()) return "";
    std::vector<uint8_t> seen(units.size());
    std::vector<uint32_t> stack{0};
    while (!stack.empty()) {
      uint32_t node = stack.back();
      stack.pop_back();
      for (uint32_t c = lo; c < hi; ++c) {
        uint32_t x = child(node, c);
        if (x == UINT32_MAX) continue;
        if (std::string r = f(node, c, x); !r.empty()) return r;
        if (!seen[x]) seen[x] = 1, stack.push_back(x);
      }
    }
    return "";
  }
};

// "" if the normalizer's chunks never cross or swallow a ' ' and no replacement holds two
// consecutive spaces: no edge is labelled ' ' except root -> " ", a key of its own (no longer
// keys) mapped to " ". Else the reason.
std::string check_charsmap(const Charsmap& cm) {
  if (!cm.ok) return "charsmap_malformed";
  if (cm.values.find("  ") != std::string_view::npos) return "charsmap_double_space";
  return cm.walk(1, 256, [&](uint32_t node, uint32_t c, uint32_t x) -> std::string {
    if (c != ' ') return "";
    if (node != 0 || !Charsmap::has_leaf(cm.units[x])) return "charsmap_key_with_space";
    uint32_t leaf = x ^ Charsmap::offset(cm.units[x]);
    if (leaf >= cm.units.size()) return "charsmap_malformed";
    size_t v = Charsmap::value(cm.units[leaf]);
    if (v >= cm.values.size() || std::strcmp(cm.values.data() + v, " ") != 0) return "charsmap_space_rule";
    for (uint32_t d = 1; d < 256; ++d)
      if (cm.child(x, d) != UINT32_MAX) return "charsmap_key_with_space";
    return "";
  });
}

// True when no key consists of printable ASCII only: such text is then left as it is (every
// character its own chunk, no rule).
bool charsmap_ascii_identity(const Charsmap& cm) {
  return cm.ok && cm.walk(0x21, 0x7f, [&](uint32_t, uint32_t, uint32_t x) -> std::string {
    return Charsmap::has_leaf(cm.units[x]) ? "rule" : "";
  }).empty();
}

// Why the word path would not be exact for this model ("" if it is); see the file comment.
std::string refusal(const ModelInfo& m, int piece_size, int unk_id, const Charsmap& cm) {
  if (!m.ok) return "model_proto_unreadable";
  if (m.model_type != 1) return "not_unigram";
  if (m.byte_fallback) return "byte_fallback";
  if (m.treat_whitespace_as_suffix) return "whitespace_as_suffix";
  if (!m.add_dummy_prefix || !m.remove_extra_whitespaces || !m.escape_whitespaces)
    return "normalizer_whitespace_options";
  if (static_cast<int>(m.pieces.size()) != piece_size) return "model_proto_mismatch";
  bool space = false;
  int unk = -1;
  for (size_t i = 0; i < m.pieces.size(); ++i) {
    const auto& p = m.pieces[i];
    if (p.type == kUserDefined) return "user_defined_pieces";
    if (p.type == kByte) return "byte_pieces";
    if (p.type == kUnknown) unk = static_cast<int>(i);
    if (p.piece.find(kSpace, 1) != std::string::npos) return "piece_with_inner_space";
    if ((p.type == kNormal || p.type == kUnused) && p.piece.empty()) return "empty_piece";
    space = space || (p.type == kNormal && p.piece == kSpace);
  }
  if (unk < 0 || unk != unk_id) return "no_unknown_piece";
  if (!space) return "no_space_piece";
  return check_charsmap(cm);
}

// A flat open-addressing table of (hash, entry index) over a vector of entries: a hit costs a
// probe and the entry itself. Full at kMaxCacheEntries: everything is dropped and refilled.
struct CacheMap {
  struct Slot {
    uint64_t hash = 0;  // 0 = empty
    uint32_t index = 0;
  };
  struct Cached {
    std::string word;
    SentencePieceWords::Entry entry;
  };
  std::vector<Slot> slots;
  std::vector<Cached> entries;
  size_t mask = 0;

  static uint64_t hash(std::string_view w) { return XXH3_64bits(w.data(), w.size()) | 1; }
  const SentencePieceWords::Entry* find(std::string_view w, uint64_t h) const {
    if (slots.empty()) return nullptr;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      if (slots[i].hash == 0) return nullptr;
      if (slots[i].hash == h) {
        const Cached& c = entries[slots[i].index];
        if (c.word == w) return &c.entry;
      }
    }
  }
  SentencePieceWords::Entry& insert(std::string_view w, uint64_t h, SentencePieceWords::Entry&& e) {
    if (slots.empty() || entries.size() >= kMaxCacheEntries) {
      slots.assign(2 * kMaxCacheEntries, Slot());
      mask = 2 * kMaxCacheEntries - 1;
      entries.clear();
      entries.reserve(kMaxCacheEntries);
    }
    size_t i = h & mask;
    while (slots[i].hash != 0) i = (i + 1) & mask;
    slots[i] = {h, static_cast<uint32_t>(entries.size())};
    entries.push_back({std::string(w), std::move(e)});
    return entries.back().entry;
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
};

// libsentencepiece's EncodeOptimized on one word, seeded with `seed` at position 0; fills
// r.path/r.path_id back to front and returns the best score at the end.
float replay(const SentencePieceWords::Entry& e, float seed, int32_t unk, Replay& r) {
  const size_t n = e.norm.size();
  if (r.start.size() < n + 1) {
    r.score.resize(n + 1);
    r.start.resize(n + 1);
    r.id.resize(n + 1);
  }
  std::fill_n(r.start.data(), n + 1, -1);  // score and id are read only where start != -1
  r.score[0] = seed;
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
    if (node.id == unk) {
      const float cand = node.score + till;
      better = r.start[node.end] == -1 || cand > r.score[node.end];
      if (better) r.score[node.end] = cand;
    } else {
      const double cand = static_cast<double>(node.score) + static_cast<double>(till);
      better = r.start[node.end] == -1 || cand > static_cast<double>(r.score[node.end]);
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

}  // namespace

SentencePieceWords::Stats& SentencePieceWords::thread_stats() {
  thread_local Stats s;
  return s;
}

SentencePieceWords::SentencePieceWords(std::shared_ptr<const sentencepiece::SentencePieceProcessor> sp)
    : sp_(std::move(sp)) {
  static std::atomic<uint64_t> serials{0};
  serial_ = ++serials;
  ModelInfo m = parse_model(std::string(sp_->serialized_model_proto()));
  Charsmap cm(m.charsmap);
  why_not_ = refusal(m, sp_->GetPieceSize(), sp_->unk_id(), cm);
  if (!why_not_.empty()) return;
  float min_score = 3.402823466e+38f;  // unigram::Model: min over NORMAL pieces, from FLT_MAX
  std::vector<std::pair<std::string, int32_t>> trie_pieces;
  scores_.resize(m.pieces.size());
  for (size_t i = 0; i < m.pieces.size(); ++i) {
    const auto& p = m.pieces[i];
    scores_[i] = p.score;
    if (p.type == kUnknown) unk_id_ = static_cast<int32_t>(i);
    if (p.type == kNormal) min_score = std::min(min_score, p.score);
    // UNUSED pieces are in libsentencepiece's trie but never match: -1 here.
    if (p.type == kNormal || p.type == kUnused)
      trie_pieces.emplace_back(p.piece, p.type == kNormal ? static_cast<int32_t>(i) : -1);
  }
  build_trie(trie_pieces);
  ascii_identity_ = charsmap_ascii_identity(cm);
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
}

int32_t SentencePieceWords::trie_child(int32_t node, uint8_t byte) const {
  const TrieNode& t = trie_[static_cast<size_t>(node)];
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
  // Cross-check: the seed-0 replay (unknowns merged) must be Encode(word).
  thread_local Replay r;
  e.ok = true;
  if (ascii) return;
  if (n == 0) {
    e.ok = pieces.empty();
    return;
  }
  replay(e, 0.0f, unk_id_, r);
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
  float seed = 0.0f;
  bool prev_unk = false;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t sp = text.find(' ', pos);
    if (sp == std::string_view::npos) sp = text.size();
    std::string_view word = text.substr(pos, sp - pos);
    pos = sp + 1;
    if (word.empty()) continue;
    const Entry* e;
    if (word.size() > kMaxCachedWordBytes) {
      ++stats.misses;
      build_entry(word, scratch);
      e = &scratch;
    } else if (const uint64_t h = CacheMap::hash(word); (e = cache.find(word, h)) != nullptr) {
      ++stats.hits;
    } else {
      ++stats.misses;
      build_entry(word, scratch);
      e = &cache.insert(word, h, std::move(scratch));
    }
    if (!e->ok) return false;
    if (e->norm.empty()) continue;
    seed = replay(*e, seed, unk_id_, r);
    for (size_t i = r.path.size(); i-- > 0;) {
      bool is_unk = r.path_id[i] == unk_id_;
      emit(std::string_view(e->norm).substr(r.path[i].first, r.path[i].second - r.path[i].first),
           is_unk && prev_unk);
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
    bool ok = encode_words(text, [&](std::string_view piece, bool merge) {
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
    bool ok = encode_words(text, [&](std::string_view piece, bool merge) {
      if (merge) pieces.back() += piece;
      else pieces.emplace_back(piece);
    });
    if (ok) return;
    ++thread_stats().fallbacks;
    pieces.clear();
  }
  sp_->Encode(text, &pieces).IgnoreError();
}

}  // namespace rpdata::quality
