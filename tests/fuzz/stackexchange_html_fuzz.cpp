// Fuzz target: RedPajama's cleanhtml + BeautifulSoup get_text port
// (sources/stackexchange/html_text.cpp) on one post body. The Posts.xml reader hands it
// attribute values, which expat guarantees are valid UTF-8 (other inputs are skipped); the
// text must come out valid UTF-8 too.
#include "fuzz_support.h"
#include "rpdata/sources/stackexchange/html_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view html = rpdata::fuzz::as_view(data, size);
  if (!rpdata::text::is_valid_utf8(html)) return 0;
  std::string text = rpdata::sources::stackexchange::clean_html(html);
  rpdata::fuzz::require_utf8(text, "clean_html output");
  return 0;
}
