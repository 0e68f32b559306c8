#include "rpdata/text/python_word.h"

#include <unicode/uchar.h>

namespace rpdata::text {

bool is_python_word_char(uint32_t cp) {
  if (cp < 0x80) {
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '_';
  }
  auto c = static_cast<UChar32>(cp);
  // CPython: Py_UNICODE_ISALNUM = isalpha (Lu Ll Lt Lm Lo) || isdecimal || isdigit || isnumeric.
  if (u_isalpha(c)) return true;
  return u_getIntPropertyValue(c, UCHAR_NUMERIC_TYPE) != U_NT_NONE;
}

}  // namespace rpdata::text
