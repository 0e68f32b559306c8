#include "rpdata/sources/github/rules.h"

namespace rpdata::sources::github {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// One pattern character against s[i..]; returns bytes matched or 0.
size_t match_ci(std::string_view s, size_t i, char c) {
  if (i >= s.size()) return 0;
  unsigned char b = static_cast<unsigned char>(s[i]);
  if ((b | 0x20) == static_cast<unsigned char>(c)) return 1;
  // U+0130 (C4 B0) and U+0131 (C4 B1) match 'i' under Python's re.IGNORECASE.
  if (c == 'i' && b == 0xC4 && i + 1 < s.size() && (s[i + 1] == '\xB0' || s[i + 1] == '\xB1')) return 2;
  return 0;
}

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

// A line of a leading comment header, for the fixed cleaner.
bool is_header_line(std::string_view line) {
  size_t p = 0;
  while (p < line.size() && is_ws(line[p])) ++p;
  std::string_view l = line.substr(p);
  if (l.empty()) return true;
  if (l.substr(0, 2) == "//" || l.substr(0, 2) == "--") return true;
  if (l[0] == '#') return l.size() == 1 || l[1] == ' ' || l[1] == '\t' || l[1] == '!' || l[1] == '#';
  return false;
}

}  // namespace

bool contains_copyright(std::string_view s) {
  static constexpr std::string_view kWord = "copyright";
  for (size_t start = 0; start < s.size(); ++start) {
    size_t i = start;
    bool ok = true;
    for (char c : kWord) {
      size_t n = match_ci(s, i, c);
      if (!n) {
        ok = false;
        break;
      }
      i += n;
    }
    if (ok) return true;
  }
  return false;
}

CopyrightCut copyright_cut_rp_v1(std::string_view content) {
  size_t s = content.find("/*");
  if (s != std::string_view::npos) {
    size_t e = content.find("*/", s + 2);
    if (e != std::string_view::npos) {
      if (!contains_copyright(content.substr(s, e + 2 - s))) return {};
      return {s, e + 2};
    }
  }
  // content.split('\n'); skip the leading lines starting with //, #, -- or empty (no lstrip);
  // '\n'.join(rest). Only the skipped prefix changes, so cut at the first kept line.
  size_t pos = 0;
  while (pos <= content.size()) {
    size_t nl = content.find('\n', pos);
    std::string_view line = content.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    bool skip = line.empty() || line.substr(0, 2) == "//" || line[0] == '#' || line.substr(0, 2) == "--";
    if (!skip) break;
    if (nl == std::string_view::npos) return {0, content.size()};  // every line skipped: ""
    pos = nl + 1;
  }
  return {0, pos};
}

CopyrightCut copyright_cut_fixed(std::string_view content) {
  size_t p = 0;
  while (p < content.size() && is_ws(content[p])) ++p;
  if (content.substr(p, 2) == "/*") {
    size_t e = content.find("*/", p + 2);
    if (e == std::string_view::npos || !contains_copyright(content.substr(p, e + 2 - p))) return {};
    return {p, e + 2};
  }
  size_t pos = 0;
  while (pos < content.size()) {
    size_t nl = content.find('\n', pos);
    std::string_view line = content.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (!is_header_line(line)) break;
    pos = nl == std::string_view::npos ? content.size() : nl + 1;
  }
  if (pos == 0 || !contains_copyright(content.substr(0, pos))) return {};
  return {0, pos};
}

namespace {
std::string apply_cut(std::string_view content, CopyrightCut cut) {
  std::string out(content.substr(0, cut.begin));
  out.append(content.substr(cut.end));
  return out;
}
}  // namespace

std::string clean_copyright_rp_v1(std::string_view content) {
  return apply_cut(content, copyright_cut_rp_v1(content));
}

std::string clean_copyright_fixed(std::string_view content) {
  return apply_cut(content, copyright_cut_fixed(content));
}

const std::vector<std::string_view>& extension_whitelist() {
  static const std::vector<std::string_view> kList = {
      ".asm", ".bat", ".cmd", ".c", ".h", ".cs", ".cpp", ".hpp", ".c++", ".h++", ".cc", ".hh", ".C", ".H",
      ".cmake", ".css", ".dockerfile", ".f90", ".f", ".f03", ".f08", ".f77", ".f95", ".for", ".fpp", ".go",
      ".hs", ".html", ".java", ".js", ".jl", ".lua", ".md", ".markdown", ".php", ".php3", ".php4", ".php5",
      ".phps", ".phpt", ".pl", ".pm", ".pod", ".perl", ".ps1", ".psd1", ".psm1", ".py", ".rb", ".rs", ".sql",
      ".scala", ".sh", ".bash", ".command", ".zsh", ".ts", ".tsx", ".tex", ".vb", "Dockerfile", "Makefile",
      ".xml", ".rst", ".m", ".smali"};
  return kList;
}

bool whitelisted_path(std::string_view path) {
  for (std::string_view e : extension_whitelist())
    if (ends_with(path, e)) return true;
  return false;
}

bool skipped_path(std::string_view path, bool compat) {
  if (ends_with(path, ".crt")) return true;
  if (compat) return path == "LICENSE";
  size_t slash = path.rfind('/');
  std::string base(path.substr(slash == std::string_view::npos ? 0 : slash + 1));
  for (char& c : base) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  for (std::string_view prefix : {"LICENSE", "LICENCE", "COPYING"})
    if (std::string_view(base).substr(0, prefix.size()) == prefix) return true;
  return false;
}

}  // namespace rpdata::sources::github
