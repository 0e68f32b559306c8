// HTML page -> plain text lines, standing in for CommonCrawl's WET text extraction when the
// quality classifier's Wikipedia-reference pages (fetched into a WARC, spec §1.7) are turned
// into cc_net documents. Approximates ia-web-commons' output: the <title> as first line,
// one line per block element, inline elements glued, whitespace runs collapsed, lines
// stripped, empty lines dropped; script/style/noscript/template/svg content skipped.
// Differences from CommonCrawl: docs/cc_classifier.md.
#pragma once

#include <string>
#include <string_view>

namespace rpdata::text {

struct HtmlText {
  std::string title;  // the first <title>'s text (collapsed, stripped); "" if none
  std::string text;   // body lines joined by '\n' (no trailing newline)
};

// `html` must be valid UTF-8 (callers drop other pages). Never throws on malformed markup.
// Entities: numeric, the HTML 4 Latin-1 set and common typographic ones (docs list them);
// an unknown entity is kept literally.
HtmlText html_to_text(std::string_view html);

// Decodes character references in `s` (same table as html_to_text).
std::string decode_html_entities(std::string_view s);

}  // namespace rpdata::text
