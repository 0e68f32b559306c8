// HTML -> text as RedPajama's StackExchange post_processing.py does it: cleanhtml() replaces
// "<li>" and "<ol>" with "\n*" and drops "</li>" and "</ol>", then
// BeautifulSoup(s, "lxml").get_text() (bs4 4.11 over lxml/libxml2 2.9's HTML parser).
// Semantics and the known differences: docs/stackexchange.md.
#pragma once

#include <string>
#include <string_view>

namespace rpdata::sources::stackexchange {

// BeautifulSoup(html, "lxml").get_text(): the text of every string node in document order,
// where a string node is the character data between two markup events (tag, comment, PI).
// - entities: "&name;" decoded for the HTML 4.01 names (case-sensitive); anything else stays
//   literal ("&amp" without ';', "&AMP;", "&foo;"); "&#N;"/"&#xH;" decoded (';' optional),
//   dropped when not an XML Char (0, surrogates, > U+10FFFF, C0 controls but \t \n \r);
// - tags/comments/PIs removed; "<" not followed by a letter, '/', '!' or '?' is text; an
//   unterminated tag or comment swallows the rest of the input (libxml2 recovery);
// - script/style content (raw text up to "</name") and the strings directly under
//   script/style/template/rt/rp are not text (bs4's Script/Stylesheet/... string types);
// - a string of ASCII whitespace only, outside <pre>/<textarea>, becomes "\n" if it has one,
//   else " " (bs4's endData); blanks at the very start of the input are skipped (libxml2).
std::string html_get_text(std::string_view html);

// RedPajama's cleanhtml(): the four str.replace calls in order, then html_get_text.
std::string clean_html(std::string_view raw_html);

}  // namespace rpdata::sources::stackexchange
