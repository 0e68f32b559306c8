#include "rpdata/text/python_unicode.h"

#include <unicode/uchar.h>

#include <array>
#include <vector>

namespace rpdata::text {
namespace {

// Two bitmaps over all code points, built once from ICU (~1.1 M lookups, a few ms).
struct Tables {
  std::vector<uint64_t> alpha, alnum;
  Tables() : alpha(0x110000 / 64), alnum(0x110000 / 64) {
    for (UChar32 c = 0; c < 0x110000; ++c) {
      int8_t t = u_charType(c);
      bool a = t == U_UPPERCASE_LETTER || t == U_LOWERCASE_LETTER || t == U_TITLECASE_LETTER ||
               t == U_MODIFIER_LETTER || t == U_OTHER_LETTER;
      bool n = u_getIntPropertyValue(c, UCHAR_NUMERIC_TYPE) != U_NT_NONE;
      if (a) alpha[static_cast<size_t>(c) >> 6] |= uint64_t{1} << (c & 63);
      if (a || n) alnum[static_cast<size_t>(c) >> 6] |= uint64_t{1} << (c & 63);
    }
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

bool bit(const std::vector<uint64_t>& v, uint32_t cp) {
  return cp < 0x110000 && ((v[cp >> 6] >> (cp & 63)) & 1);
}

// ASCII classes: bit 0 alpha, bit 1 alnum, bit 2 line break.
constexpr std::array<uint8_t, 128> kAscii = [] {
  std::array<uint8_t, 128> a{};
  for (int c = 'a'; c <= 'z'; ++c) a[c] = 3;
  for (int c = 'A'; c <= 'Z'; ++c) a[c] = 3;
  for (int c = '0'; c <= '9'; ++c) a[c] = 2;
  for (int c : {0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e}) a[c] = 4;
  return a;
}();

}  // namespace

bool is_python_alpha(uint32_t cp) { return cp < 128 ? (kAscii[cp] & 1) : bit(tables().alpha, cp); }
bool is_python_alnum(uint32_t cp) { return cp < 128 ? (kAscii[cp] & 2) : bit(tables().alnum, cp); }
bool is_python_line_break(uint32_t cp) {
  return cp < 128 ? (kAscii[cp] & 4) : (cp == 0x85 || cp == 0x2028 || cp == 0x2029);
}

PythonTextStats python_text_stats(std::string_view s) {
  const Tables& t = tables();
  PythonTextStats st;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size(), i = 0;
  int64_t line = 0;       // code points of the current line so far
  bool open = false;      // the current line has content or was started (not yet broken)
  auto end_line = [&] {
    ++st.line_count;
    if (line > st.max_line_length) st.max_line_length = line;
    line = 0;
    open = false;
  };
  while (i < n) {
    unsigned char b = p[i];
    uint32_t cp;
    if (b < 0x80) {
      ++i;
      ++st.length;
      uint8_t k = kAscii[b];
      if (k & 4) {
        if (b == '\r' && i < n && p[i] == '\n') {
          ++i;
          ++st.length;
        }
        end_line();
        continue;
      }
      st.alpha += k & 1;
      st.alnum += (k >> 1) & 1;
      ++line;
      open = true;
      continue;
    }
    // Valid UTF-8 is a precondition (callers drop invalid input); decode without checks.
    if (b < 0xE0) {
      cp = (uint32_t{b} & 0x1F) << 6 | (p[i + 1] & 0x3F);
      i += 2;
    } else if (b < 0xF0) {
      cp = (uint32_t{b} & 0x0F) << 12 | (uint32_t{p[i + 1]} & 0x3F) << 6 | (p[i + 2] & 0x3F);
      i += 3;
    } else {
      cp = (uint32_t{b} & 0x07) << 18 | (uint32_t{p[i + 1]} & 0x3F) << 12 | (uint32_t{p[i + 2]} & 0x3F) << 6 |
           (p[i + 3] & 0x3F);
      i += 4;
    }
    if (i > n) break;  // truncated sequence at the end: not valid UTF-8, stop
    ++st.length;
    if (cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
      end_line();
      continue;
    }
    st.alpha += bit(t.alpha, cp);
    st.alnum += bit(t.alnum, cp);
    ++line;
    open = true;
  }
  if (open) end_line();
  return st;
}

}  // namespace rpdata::text
