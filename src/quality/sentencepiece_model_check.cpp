// SentencePiece model checks for the word path (sentencepiece_model_check.h): the ModelProto
// wire-format reader, the precompiled_charsmap trie walks and the list of refusals.
#include "sentencepiece_model_check.h"

#include <cstdint>
#include <cstring>
#include <utility>

namespace rpdata::quality::spm {
namespace {

// A minimal protobuf wire-format reader for ModelProto.
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

// Why the word path would not be exact for this model ("" if it is); see the comment at the
// top of sentencepiece_words.cpp.
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

}  // namespace

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

WordPathCheck check_word_path(const ModelInfo& m, int piece_size, int unk_id) {
  Charsmap cm(m.charsmap);
  WordPathCheck check;
  check.why_not = refusal(m, piece_size, unk_id, cm);
  if (check.why_not.empty()) check.ascii_identity = charsmap_ascii_identity(cm);
  return check;
}

}  // namespace rpdata::quality::spm
