// The seeded adversarial Unicode generator of realdata_corpus.h.
#include <unicode/uchar.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "rpdata/text/utf8.h"
#include "tokenize/realdata_corpus.h"

namespace rpdata::test {
namespace {

// splitmix64: explicit, platform-independent.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }
  template <class T, size_t N>
  const T& pick(const std::array<T, N>& a) {
    return a[below(N)];
  }

 private:
  uint64_t s_;
};

void put(std::string& out, uint32_t cp) { text::append_utf8(out, cp); }

// Code points unassigned in ICU 72 (Unicode 15.0) but assigned since (Unicode 15.1/16.0: CJK
// Ext. I, Garay, Todhri, Egyptian Hieroglyphs Ext. A, ...) are classified differently by the
// reference's Oniguruma (Unicode 16.0 tables), so random text keeps a code point only if ICU
// knows it, or it is unassigned in every version so far: planes 4-13 and noncharacters
// (docs/tokenize.md "Unicode versions").
bool same_in_both_versions(uint32_t cp) {
  const bool noncharacter = (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
  return u_charType(static_cast<UChar32>(cp)) != U_UNASSIGNED || noncharacter ||
         (cp >= 0x40000 && cp < 0xE0000);
}

// A scalar value (no surrogates) of any plane.
uint32_t random_scalar(Rng& r) {
  for (;;) {
    uint32_t cp;
    switch (r.below(4)) {
      case 0: cp = static_cast<uint32_t>(r.below(0x80)); break;       // ASCII incl. controls
      case 1: cp = static_cast<uint32_t>(r.below(0x10000)); break;    // BMP
      case 2: cp = 0x10000 + static_cast<uint32_t>(r.below(0x30000)); break;  // planes 1-3
      default: cp = static_cast<uint32_t>(r.below(0x110000)); break;  // anywhere
    }
    if ((cp < 0xD800 || cp > 0xDFFF) && same_in_both_versions(cp)) return cp;
  }
}

constexpr std::array<uint32_t, 31> kSpaces = {
    ' ',    '\t',   '\n',   '\r',   0x0B,   0x0C,   0x85,   0xA0,   0x1680, 0x2000, 0x2001,
    0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029,
    0x202F, 0x205F, 0x3000, 0xFEFF, 0x200B, 0x180E, 0x1C,   0x1F,   ' '};
// Combining marks, including ones newer than Unicode 9.0 (U+0898/0899/1AC1/1DFA: 14.0,
// U+10D24: 11.0, U+1E08F/1E4EC/11F42: 15.0, U+0897: 16.0) that the reference's Unicode 9.0
// NFC treats as unknown starters, never reordering or composing them.
constexpr std::array<uint32_t, 25> kMarks = {
    0x300,  0x301,  0x302,   0x308,   0x30A,   0x323,   0x327,  0x36F,  0x483,
    0x591,  0x64B,  0x94D,   0x1AB0,  0x20D0,  0x20E3,  0xFE0F, 0x898,  0x899,
    0x1AC1, 0x1DFA, 0x10D24, 0x1E08F, 0x1E4EC, 0x11F42, 0x897};
constexpr std::array<uint32_t, 18> kDigitZeros = {
    '0',    0x660,  0x6F0,  0x966,  0x9E6,  0xA66,  0xBE6,  0xE50,   0xF20,
    0x1040, 0x17E0, 0xFF10, 0x1D7CE, 0x104A0, 0x1E950, 0x1810, 0x19D0, 0xA8D0};
constexpr std::array<uint32_t, 10> kOtherNumbers = {0x2160, 0x2167, 0x216B, 0xBD, 0xB2,
                                                    0x2460, 0x2469, 0x3007, 0x10107, 0x1F100};
constexpr std::array<std::string_view, 18> kContractions = {
    "'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'LL", "'Re", "'VE", "'D",
    "''", "'", "’s", "'\u0301s", "'s'", " 's"};
constexpr std::array<std::string_view, 34> kWords = {
    "the", "The", "don", "we", "über", "naïve", "Ελληνικά", "Привіт", "日本語", "中文",
    "한국어", "مرحبا", "שלום", "हिन्दी", "ไทย", "ﬁnance", "ＡＢＣ", "e\u0301", "A\u030A",
    "\u1100\u1161\u11A8", "\u212B", "\u2126", "\uF900", "\u0958", "o\u0308\u0301",
    "\u0041\u0327\u0301", "x\u0345\u0301", "\U0001D400\U0001D401", "ǅ", "ß", "İ", "ſt",
    "\u0F73", "\u1E9B\u0323"};
constexpr std::array<std::string_view, 14> kEmoji = {
    "👨\u200d👩\u200d👧\u200d👦", "🏳\ufe0f\u200d🌈", "👍🏽", "❤\ufe0f", "🧑\u200d💻", "😀",
    "🇺🇸", "1\ufe0f\u20e3", "\u200d", "\u200c", "👩🏿\u200d🦰", "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F",
    "🫠", "™"};
// Literal special tokens; they are cut out before NFC, so a following U+0338 does not
// compose with their '>' (it would make U+226F) while '<' U+0338 elsewhere becomes U+226E.
constexpr std::array<std::string_view, 12> kSpecial = {
    "<|endoftext|>", "<|padding|>", "<|endoftext|", "<|padding|><|endoftext|>", "<|",
    "<|endoftext|>\u0301", "<<|endoftext|>>", "<|padding|>  ", "  <|endoftext|>",
    "<|endoftext|>\u0338", "<\u0338|padding|>", "=\u0338"};
constexpr std::array<std::string_view, 12> kPunct = {
    ".", ",", "!?", "...", "—", "«", "»", "(", ")", "&amp;", "\\", "``"};

// One random piece of text.
void piece(Rng& r, std::string& out) {
  switch (r.below(13)) {
    case 0:  // random scalars
      for (size_t i = 0, n = 1 + r.below(6); i < n; ++i) put(out, random_scalar(r));
      break;
    case 1:  // whitespace of mixed kinds
      for (size_t i = 0, n = 1 + r.below(5); i < n; ++i) put(out, r.pick(kSpaces));
      break;
    case 2: {  // long runs of spaces mixed with tabs and newlines
      for (size_t i = 0, n = 1 + r.below(40); i < n; ++i) out += ' ';
      if (r.below(2)) out += r.below(2) ? '\t' : '\n';
      for (size_t i = 0, n = r.below(30); i < n; ++i) out += ' ';
      break;
    }
    case 3:  // combining marks, possibly after spaces or at the start
      for (size_t i = 0, n = 1 + r.below(4); i < n; ++i) put(out, r.pick(kMarks));
      break;
    case 4: {  // digits of one script, or other numbers
      const uint32_t zero = r.pick(kDigitZeros);
      for (size_t i = 0, n = 1 + r.below(8); i < n; ++i) {
        put(out, r.below(6) ? zero + static_cast<uint32_t>(r.below(10)) : r.pick(kOtherNumbers));
      }
      break;
    }
    case 5: out += r.pick(kContractions); break;
    case 6: out += r.pick(kEmoji); break;
    case 7: out += r.pick(kSpecial); break;
    case 8: out += r.pick(kPunct); break;
    case 9: {  // a long run of one class: > 64 symbols (heap merge), > 255 bytes (uncached)
      constexpr std::array<std::string_view, 8> kUnits = {"a", "ab", "=", "日本", "9", "́",
                                                          "xY3+/", "नि"};
      const std::string_view unit = r.pick(kUnits);
      const size_t n = r.below(8) ? 2 + r.below(20) : 40 + r.below(300);
      for (size_t i = 0; i < n; ++i) out += unit;
      break;
    }
    default:  // words, often with a leading space
      if (r.below(2)) out += ' ';
      out += r.pick(kWords);
      break;
  }
}

}  // namespace

std::vector<CorpusDoc> adversarial_corpus(uint64_t seed, size_t n) {
  Rng r(seed);
  std::vector<CorpusDoc> docs;
  for (size_t d = 0; d < n; ++d) {
    std::string text;
    if (d % 10 == 9) {  // pure random scalars
      for (size_t i = 0, k = 1 + r.below(400); i < k; ++i) put(text, random_scalar(r));
    } else {
      for (size_t i = 0, k = 1 + r.below(200); i < k; ++i) piece(r, text);
    }
    docs.push_back({"random/" + std::to_string(d), std::move(text)});
  }
  return docs;
}

}  // namespace rpdata::test
