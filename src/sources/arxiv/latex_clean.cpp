#include "rpdata/sources/arxiv/latex_clean.h"

#include <algorithm>
#include <array>

#include "rpdata/text/utf8.h"

namespace rpdata::sources::arxiv {
namespace {

constexpr size_t npos = std::string_view::npos;

bool is_alnum_ascii(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Python's `\s` on str at `i`: the byte length of the whitespace code point there, or 0.
size_t space_len(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return (c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f)) ? 1 : 0;
  uint32_t cp = 0;
  size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
  if (i + len > s.size() || len == 1) return 0;
  cp = c & (0x3f >> (len - 1));
  for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
  return text::is_python_space(cp) ? len : 0;
}

size_t skip_spaces(std::string_view s, size_t i) {
  while (i < s.size()) {
    size_t n = space_len(s, i);
    if (n == 0) break;
    i += n;
  }
  return i;
}

size_t line_end(std::string_view s, size_t i) {
  size_t e = s.find('\n', i);
  return e == npos ? s.size() : e;
}

// `\{(.*)\}$` (MULTILINE) at `v`-1 == '{': the value runs to the line's end, which must be
// '}'. Returns the value's end (the closing brace), or npos.
size_t value_end(std::string_view s, size_t v) {
  size_t le = line_end(s, v);
  if (le == 0 || le - 1 < v || s[le - 1] != '}') return npos;
  return le - 1;
}

void put_macro(MacroTable& table, std::string name, std::string value) {
  for (auto& [n, v] : table)
    if (n == name) {
      v = std::move(value);
      return;
    }
  table.emplace_back(std::move(name), std::move(value));
}

// Occurrences of `needle` from `from` on.
template <typename F>
void each_occurrence(std::string_view s, std::string_view needle, F&& f) {
  size_t i = s.find(needle);
  while (i != npos) {
    size_t resume = f(i);  // where finditer goes on (match end, or i + 1 on failure)
    i = s.find(needle, std::max(resume, i + 1));
  }
}

// Heading alternatives at `r` (after `\kw` and an optional `*`): `(?:\[(.*)\])?\{(.*)\}`
// with DOTALL, where a closing brace is acceptable iff its position < `close_limit`.
bool heading_rest(std::string_view s, size_t r, size_t close_limit) {
  if (close_limit == npos || r >= s.size()) return false;
  if (s[r] == '{') return r < close_limit;
  if (s[r] != '[') return false;
  // The bracket group: the smallest `]{` after `[` leaves the most room for the close.
  size_t j = s.find("]{", r + 1);
  return j != npos && j + 1 < close_limit;
}

// `\kw\b\*?` at p; returns the position after it, or npos.
size_t keyword_at(std::string_view s, size_t p, std::string_view kw) {
  if (s.compare(p + 1, kw.size(), kw) != 0) return npos;
  size_t r = p + 1 + kw.size();
  if (r < s.size() && s[r] == '*') ++r;
  return r;
}

}  // namespace

void add_macros(std::string_view s, MacroTable& table) {
  MacroTable file;  // one file's dict: newcommand matches first, then \def ones
  each_occurrence(s, "\\newcommand", [&](size_t p) -> size_t {
    size_t r = p + 11;
    if (r < s.size() && s[r] == '*') ++r;
    if (r + 2 >= s.size() || s[r] != '{' || s[r + 1] != '\\') return p + 1;
    size_t e = r + 2;
    while (e < s.size() && is_alnum_ascii(s[e])) ++e;
    if (e == r + 2 || e + 1 >= s.size() || s[e] != '}' || s[e + 1] != '{') return p + 1;
    size_t v = e + 2, ve = value_end(s, v);
    if (ve == npos) return p + 1;
    put_macro(file, std::string(s.substr(r + 1, e - r - 1)), std::string(s.substr(v, ve - v)));
    return ve + 1;
  });
  each_occurrence(s, "\\def", [&](size_t p) -> size_t {
    size_t n = skip_spaces(s, p + 4);
    if (n >= s.size() || s[n] != '\\') return p + 1;
    size_t e = n + 1;
    while (e < s.size() && is_alnum_ascii(s[e])) ++e;
    if (e == n + 1) return p + 1;
    size_t b = skip_spaces(s, e);
    if (b >= s.size() || s[b] != '{') return p + 1;
    size_t v = b + 1, ve = value_end(s, v);
    if (ve == npos) return p + 1;
    put_macro(file, std::string(s.substr(n, e - n)), std::string(s.substr(v, ve - v)));
    return ve + 1;
  });
  for (auto& [name, value] : file) put_macro(table, name, value);
}

bool needs_unicode_escape(std::string_view value) {
  for (unsigned char c : value) {
    if (c >= 0x7f) return true;  // non-ASCII (any UTF-8 byte) or DEL
    if (c < 0x20 && c != '\t' && c != '\r' && c != '\n') return true;
  }
  return false;
}

size_t heading_start(std::string_view s, const CleanOptions& o) {
  static constexpr std::array<std::string_view, 5> kPlain = {"chapter", "part", "section", "subsection",
                                                              "subsubsection"};
  const size_t last_brace = s.rfind('}');
  // Bug mode: `\paragraph..{..}\subparagraph..{..}` needs a `}\subparagraph` whose own rest
  // matches; the rightmost such `}` bounds the paragraph's closing brace.
  size_t para_limit = npos;
  if (o.paragraph_bug) {
    for (size_t k = s.rfind("}\\subparagraph"); k != npos; k = k == 0 ? npos : s.rfind("}\\subparagraph", k - 1)) {
      size_t r = keyword_at(s, k + 1, "subparagraph");
      if (heading_rest(s, r, last_brace)) {
        para_limit = k;
        break;
      }
    }
  }
  auto matches_at = [&](size_t p) {
    for (auto kw : kPlain)
      if (size_t r = keyword_at(s, p, kw); r != npos) return heading_rest(s, r, last_brace);
    if (size_t r = keyword_at(s, p, "paragraph"); r != npos)
      return o.paragraph_bug ? heading_rest(s, r, para_limit) : heading_rest(s, r, last_brace);
    if (!o.paragraph_bug)
      if (size_t r = keyword_at(s, p, "subparagraph"); r != npos) return heading_rest(s, r, last_brace);
    return false;
  };
  for (size_t p = s.find('\\'); p != npos; p = s.find('\\', p + 1))
    if (matches_at(p)) return p;
  return npos;
}

std::string strip_comments_and_tail(std::string_view s) {
  // (b) (?m)^%.*\n?
  std::string b;
  b.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t le = line_end(s, i);
    if (s[i] != '%') b.append(s.substr(i, le - i + (le < s.size() ? 1 : 0)));
    i = le + 1;
  }
  // (c) [^\\]%.+$ (MULTILINE, so '.' stops at '\n'; the first char may be a '\n'). The
  // removed character before '%' is a whole code point ("café%x" loses the é).
  std::string c;
  c.reserve(b.size());
  for (size_t i = 0; i < b.size();) {
    size_t len = 1;
    while (i + len < b.size() && (static_cast<unsigned char>(b[i + len]) & 0xc0) == 0x80) ++len;
    if (b[i] != '\\' && i + len + 1 < b.size() && b[i + len] == '%' && b[i + len + 1] != '\n') {
      i = line_end(b, i + len + 1);
      continue;
    }
    c.append(b, i, len);
    i += len;
  }
  // (d) the first \appendix, \begin{references|REFERENCES|thebibliography}, \bibliography{.*}
  const size_t last_brace = c.rfind('}');
  for (size_t p = c.find('\\'); p != npos; p = c.find('\\', p + 1)) {
    std::string_view t = std::string_view(c).substr(p);
    bool hit = t.starts_with("\\appendix") || t.starts_with("\\begin{references}") ||
               t.starts_with("\\begin{REFERENCES}") || t.starts_with("\\begin{thebibliography}") ||
               (t.starts_with("\\bibliography{") && last_brace != npos && last_brace > p + 13);
    if (hit) {
      c.resize(p);
      break;
    }
  }
  return c;
}

