// Python 3's `re` word class for str patterns (\w, \b): str.isalnum() or '_' per code point
// (ICU properties: general category L*, or any Numeric_Type). Used by RedPajama's URL regex
// over Wikipedia references (RP data_prep/cc/classifier extract_urls.py, spec §1.7).
#pragma once

#include <cstdint>

namespace rpdata::text {

bool is_python_word_char(uint32_t cp);

}  // namespace rpdata::text
