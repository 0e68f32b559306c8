// GPT-2 / GPT-NeoX pre-tokenisation (Hugging Face ByteLevel pre-tokenizer, use_regex=true):
// the pieces the regex
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// finds under Oniguruma's leftmost-first alternation, as a hand-written scanner.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "unicode_class.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rpdata::tokenize::detail {

// End (exclusive) of the leading run of ASCII letters of s[p..n), 16 bytes at a time (the
// word's length comes from a bit scan instead of a loop exit per word); stops 16 bytes before
// the end, where class_run_end goes on byte by byte.
inline size_t ascii_letters_end(const uint8_t* s, size_t n, size_t p) {
#if defined(__SSE2__)
  const __m128i below_a = _mm_set1_epi8('a' - 1), above_z = _mm_set1_epi8('z' + 1);
  const __m128i fold = _mm_set1_epi8(0x20);
  while (p + 16 <= n) {
    // Bytes >= 0x80 are negative as int8, so they never pass the 'a'..'z' test.
    const __m128i x = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s + p)), fold);
    const unsigned letters = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_and_si128(_mm_cmpgt_epi8(x, below_a), _mm_cmplt_epi8(x, above_z))));
    if (letters != 0xFFFFu) return p + static_cast<size_t>(__builtin_ctz(~letters));
    p += 16;
  }
#endif
  return p;
}

// End (exclusive) of the run of characters of class `cls` starting at s[p].
inline size_t class_run_end(const CharClassTable& t, const uint8_t* s, size_t n, size_t p,
                            CharClass cls) {
  if (cls == CharClass::kLetter) p = ascii_letters_end(s, n, p);  // ASCII \p{L} is [A-Za-z]
  while (p < n) {
    size_t len;
    if (t.at(s, n, p, len) != cls) break;
    p += len;
  }
  return p;
}

// Length of a contraction 's 't 're 've 'm 'll 'd (case-sensitive) at s[p] == '\'', or 0.
inline size_t contraction_len(const uint8_t* s, size_t n, size_t p) {
  if (p + 1 >= n) return 0;
  switch (s[p + 1]) {
    case 's':
    case 't':
    case 'm':
    case 'd':
      return 2;
    case 'r':
    case 'v':
      return (p + 2 < n && s[p + 2] == 'e') ? 3 : 0;
    case 'l':
      return (p + 2 < n && s[p + 2] == 'l') ? 3 : 0;
    default:
      return 0;
  }
}

// Calls emit(begin, end) (byte offsets into `text`) for each pre-token, in order; the pieces
// tile `text` exactly. Alternatives are tried in the pattern's order at each position:
//  1. a contraction; 2-4. an optional U+0020 then a maximal run of letters, numbers or
//  "other"; 5. \s+(?!\S): a whitespace run up to the end of text, or all but its last
//  character when a non-space follows (that last character is retried: a ' ' then starts
//  2-4, anything else falls to 6); 6. \s+: a single whitespace character before a non-space.
template <class Emit>
void for_each_pretoken(std::string_view text, Emit&& emit) {
  const CharClassTable& t = char_classes();
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const size_t n = text.size();
  size_t p = 0;
  while (p < n) {
    size_t len;
    const CharClass c = t.at(s, n, p, len);
    size_t q;
    if (c == CharClass::kSpace) {
      size_t len2 = 0;
      const CharClass c2 = p + len < n ? t.at(s, n, p + len, len2) : CharClass::kSpace;
      if (s[p] == ' ' && p + len < n && c2 != CharClass::kSpace) {
        q = class_run_end(t, s, n, p + 1 + len2, c2);  // " ?X+" with the space
      } else {
        size_t last = p;  // start of the run's last character
        size_t r = p + len;
        while (r < n) {
          size_t l;
          if (t.at(s, n, r, l) != CharClass::kSpace) break;
          last = r;
          r += l;
        }
        if (r == n) {
          q = n;  // run reaches the end: (?!\S) holds after all of it
        } else if (last > p) {
          q = last;  // backtrack one character so that (?!\S) holds
        } else {
          q = r;  // single whitespace character before a non-space: \s+
        }
      }
    } else if (s[p] == '\'') {
      const size_t k = contraction_len(s, n, p);
      q = k ? p + k : class_run_end(t, s, n, p + 1, CharClass::kOther);
    } else {
      q = class_run_end(t, s, n, p + len, c);
    }
    emit(p, q);
    p = q;
  }
}

// The pre-tokens of `text` as views into it (for tests and debugging).
std::vector<std::string_view> pretokenize(std::string_view text);

}  // namespace rpdata::tokenize::detail
