#include "rpdata/sources/commoncrawl/sample_file.h"

#include <cctype>

namespace rpdata::sources::commoncrawl {
namespace {

// "YYYY-WW": Common Crawl's crawl names (CC-MAIN-2019-30) without the prefix.
bool is_dump(const std::string& s) {
  if (s.size() != 7 || s[4] != '-') return false;
  for (size_t i = 0; i < s.size(); ++i)
    if (i != 4 && !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

}  // namespace

std::string unit_dump(const std::string& unit, const std::string& group) {
  if (is_dump(group)) return group;
  std::string head = unit.substr(0, unit.find('_'));
  return is_dump(head) ? head : std::string();
}

std::string sample_file(const std::string& unit, const std::string& group) {
  std::string dump = unit_dump(unit, group);
  return dump.empty() ? "cc_sample.jsonl" : "cc_" + dump + "_sample.jsonl";
}

}  // namespace rpdata::sources::commoncrawl
