// RedPajama's per-file GitHub rules as pure functions (data_prep/github/
// github_clean_dedup_local.py clean_copyright_comments and path skips, github_run_filter.py
// extension whitelist), plus the fixed variants behind the compatibility switches.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rpdata::sources::github {

// Python `re.search("copyright", s, re.IGNORECASE)` on UTF-8: ASCII case-insensitive, and
// the 'i' also matches U+0130 and U+0131 (Python's Unicode case-insensitive rules).
bool contains_copyright(std::string_view s);

// rp_v1 clean_copyright_comments: the first C block comment (regex
// /\*[^*]*\*+(?:[^/*][^*]*\*+)*/ = the first "/*" up to the next "*/") is removed iff it
// contains "copyright", and cleaning stops there (even when it did not). Without a block
// comment, the leading run of lines starting with "//", "#", "--" or empty is dropped.
std::string clean_copyright_rp_v1(std::string_view content);
// The fixed behaviour (compat_copyright = false): only a header is touched. A block comment
// is removed iff it is the first thing in the file (after whitespace) and contains
// "copyright"; otherwise the leading run of comment lines ("//", "--", "#" followed by a
// space, "!" or end of line; blank lines) is removed iff it contains "copyright". Code such as
// `#include` or `#define` and Markdown text are never dropped.
std::string clean_copyright_fixed(std::string_view content);

// What either cleaner removes: the bytes [begin, end) of the content (begin == end: nothing),
// so a caller can erase them in place instead of copying the rest.
struct CopyrightCut {
  size_t begin = 0, end = 0;
};
CopyrightCut copyright_cut_rp_v1(std::string_view content);
CopyrightCut copyright_cut_fixed(std::string_view content);

// path.endswith(extensions_whitelist) of github_run_filter.py (66 entries, case-sensitive).
bool whitelisted_path(std::string_view path);
// The 66 whitelist entries, in RedPajama's order.
const std::vector<std::string_view>& extension_whitelist();

// What github_clean_dedup_local.py skips before hashing.
// compat (rp_v1): path ends with ".crt", or path == "LICENSE" exactly (top level only).
// fixed: also LICENSE/LICENCE/COPYING files (any extension, any case) in any directory.
bool skipped_path(std::string_view path, bool compat);

}  // namespace rpdata::sources::github
