// Python's str.isalpha / str.isalnum for one code point and str.splitlines() line statistics,
// on UTF-8, as RedPajama's GitHub stats and filters use them (data_prep/github/
// github_clean_dedup_local.py get_filecontent_stats, github_run_filter.py). Unicode tables
// come from ICU (its Unicode version, not the one of the Python RedPajama ran: docs/github.md).
#pragma once

#include <cstdint>
#include <string_view>

namespace rpdata::text {

// str.isalpha(): general category Lu, Ll, Lt, Lm or Lo.
bool is_python_alpha(uint32_t cp);
// str.isalnum(): isalpha() or isdecimal() or isdigit() or isnumeric(), i.e. a letter or any
// code point with a Unicode Numeric_Type (Decimal, Digit, Numeric; incl. Unihan numerics).
bool is_python_alnum(uint32_t cp);
// True for the code points str.splitlines() breaks at: \n \r \v \f \x1c \x1d \x1e \x85
// U+2028 U+2029 ("\r\n" counts as one break).
bool is_python_line_break(uint32_t cp);

// One pass over valid UTF-8 text, with Python's semantics (lengths in code points).
struct PythonTextStats {
  int64_t length = 0;           // len(s)
  int64_t line_count = 0;       // len(s.splitlines())
  int64_t max_line_length = 0;  // max(map(len, s.splitlines())), 0 without lines
  int64_t alnum = 0;            // sum(c.isalnum() for c in s)
  int64_t alpha = 0;            // sum(c.isalpha() for c in s)
};
PythonTextStats python_text_stats(std::string_view utf8);

}  // namespace rpdata::text
