#include "rpdata/text/utf8.h"

#include <simdjson.h>

#include <cstdint>

namespace rpdata::text {

bool is_valid_utf8(std::string_view s) { return utf8_error_offset(s) == std::string_view::npos; }

size_t utf8_error_offset(std::string_view s) {
  // simdjson's validator accepts exactly well-formed UTF-8 (no overlongs, surrogates or code
  // points past U+10FFFF), as the scan below does; the scan only runs to find where it breaks.
  if (simdjson::validate_utf8(s.data(), s.size())) return std::string_view::npos;
  const auto* begin = reinterpret_cast<const unsigned char*>(s.data());
  const auto* p = begin;
  const auto* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) { ++p; continue; }
    int n;
    uint32_t cp, min;
    if ((c & 0xe0) == 0xc0) { n = 1; cp = c & 0x1f; min = 0x80; }
    else if ((c & 0xf0) == 0xe0) { n = 2; cp = c & 0x0f; min = 0x800; }
    else if ((c & 0xf8) == 0xf0) { n = 3; cp = c & 0x07; min = 0x10000; }
    else return static_cast<size_t>(p - begin);
    if (end - p <= n) return static_cast<size_t>(p - begin);
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xc0) != 0x80) return static_cast<size_t>(p - begin);
      cp = (cp << 6) | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return static_cast<size_t>(p - begin);
    p += n + 1;
  }
  return std::string_view::npos;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

size_t codepoint_count(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

bool is_python_space(uint32_t cp) {
  if (cp < 0x80) return (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x20);
  switch (cp) {
    case 0x85: case 0xa0: case 0x1680: case 0x2028: case 0x2029: case 0x202f: case 0x205f:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200a;
  }
}

namespace {

// Decodes the code point starting at s[i] (valid UTF-8 assumed; a stray byte decodes as
// itself with length 1, which is never whitespace above 0x7f).
uint32_t decode_at(std::string_view s, size_t i, size_t& len) {
  auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(s[k])); };
  uint32_t c = b(i);
  if (c < 0x80) { len = 1; return c; }
  size_t n = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 1;
  if (n == 1 || i + n > s.size()) { len = 1; return 0xfffd; }
  uint32_t cp = c & (0x7f >> n);
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (b(i + k) & 0x3f);
  len = n;
  return cp;
}

}  // namespace

std::string_view python_strip(std::string_view s) {
  size_t begin = 0, len = 0;
  while (begin < s.size() && is_python_space(decode_at(s, begin, len))) begin += len;
  size_t end = s.size();
  while (end > begin) {
    size_t start = end - 1;
    while (start > begin && (static_cast<unsigned char>(s[start]) & 0xc0) == 0x80 && end - start < 4) --start;
    uint32_t cp = decode_at(s, start, len);
    if (start + len != end || !is_python_space(cp)) break;
    end = start;
  }
  return s.substr(begin, end - begin);
}

std::string_view python_first_token(std::string_view s) {
  size_t i = 0, len = 0;
  while (i < s.size() && is_python_space(decode_at(s, i, len))) i += len;
  size_t j = i;
  while (j < s.size() && !is_python_space(decode_at(s, j, len))) j += len;
  return s.substr(i, j - i);
}

}  // namespace rpdata::text
