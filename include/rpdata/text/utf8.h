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

}  // namespace rpdata::text
