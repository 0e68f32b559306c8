#include "rpdata/download/url.h"

#include <filesystem>

#include "rpdata/core/error.h"
#include "rpdata/io/gcs_list.h"

namespace rpdata::download {

std::string percent_encode_segment(std::string_view s) { return io::url_encode_component(s); }

std::string encode_path(std::string_view s) {
  std::string out;
  while (true) {
    size_t slash = s.find('/');
    out += percent_encode_segment(s.substr(0, slash));
    if (slash == std::string_view::npos) break;
    out += '/';
    s.remove_prefix(slash + 1);
  }
  return out;
}

std::string as_url(const std::string& base) {
  if (base.find("://") != std::string::npos) return base;
  std::string url = "file://";
  for (const auto& part : std::filesystem::absolute(base).lexically_normal()) {
    std::string seg = part.string();
    if (seg == "/" || seg.empty()) continue;
    url += "/" + percent_encode_segment(seg);
  }
  return url;
}

std::string format_index(const std::string& pattern, int64_t index) {
  auto open = pattern.find("{index");
  auto close = open == std::string::npos ? open : pattern.find('}', open);
  if (close == std::string::npos) throw ConfigError("[download] pattern must contain {index} or {index:05}");
  std::string spec = pattern.substr(open + 6, close - open - 6);
  std::string num = std::to_string(index);
  if (!spec.empty()) {
    if (spec.size() < 3 || spec[0] != ':' || spec[1] != '0' ||
        spec.find_first_not_of("0123456789", 1) != std::string::npos)
      throw ConfigError("[download] pattern spec '{index" + spec + "}' must be {index:0N}");
    size_t width = std::stoul(spec.substr(2));
    if (num.size() < width) num.insert(0, width - num.size(), '0');
  }
  return pattern.substr(0, open) + num + pattern.substr(close + 1);
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

}  // namespace rpdata::download
