// Character classes of the GPT-2 pre-tokenisation pattern as Oniguruma (the regex engine of
// Hugging Face `tokenizers`) evaluates them on UTF-8: \p{L}, \p{N} and \s (the Unicode
// White_Space property), taken from ICU into a two-stage table, plus a lenient UTF-8 decoder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace rpdata::tokenize::detail {

enum class CharClass : uint8_t {
  kOther = 0,   // [^\s\p{L}\p{N}]: punctuation, symbols, marks, controls, format (U+FEFF), ...
  kLetter = 1,  // \p{L}: Lu Ll Lt Lm Lo
  kNumber = 2,  // \p{N}: Nd Nl No
  kSpace = 3,   // \s: White_Space (incl. U+0085, U+00A0, U+2028, U+3000; not U+FEFF, U+200B)
};

// Immutable after construction; one process-wide instance (char_classes()).
class CharClassTable {
 public:
  CharClassTable();

  CharClass of(uint32_t cp) const {
    if (cp < 0x80) return static_cast<CharClass>(ascii_[cp]);
    if (cp > 0x10FFFF) return CharClass::kOther;
    return static_cast<CharClass>(blocks_[size_t{stage1_[cp >> 8]} * 256 + (cp & 0xFF)]);
  }

  // Class of the character starting at s[p] (p < n) and its length in bytes. Ill-formed
  // UTF-8 (never passed by callers, but possible) is taken one byte at a time as kOther.
  CharClass at(const uint8_t* s, size_t n, size_t p, size_t& len) const {
    uint8_t b = s[p];
    if (b < 0x80) {
      len = 1;
      return static_cast<CharClass>(ascii_[b]);
    }
    return of(decode_multibyte(s, n, p, len));
  }

  // Decodes the multi-byte sequence at s[p]; 0xFFFFFFFF (class kOther) when ill-formed.
  static uint32_t decode_multibyte(const uint8_t* s, size_t n, size_t p, size_t& len) {
    uint8_t b = s[p];
    size_t need;
    uint32_t cp;
    if (b >= 0xC2 && b <= 0xDF) {
      need = 1;
      cp = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
      need = 2;
      cp = b & 0x0F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      need = 3;
      cp = b & 0x07;
    } else {
      len = 1;
      return 0xFFFFFFFFu;
    }
    if (p + need >= n) {
      len = 1;
      return 0xFFFFFFFFu;
    }
    for (size_t i = 1; i <= need; ++i) {
      uint8_t c = s[p + i];
      if ((c & 0xC0) != 0x80) {
        len = 1;
        return 0xFFFFFFFFu;
      }
      cp = (cp << 6) | (c & 0x3F);
    }
    len = need + 1;
    return cp;
  }

 private:
  uint8_t ascii_[128];
  uint16_t stage1_[0x1100];  // cp >> 8 -> block number
  std::vector<uint8_t> blocks_;  // deduplicated 256-entry blocks
};

// The process-wide table, built from ICU on first use (thread-safe).
const CharClassTable& char_classes();

}  // namespace rpdata::tokenize::detail
