// HeaderList's case-insensitive lookup and the "Name: value" line parser (header_fields.h)
// shared by WARC record headers and HTTP response headers.
#include "header_fields.h"

#include <string>

namespace rpdata::io {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

const std::string* HeaderList::find(std::string_view name) const {
  for (const auto& f : fields_)
    if (iequals(f.name, name)) return &f.value;
  return nullptr;
}

std::string_view HeaderList::get(std::string_view name, std::string_view fallback) const {
  const std::string* v = find(name);
  return v ? std::string_view(*v) : fallback;
}

namespace header_fields {

bool add_header_line(HeaderList& headers, std::string_view line) {
  if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
    if (headers.size() == 0) return false;
    std::string& value = headers.fields().back().value;
    std::string_view more = trim(line);
    if (!more.empty()) {
      if (!value.empty()) value += ' ';
      value += more;
    }
    return true;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view name = trim(line.substr(0, colon));
  if (name.empty()) return false;
  headers.add(std::string(name), std::string(trim(line.substr(colon + 1))));
  return true;
}

}  // namespace header_fields
}  // namespace rpdata::io