namespace {
// The matches of one macro pass: `name` followed by a non-[A-Za-z0-9] character, the
// following character consumed (re.sub's non-overlapping scan).
template <typename F>
void each_macro_use(const std::string& text, const std::string& name, F&& f) {
  for (size_t p = text.find(name); p != npos; p = text.find(name, p)) {
    size_t after = p + name.size();
    if (after >= text.size() || is_alnum_ascii(text[after])) {
      ++p;
      continue;
    }
    f(p);
    p = after + 1;
  }
}
}  // namespace

bool expand_macros(std::string& text, const MacroTable& table, uint64_t max_bytes) {
  for (const auto& [name, value] : table) {
    if (text.find(name) == npos) continue;
    uint64_t uses = 0;
    each_macro_use(text, name, [&](size_t) { ++uses; });
    if (uses == 0) continue;
    // The pass's result size, known before anything is allocated.
    uint64_t size = text.size() - uses * name.size();
    if (value.size() > 0 && uses > (max_bytes - std::min<uint64_t>(size, max_bytes)) / value.size()) return false;
    size += uses * value.size();
    if (size > max_bytes) return false;
    std::string out;
    out.reserve(size);
    size_t i = 0;
    each_macro_use(text, name, [&](size_t p) {
      out.append(text, i, p - i);
      out.append(value);
      i = p + name.size();  // the ([^a-zA-Z0-9]) group is written back with the rest
    });
    out.append(text, i, npos);
    text = std::move(out);
  }
  return true;
}

CleanResult clean_tex_files(const std::vector<std::string>& files, const CleanOptions& o) {
  CleanResult result;
  if (files.empty()) return result;
  MacroTable table;
  for (const auto& f : files) add_macros(f, table);
  bool escaped = false;
  for (const auto& m : table) escaped = escaped || needs_unicode_escape(m.second);
  for (size_t k = 0; k < files.size(); ++k) {
    if (k > 0) result.text.push_back('\n');
    size_t h = heading_start(files[k], o);
    if (h == npos) continue;  // the file contributes ""
    if (escaped && o.fail_on_escaped_macro) {  // re.sub's template compile raises
      result.text.clear();
      result.failed = true;
      return result;
    }
    std::string file = strip_comments_and_tail(std::string_view(files[k]).substr(h));
    uint64_t room = o.max_text_bytes - std::min<uint64_t>(o.max_text_bytes, result.text.size());
    if (file.size() > room || !expand_macros(file, table, room)) {
      result.text.clear();
      result.too_large = true;
      return result;
    }
    result.text += file;
  }
  return result;
}

std::string format_arxiv_id(std::string_view id) {
  size_t i = 0;
  while (i < id.size() && ((is_alnum_ascii(id[i]) && !(id[i] >= '0' && id[i] <= '9')) || id[i] == '-')) ++i;
  std::string_view archive = id.substr(0, i), num = id.substr(i);
  if (num.empty() || num.find_first_not_of("0123456789.") != npos) return std::string(id);
  if (archive.empty()) return std::string(num);
  return std::string(archive) + "/" + std::string(num);
}

}  // namespace rpdata::sources::arxiv
