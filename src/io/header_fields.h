// Header fields shared by the WARC reader (warc.cpp) and the HTTP response splitter
// (http_response.cpp), internal to io: the "Name: value" line parser with folded
// continuation lines, and the whitespace trimming both formats use.
#pragma once

#include <string_view>

#include "rpdata/io/warc.h"

namespace rpdata::io::header_fields {

// Drops leading and trailing spaces, tabs and CRs.
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Parses "Name: value" or a folded continuation into `headers`; false if malformed.
bool add_header_line(HeaderList& headers, std::string_view line);

}  // namespace rpdata::io::header_fields
