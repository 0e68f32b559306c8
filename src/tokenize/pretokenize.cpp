#include "pretokenize.h"

namespace rpdata::tokenize::detail {

std::vector<std::string_view> pretokenize(std::string_view text) {
  std::vector<std::string_view> out;
  for_each_pretoken(text, [&](size_t b, size_t e) { out.push_back(text.substr(b, e - b)); });
  return out;
}

}  // namespace rpdata::tokenize::detail
