#include "rpdata/text/html_text.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cctype>
#include <cstring>

#include "rpdata/text/utf8.h"

namespace rpdata::text {
namespace {

struct NamedEntity {
  const char* name;
  uint32_t cp;
};

// U+00A0..U+00FF in order (HTML 4 Latin-1 entities).
constexpr const char* kLatin1[96] = {
    "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",   "uml",    "copy",
    "ordf",   "laquo",  "not",    "shy",    "reg",    "macr",   "deg",    "plusmn", "sup2",   "sup3",
    "acute",  "micro",  "para",   "middot", "cedil",  "sup1",   "ordm",   "raquo",  "frac14", "frac12",
    "frac34", "iquest", "Agrave", "Aacute", "Acirc",  "Atilde", "Auml",   "Aring",  "AElig",  "Ccedil",
    "Egrave", "Eacute", "Ecirc",  "Euml",   "Igrave", "Iacute", "Icirc",  "Iuml",   "ETH",    "Ntilde",
    "Ograve", "Oacute", "Ocirc",  "Otilde", "Ouml",   "times",  "Oslash", "Ugrave", "Uacute", "Ucirc",
    "Uuml",   "Yacute", "THORN",  "szlig",  "agrave", "aacute", "acirc",  "atilde", "auml",   "aring",
    "aelig",  "ccedil", "egrave", "eacute", "ecirc",  "euml",   "igrave", "iacute", "icirc",  "iuml",
    "eth",    "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide", "oslash", "ugrave",
    "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml"};

constexpr NamedEntity kOther[] = {
    {"amp", '&'},       {"lt", '<'},        {"gt", '>'},         {"quot", '"'},       {"apos", '\''},
    {"OElig", 338},     {"oelig", 339},     {"Scaron", 352},     {"scaron", 353},     {"Yuml", 376},
    {"fnof", 402},      {"circ", 710},      {"tilde", 732},      {"ensp", 8194},      {"emsp", 8195},
    {"thinsp", 8201},   {"zwnj", 8204},     {"zwj", 8205},       {"lrm", 8206},       {"rlm", 8207},
    {"ndash", 8211},    {"mdash", 8212},    {"lsquo", 8216},     {"rsquo", 8217},     {"sbquo", 8218},
    {"ldquo", 8220},    {"rdquo", 8221},    {"bdquo", 8222},     {"dagger", 8224},    {"Dagger", 8225},
    {"bull", 8226},     {"hellip", 8230},   {"permil", 8240},    {"prime", 8242},     {"Prime", 8243},
    {"lsaquo", 8249},   {"rsaquo", 8250},   {"euro", 8364},      {"trade", 8482},     {"larr", 8592},
    {"uarr", 8593},     {"rarr", 8594},     {"darr", 8595},      {"harr", 8596},      {"minus", 8722},
    {"le", 8804},       {"ge", 8805},       {"ne", 8800},        {"infin", 8734},     {"asymp", 8776}};

// Decodes the reference starting at s[i] == '&'; returns bytes consumed (0 = not a reference).
size_t decode_reference(std::string_view s, size_t i, std::string& out) {
  size_t semi = s.find(';', i + 1);
  if (semi == std::string_view::npos || semi - i > 32 || semi == i + 1) return 0;
  std::string_view body = s.substr(i + 1, semi - i - 1);
  if (body[0] == '#') {
    uint64_t v = 0;
    bool hex = body.size() > 1 && (body[1] == 'x' || body[1] == 'X');
    size_t start = hex ? 2 : 1;
    if (start >= body.size()) return 0;
    for (size_t k = start; k < body.size(); ++k) {
      char c = body[k];
      int d = (c >= '0' && c <= '9') ? c - '0'
              : hex && (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : hex && (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (d < 0) return 0;
      v = v * (hex ? 16 : 10) + static_cast<uint64_t>(d);
      if (v > 0x10ffff) v = 0x110000;
    }
    uint32_t cp = static_cast<uint32_t>(v);
    if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
    append_utf8(out, cp);
    return semi - i + 1;
  }
  for (int k = 0; k < 96; ++k)
    if (body == kLatin1[k]) {
      append_utf8(out, 0xa0 + static_cast<uint32_t>(k));
      return semi - i + 1;
    }
  for (const auto& e : kOther)
    if (body == e.name) {
      append_utf8(out, e.cp);
      return semi - i + 1;
    }
  return 0;
}

bool ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool is_block(std::string_view tag) {
  static constexpr std::string_view kBlocks[] = {
      "address", "article", "aside",  "blockquote", "body",   "br",     "caption", "center", "dd",
      "details", "dialog",  "div",    "dl",         "dt",     "fieldset", "figcaption", "figure",
      "footer",  "form",    "h1",     "h2",         "h3",     "h4",     "h5",      "h6",     "header",
      "hr",      "html",    "li",     "main",       "menu",   "nav",    "ol",      "option", "p",
      "pre",     "section", "summary", "table",     "tbody",  "td",     "tfoot",   "th",     "thead",
      "title",   "tr",      "ul",     "button",     "label",  "select", "textarea", "legend", "head"};
  return std::find(std::begin(kBlocks), std::end(kBlocks), tag) != std::end(kBlocks);
}

bool is_skipped(std::string_view tag) {
  return tag == "script" || tag == "style" || tag == "noscript" || tag == "template" || tag == "svg" ||
         tag == "math" || tag == "iframe" || tag == "object";
}

// Position of the next "</name" (ASCII case-insensitive) at or after `from`, or npos.
size_t find_end_tag(std::string_view html, size_t from, std::string_view name) {
  for (size_t p = html.find("</", from); p != std::string_view::npos; p = html.find("</", p + 2)) {
    if (p + 2 + name.size() > html.size()) return std::string_view::npos;
    bool same = true;
    for (size_t k = 0; k < name.size() && same; ++k) {
      char c = html[p + 2 + k];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      same = c == name[k];
    }
    if (same) return p;
  }
  return std::string_view::npos;
}

class Builder {
 public:
  void text(std::string_view raw) {
    std::string decoded = decode_html_entities(raw);
    for (char c : decoded) {
      if (ascii_space(c)) {
        pending_space_ = !cur_.empty();
      } else {
        if (pending_space_) cur_.push_back(' ');
        pending_space_ = false;
        cur_.push_back(c);
      }
    }
  }
  void line_break() {
    std::string_view line = python_strip(cur_);
    if (!line.empty()) {
      if (!out_.empty()) out_.push_back('\n');
      out_.append(line);
    }
    cur_.clear();
    pending_space_ = false;
  }
  std::string take() {
    line_break();
    return std::move(out_);
  }

 private:
  std::string cur_, out_;
  bool pending_space_ = false;
};

}  // namespace

std::string decode_html_entities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '&') {
      size_t n = decode_reference(s, i, out);
      if (n > 0) {
        i += n;
        continue;
      }
    }
    out.push_back(s[i++]);
  }
  return out;
}

