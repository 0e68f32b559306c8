// UTF-8 helpers with Python's string semantics (lengths in code points), used wherever
// RedPajama's Python code measured len(str).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rpdata::text {

// True if `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view s);
// Byte offset of the first ill-formed sequence, or std::string_view::npos if valid.
size_t utf8_error_offset(std::string_view s);
// Appends code point `cp` (a Unicode scalar value) encoded as UTF-8.
void append_utf8(std::string& out, uint32_t cp);
// Number of code points in valid UTF-8 (Python len()).
size_t codepoint_count(std::string_view s);
// Python's str.isspace() for one code point (CPython's whitespace table: bidi WS/B/S or Zs;
// 29 code points: \t..\r, U+001C..U+0020, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028,
// U+2029, U+202F, U+205F, U+3000). Used by str.strip() and str.split() without arguments.
bool is_python_space(uint32_t cp);
// Python's str.strip() without arguments on valid UTF-8 (cc_net strips every WET line).
std::string_view python_strip(std::string_view s);
// Python's str.split()[0] without arguments: the first run of non-whitespace, or "" if none.
std::string_view python_first_token(std::string_view s);

}  // namespace rpdata::text
