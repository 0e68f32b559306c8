// [download] list = ["owner/repo@ref", ...] (or list_file, one entry per line, '#' comments):
// a named list of inputs. `pattern` builds the URL path from {entry}, {path} (before '@') and
// {ref} (after '@', "HEAD" if absent); the unit name is the entry with '/' -> '~' plus
// name_suffix.
#include "builtin_types.h"
#include "rpdata/core/error.h"
#include "rpdata/download/url.h"
#include "rpdata/io/fs.h"

namespace rpdata::download {
namespace {

std::vector<std::string> read_list_file(const std::string& list_file) {
  std::string text;
  try {
    text = io::read_file(list_file);
  } catch (const Error& e) {
    throw ConfigError("[download] list_file: " + e.message(), list_file);
  }
  std::vector<std::string> list;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    size_t b = line.find_first_not_of(" \t");
    if (b == std::string::npos || line[b] == '#') continue;
    list.push_back(line.substr(b));
  }
  if (list.empty()) throw ConfigError("[download] list_file has no entries", list_file);
  return list;
}

class ListPlanner : public InputPlanner {
 public:
  ListPlanner(std::vector<std::string> list, std::string pattern, std::string name_suffix)
      : list_(std::move(list)), pattern_(std::move(pattern)), name_suffix_(std::move(name_suffix)) {}

  Planned plan(const PlanContext& ctx) const override {
    const std::string& base = ctx.require_base();
    Planned out;
    for (const auto& entry : list_) {
      auto [name, url] = unit_of(entry, ctx.recipe);
      out.units.push_back({name, base + "/" + url, ""});
    }
    return out;
  }

 private:
  // "a/b@ref" -> (unit name, URL path from the pattern).
  std::pair<std::string, std::string> unit_of(const std::string& entry, const std::string& recipe) const {
    size_t at = entry.find('@');
    std::string path = entry.substr(0, at);
    std::string ref = at == std::string::npos ? "HEAD" : entry.substr(at + 1);
    bool bad = entry.empty() || path.empty() || ref.empty() || path[0] == '/' ||
               entry.find_first_of(" \t~\\") != std::string::npos ||
               ("/" + path + "/").find("/../") != std::string::npos ||
               ("/" + ref + "/").find("/../") != std::string::npos;
    if (bad)
      throw ConfigError("[download] list entry '" + entry + "' is not <path>[@<ref>] (no spaces, '~', '..')", recipe);
    std::string name = entry;
    for (char& c : name)
      if (c == '/') c = '~';
    name += name_suffix_;
    std::string url = pattern_;
    url = replace_all(url, "{path}", encode_path(path));
    url = replace_all(url, "{ref}", encode_path(ref));
    url = replace_all(url, "{entry}", encode_path(entry));
    return {name, url};
  }

  std::vector<std::string> list_;
  std::string pattern_, name_suffix_;
};

}  // namespace

PlannerType list_planner_type() {
  return {"list",
          {"list", "list_file"},
          false,
          "a named list of inputs \"path[@ref]\", inline or in a file; pattern builds the URL from {entry}, "
          "{path}, {ref}",
          {Key::list("list", {}, "the entries, \"path[@ref]\" each"),
           Key::text("list_file", "", "a local file of entries, one per line (instead of list)"),
           Key::text("pattern", "", "the URL of an entry, with {entry}, {path} and {ref}; empty: base_url/{path}"),
           Key::text("name_suffix", "", "appended to an entry's name to name its file")},
          [](const Params& d) {
            std::vector<std::string> list = d.get_strings("list");
            std::string list_file = d.get_string("list_file");
            if (!list_file.empty()) {
              if (!list.empty()) throw ConfigError("[download] has both list and list_file");
              list = read_list_file(list_file);
            }
            return std::make_unique<ListPlanner>(std::move(list), d.get_string("pattern"), d.get_string("name_suffix"));
          }};
}

}  // namespace rpdata::download
