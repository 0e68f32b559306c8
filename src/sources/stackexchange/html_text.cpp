// BeautifulSoup(s, "lxml").get_text() for Stack Exchange post bodies: a single-pass tokenizer
// that follows libxml2 2.9's HTML push parser (HTMLparser.c) where it decides what becomes
// text, and bs4's tree builder where it decides which strings get_text() returns.
#include "rpdata/sources/stackexchange/html_text.h"

#include <algorithm>
#include <vector>

#include "html_entities.h"

namespace rpdata::sources::stackexchange {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }  // libxml2 IS_BLANK_CH
bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_char(char c) {  // htmlParseHTMLName
  return is_ascii_letter(c) || is_digit(c) || c == ':' || c == '-' || c == '_' || c == '.';
}
bool is_name_start(char c) { return is_ascii_letter(c) || c == '_' || c == ':' || c == '.'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_xml_char(uint32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

void append_utf8(std::string& out, uint32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

bool starts_with_ci(std::string_view s, size_t i, std::string_view what) {
  if (s.size() - i < what.size()) return false;
  for (size_t k = 0; k < what.size(); ++k)
    if (lower(s[i + k]) != what[k]) return false;
  return true;
}

// bs4's string containers for the lxml HTML builder: strings under these are not
// NavigableStrings, so get_text() skips them.
bool is_string_container(std::string_view n) {
  return n == "script" || n == "style" || n == "template" || n == "rt" || n == "rp";
}
// libxml2's html40ElementTable entries with empty=1 (never pushed on the element stack).
bool is_void(std::string_view n) {
  static const char* kVoid[] = {"area", "base", "basefont", "br", "col", "embed", "frame", "hr",
                                "img", "input", "isindex", "link", "meta", "param"};
  return std::any_of(std::begin(kVoid), std::end(kVoid), [&](const char* v) { return n == v; });
}

class TextExtractor {
 public:
  explicit TextExtractor(std::string_view s) : s_(s) {}

  std::string run() {
    skip_prolog();
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '&') {
        reference();
      } else if (c == '<') {
        markup();
      } else {
        text_char();
      }
    }
    flush();
    return std::move(out_);
  }

 private:
  // XML_PARSER_START/MISC: blanks, comments and PIs before the first content are skipped.
  void skip_prolog() {
    for (;;) {
      while (i_ < s_.size() && is_blank(s_[i_])) ++i_;
      if (s_.compare(i_, 4, "<!--") == 0) {
        comment();
      } else if (s_.compare(i_, 2, "<?") == 0) {
        skip_past('>');
      } else {
        return;
      }
    }
  }

  void text_char() {
    unsigned char c = static_cast<unsigned char>(s_[i_]);
    // libxml2 drops characters that are not XML Chars (C0 controls other than \t \n \r).
    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r' || c >= 0x80) seg_.push_back(static_cast<char>(c));
    ++i_;
  }

  // htmlParseReference: character references and HTML 4 entities.
  void reference() {
    if (i_ + 1 < s_.size() && s_[i_ + 1] == '#') {
      uint32_t val = 0;
      size_t j = i_ + 2;
      bool hex = j < s_.size() && (s_[j] == 'x' || s_[j] == 'X');
      if (hex) ++j;
      for (; j < s_.size() && s_[j] != ';'; ++j) {
        char d = s_[j];
        int v = is_digit(d) ? d - '0' : hex && d >= 'a' && d <= 'f' ? d - 'a' + 10 : hex && d >= 'A' && d <= 'F' ? d - 'A' + 10 : -1;
        if (v < 0) break;
        if (val < 0x110000) val = val * (hex ? 16 : 10) + static_cast<uint32_t>(v);
      }
      if (j < s_.size() && s_[j] == ';') ++j;
      i_ = j;
      if (is_xml_char(val)) append_utf8(seg_, val);
      return;
    }
    size_t j = i_ + 1;
    if (j >= s_.size() || !is_name_start(s_[j])) {  // no name: "&" is text
      seg_.push_back('&');
      ++i_;
      return;
    }
    while (j < s_.size() && is_name_char(s_[j])) ++j;  // ASCII names suffice: entities are ASCII
    std::string_view name = s_.substr(i_ + 1, j - i_ - 1);
    if (j < s_.size() && s_[j] == ';') {
      if (char32_t cp = html4_entity(name)) {
        append_utf8(seg_, cp);
        i_ = j + 1;
        return;
      }
    }
    seg_.append(s_.substr(i_, j - i_));  // "&name" literal; a ';' after an unknown name stays text
    i_ = j;
  }

  void markup() {
    char n1 = i_ + 1 < s_.size() ? s_[i_ + 1] : '\0';
    if (n1 == '!') {
      if (s_.compare(i_, 4, "<!--") == 0) {
        flush();
        comment();
      } else if (starts_with_ci(s_, i_ + 2, "doctype")) {
        flush();
        skip_past('>');
      } else {
        seg_.push_back('<');
        ++i_;
      }
    } else if (n1 == '?') {
      flush();
      skip_past('>');
    } else if (n1 == '/') {
      end_tag();
    } else if (is_ascii_letter(n1)) {
      start_tag();
    } else {
      seg_.push_back('<');
      ++i_;
    }
  }

  void comment() {
    size_t end = s_.find("-->", i_ + 4);
    i_ = end == std::string_view::npos ? s_.size() : end + 3;
  }

  void skip_past(char c) {
    size_t end = s_.find(c, i_);
    i_ = end == std::string_view::npos ? s_.size() : end + 1;
  }

  std::string parse_name() {
    std::string name;
    while (i_ < s_.size() && is_name_char(s_[i_])) name.push_back(lower(s_[i_++]));
    return name;
  }
  void skip_blanks() {
    while (i_ < s_.size() && is_blank(s_[i_])) ++i_;
  }

  void start_tag() {
    flush();
    ++i_;
    std::string name = parse_name();
    bool self_closing = false, closed = false;
    while (i_ < s_.size()) {  // htmlParseStartTag's attribute loop
      skip_blanks();
      if (i_ >= s_.size()) break;
      char c = s_[i_];
      if (c == '>') {
        ++i_;
        closed = true;
        break;
      }
      if (c == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '>') {
        i_ += 2;
        closed = self_closing = true;
        break;
      }
      if (!is_name_start(c)) {  // bogus attribute: skip to a blank, '>' or "/>"
        while (i_ < s_.size() && !is_blank(s_[i_]) && s_[i_] != '>' &&
               !(s_[i_] == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '>'))
          ++i_;
        continue;
      }
      parse_name();
      skip_blanks();
      if (i_ < s_.size() && s_[i_] == '=') {
        ++i_;
        skip_blanks();
        if (i_ < s_.size() && (s_[i_] == '"' || s_[i_] == '\'')) {
          size_t end = s_.find(s_[i_], i_ + 1);
          i_ = end == std::string_view::npos ? s_.size() : end + 1;
        } else {
          while (i_ < s_.size() && !is_blank(s_[i_]) && s_[i_] != '>') ++i_;
        }
      }
    }
    if (!closed) return;  // unterminated at the end of input: the tag swallowed the rest
    if (self_closing || is_void(name)) return;
    stack_.push_back(name);
    if (is_string_container(name)) ++containers_;
    if (name == "pre" || name == "textarea") ++preserve_;
    if (name == "script" || name == "style") raw_text(name);
  }

  // htmlParseScript (recovery mode): content up to "</name" (any case) is raw text, here
  // never text because script/style strings are not NavigableStrings.
  void raw_text(const std::string& name) {
    for (size_t j = i_; j < s_.size(); ++j) {
      if (s_[j] == '<' && j + 1 < s_.size() && s_[j + 1] == '/' && starts_with_ci(s_, j + 2, name)) {
        i_ = j;
        return;
      }
    }
    i_ = s_.size();
  }

  void end_tag() {
    flush();
    i_ += 2;
    if (i_ >= s_.size() || !is_name_start(s_[i_])) return;  // "</" without a name is dropped
    std::string name = parse_name();
    skip_past('>');
    auto it = std::find(stack_.rbegin(), stack_.rend(), name);
    if (it == stack_.rend()) return;  // an end tag without its element is ignored
    size_t keep = static_cast<size_t>(stack_.rend() - it) - 1;
    while (stack_.size() > keep) {
      const std::string& top = stack_.back();
      if (is_string_container(top)) --containers_;
      if (top == "pre" || top == "textarea") --preserve_;
      stack_.pop_back();
    }
  }

  // bs4 BeautifulSoup.endData: one string node ends at every markup event.
  void flush() {
    if (seg_.empty()) return;
    if (containers_ == 0) {
      bool spaces = std::all_of(seg_.begin(), seg_.end(),
                                [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r'; });
      if (spaces && preserve_ == 0) {
        out_.push_back(seg_.find('\n') != std::string::npos ? '\n' : ' ');
      } else {
        out_ += seg_;
      }
    }
    seg_.clear();
  }

  std::string_view s_;
  size_t i_ = 0;
  std::string seg_, out_;
  std::vector<std::string> stack_;
  int containers_ = 0, preserve_ = 0;
};

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  for (size_t hit; (hit = s.find(from, pos)) != std::string::npos; pos = hit + from.size()) {
    out.append(s, pos, hit - pos);
    out.append(to);
  }
  out.append(s, pos, std::string::npos);
  s.swap(out);
}

}  // namespace

std::string html_get_text(std::string_view html) { return TextExtractor(html).run(); }

std::string clean_html(std::string_view raw_html) {
  std::string s(raw_html);
  replace_all(s, "<li>", "\n*");
  replace_all(s, "</li>", "");
  replace_all(s, "<ol>", "\n*");
  replace_all(s, "</ol>", "");
  return html_get_text(s);
}

}  // namespace rpdata::sources::stackexchange
