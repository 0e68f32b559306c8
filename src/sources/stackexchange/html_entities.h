// Internal: libxml2's HTML 4.01 entity table (what lxml's HTML parser decodes in "&name;").
#pragma once

#include <string_view>

namespace rpdata::sources::stackexchange {

// The code point of an HTML 4.01 entity name (case-sensitive, "amp" -> '&'), 0 if unknown.
char32_t html4_entity(std::string_view name);

}  // namespace rpdata::sources::stackexchange
