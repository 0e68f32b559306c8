// HTML -> text as RedPajama's StackExchange post_processing.py does it: cleanhtml() replaces
// "<li>" and "<ol>" with "\n*" and drops "</li>" and "</ol>", then
// BeautifulSoup(s, "lxml").get_text() (bs4 4.11 over lxml/libxml2 2.9's HTML parser).
// Semantics and the known differences: docs/stackexchange.md.
#pragma once

#include <string>
#include <string_view>

namespace rpdata::sources::stackexchange {

// BeautifulSoup(html, "lxml").get_text(): the text of every string node in document order.
// libxml2 2.9.14's HTML push parser is followed state by state (element stack, implied
// html/head/body/p, start tags closing open elements, end-tag priorities), and a string node is
// the character data between two of its events (start, end, comment, PI, doctype), as bs4 builds
// them. Consequences worth knowing:
// - an end tag that closes nothing makes no event: the text on both sides is one string;
// - an end tag that empties the element stack ("</p>" before anything was opened, "</html>")
//   ends the document except for a following blank run;
// - entities: "&name;" for the HTML 4.01 names (case-sensitive), "&#N;"/"&#xH;" (';' optional,
//   dropped when not an XML Char); anything else stays literal ("&amp", "&AMP;", "&foo;");
// - "<" not followed by a letter, '/', '!' or '?' is text; a last lone "<" or "&", or a final
//   "<!" with under four bytes, is lost; an unterminated tag, comment or PI swallows the rest;
// - script/style content (raw text up to "</name") and the strings under script, style,
//   template, rt and rp are not text (bs4's Script, Stylesheet, ... string types);
// - a string of ASCII whitespace only, outside <pre>/<textarea>, becomes "\n" if it has one,
//   else " " (bs4's endData); blanks at the very start of the input are skipped (libxml2), and
//   a leading U+FEFF is dropped (bs4).
std::string html_get_text(std::string_view html);

// RedPajama's cleanhtml(): the four str.replace calls in order, then html_get_text.
std::string clean_html(std::string_view raw_html);

}  // namespace rpdata::sources::stackexchange
