// URL pieces shared by the input planners: percent-encoding, local folders as file:// URLs and
// the placeholders of [download] patterns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rpdata::download {

// RFC 3986 unreserved characters pass, every other byte becomes %XX.
std::string percent_encode_segment(std::string_view s);
// Percent-encodes each '/'-separated segment, keeping the slashes.
std::string encode_path(std::string_view s);
// A local path becomes a file:// URL with each segment percent-encoded; URLs pass through.
std::string as_url(const std::string& base);
// `pattern` with "{index}" or "{index:0N}" (zero-padded to width N) replaced by `index`;
// ConfigError naming [download] pattern when it has neither.
std::string format_index(const std::string& pattern, int64_t index);
// Every occurrence of `from` replaced by `to`.
std::string replace_all(std::string s, const std::string& from, const std::string& to);

}  // namespace rpdata::download
