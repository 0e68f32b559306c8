// Internal: the element tables of libxml2 2.9.14's HTML parser that decide which elements a
// start or end tag closes (GNOME/libxml2@7846b0a677f8d3ce72486125fa281e92ac9970e8:HTMLparser.c:
// htmlStartClose, htmlEndPriority, the empty flag of html40ElementTable).
#pragma once

#include <cstdint>
#include <string_view>

namespace rpdata::sources::stackexchange {

// htmlCheckAutoClose: does a start tag <new_tag> close an open <old_tag>? (lower-case names)
bool html_start_closes(std::string_view new_tag, std::string_view old_tag);

// htmlGetEndPriority: an end tag closes the elements above its match only if none of them has
// a higher priority than it (div 150, td/th 160, tr 170, thead/tbody/tfoot 180, table 190,
// head/body 200, html 220, anything else 100).
int html_end_priority(std::string_view name);

// html40ElementTable's empty=1 elements: never left open (area base basefont br col frame hr
// img input isindex link meta param).
bool html_is_empty(std::string_view name);

// Non-ASCII code points in XML 1.0 (4th edition) names, as htmlParseNameComplex tests them:
// a letter (IS_LETTER: BaseChar or Ideographic) may start a name; a letter, digit, combining
// character or extender (IS_DIGIT, IS_COMBINING, IS_EXTENDER) may continue it.
bool xml_is_letter(uint32_t c);
bool xml_is_name_char(uint32_t c);

}  // namespace rpdata::sources::stackexchange