HtmlText html_to_text(std::string_view html) {
  HtmlText result;
  Builder body;
  Builder title;
  bool in_title = false, have_title = false;
  size_t i = 0;
  while (i < html.size()) {
    size_t lt = html.find('<', i);
    if (lt == std::string_view::npos) lt = html.size();
    if (lt > i) {
      std::string_view chunk = html.substr(i, lt - i);
      if (in_title) title.text(chunk);
      else body.text(chunk);
    }
    if (lt >= html.size()) break;
    i = lt;
    if (html.compare(i, 4, "<!--") == 0) {
      size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    size_t p = i + 1;
    bool closing = p < html.size() && html[p] == '/';
    if (closing) ++p;
    size_t name_start = p;
    while (p < html.size() && (std::isalnum(static_cast<unsigned char>(html[p])) || html[p] == '-' || html[p] == ':')) ++p;
    if (p == name_start) {
      if (p < html.size() && (html[p] == '!' || html[p] == '?')) {  // doctype, CDATA, PI
        size_t end = html.find('>', p);
        i = end == std::string_view::npos ? html.size() : end + 1;
        continue;
      }
      // A stray '<' is text.
      (in_title ? title : body).text("<");
      i = lt + 1;
      continue;
    }
    std::string name = lower_ascii(html.substr(name_start, p - name_start));
    // Skip attributes, honouring quotes.
    char quote = 0;
    while (p < html.size()) {
      char c = html[p];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        break;
      }
      ++p;
    }
    i = p < html.size() ? p + 1 : html.size();
    if (!closing && is_skipped(name)) {
      // Raw text (script, style) is not markup: jump to the matching end tag, whatever the
      // content looks like ("x<y" inside a script must not open a tag).
      size_t end = find_end_tag(html, i, name);
      if (end == std::string_view::npos) break;
      size_t gt = html.find('>', end);
      i = gt == std::string_view::npos ? html.size() : gt + 1;
      continue;
    }
    if (name == "title" && !have_title) {
      if (!closing) {
        in_title = true;
      } else if (in_title) {
        in_title = false;
        have_title = true;
        result.title = title.take();
        for (char& c : result.title)
          if (c == '\n') c = ' ';
      }
      continue;
    }
    if (is_block(name)) {
      if (in_title) continue;
      body.line_break();
    }
  }
  if (in_title && !have_title) result.title = title.take();
  result.text = body.take();
  return result;
}

}  // namespace rpdata::text
