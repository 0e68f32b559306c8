// The lexical side of libxml2 2.9.14's HTML push parser
// (GNOME/libxml2@7846b0a677f8d3ce72486125fa281e92ac9970e8:HTMLparser.c: htmlParseCharData,
// htmlParseReference, htmlParseName, htmlParseHTMLName, htmlParseScript, htmlParseComment,
// htmlParsePI, htmlParseDocTypeDecl, htmlParseLookupSequence): what becomes character data
// and how far each construct reaches.
#include <algorithm>

#include "html_entities.h"
#include "html_parser.h"
#include "html_tables.h"

namespace rpdata::sources::stackexchange {
namespace {

using html_chars::is_ascii_letter;
using html_chars::is_blank;
using html_chars::is_digit;
using html_chars::lower;
using html_chars::upper;

bool is_xml_char(uint32_t c) {  // IS_CHAR
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

// The code point and byte length of the UTF-8 sequence at s[i]; a malformed byte is itself.
uint32_t decode_utf8(std::string_view s, size_t i, size_t& len) {
  auto b = static_cast<unsigned char>(s[i]);
  len = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
  if (len == 1 || i + len > s.size()) {
    len = 1;
    return b;
  }
  uint32_t c = b & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return c;
}

}  // namespace

// Character data and references up to the next '<'.
void HtmlPushParser::text_run() {
  while (state_ != State::kEof && i_ < s_.size() && at(0) != '<') {
    if (at(0) == '&') {
      reference();
    } else {
      char_data();
    }
  }
}

// htmlParseCharDataInternal: up to '<', '&' or the end; characters that are not XML Chars are
// dropped; delivered in pieces of about 1000 bytes (HTML_PARSER_BIG_BUFFER_SIZE).
void HtmlPushParser::char_data() {
  std::string buf;
  while (at(0) != '\0' && at(0) != '<' && at(0) != '&') {
    size_t len;
    uint32_t c = decode_utf8(s_, i_, len);
    if (is_xml_char(c)) buf.append(s_.substr(i_, len));
    if (buf.size() >= 1000) {
      deliver_chars(buf, at(0));
      buf.clear();
    }
    i_ += len;
  }
  if (!buf.empty()) {
    deliver_chars(buf, at(0));
  } else if (at(0) == '\0') {
    state_ = State::kEof;  // libxml2's loop detection
  }
}

// areBlanks decides whether a piece of blanks skips htmlCheckParagraph: only when it is
// followed by the end of input, or by '<' while the current element is none, html or head
// (everywhere else the paragraph check does nothing, so the DTD and node tests do not matter).
void HtmlPushParser::deliver_chars(const std::string& buf, char cur) {
  bool blanks = std::all_of(buf.begin(), buf.end(), is_blank) &&
                (cur == '\0' || (cur == '<' && (names_.empty() || names_.back() == "html" || names_.back() == "head")));
  if (!blanks) check_paragraph();
  soup_.data(buf);
}

// htmlParseReference: "&#N;", "&#xH;" (';' optional; 0 when not an XML Char: nothing), an HTML
// 4 entity with ';', else "&" and the name as text.
void HtmlPushParser::reference() {
  std::string out;
  if (at(1) == '#') {
    uint32_t c = char_ref();
    if (c == 0) return;
    append_utf8(out, c);
  } else {
    ++i_;
    size_t start = i_;
    if (!parse_xml_name()) {
      out = "&";
    } else {
      std::string_view name = s_.substr(start, i_ - start);
      char32_t cp = at(0) == ';' ? html4_entity(name) : 0;
      if (cp != 0) {
        ++i_;
        append_utf8(out, cp);
      } else {
        out = "&";
        out.append(name);
      }
    }
  }
  check_paragraph();
  soup_.data(out);
}

uint32_t HtmlPushParser::char_ref() {
  bool hex = at(2) == 'x' || at(2) == 'X';
  i_ += hex ? 3 : 2;
  uint32_t val = 0;
  for (char d; (d = at(0)) != ';'; ++i_) {
    int v = is_digit(d) ? d - '0' : hex && d >= 'a' && d <= 'f' ? d - 'a' + 10 : hex && d >= 'A' && d <= 'F' ? d - 'A' + 10 : -1;
    if (v < 0) break;
    if (val < 0x110000) val = val * (hex ? 16 : 10) + static_cast<uint32_t>(v);
  }
  if (at(0) == ';') ++i_;
  return is_xml_char(val) ? val : 0;
}

// htmlParseName (PI targets, DOCTYPE names, entity names): consumes the name, false without
// one. An ASCII name that runs to the end of the input is no name (libxml2's accelerator
// returns NULL there); a name with a non-ASCII character goes through htmlParseNameComplex.
bool HtmlPushParser::parse_xml_name() {
  auto ascii_name = [](char c) {
    return is_ascii_letter(c) || is_digit(c) || c == '_' || c == '-' || c == ':' || c == '.';
  };
  char c = at(0);
  if (is_ascii_letter(c) || c == '_' || c == ':') {
    size_t j = i_ + 1;
    while (j < s_.size() && ascii_name(s_[j])) ++j;
    if (j == s_.size()) return false;
    if (s_[j] != '\0' && static_cast<unsigned char>(s_[j]) < 0x80) {
      i_ = j;
      return true;
    }
  }
  size_t len = 1;
  auto next = [&]() -> uint32_t { return i_ < s_.size() && s_[i_] != '\0' ? decode_utf8(s_, i_, len) : 0; };
  uint32_t cp = next();
  bool start = cp < 0x80 ? is_ascii_letter(static_cast<char>(cp)) || cp == '_' || cp == ':' : xml_is_letter(cp);
  if (!start) return false;
  while (cp < 0x80 ? cp != 0 && ascii_name(static_cast<char>(cp)) : xml_is_name_char(cp)) {
    i_ += len;
    cp = next();
  }
  return true;
}

// htmlParseHTMLName: tag and attribute names, lower-cased, at most 100 characters.
std::string HtmlPushParser::parse_html_name() {
  std::string name;
  char c = at(0);
  if (!is_ascii_letter(c) && c != '_' && c != ':' && c != '.') return name;
  while (name.size() < 100 && (is_ascii_letter(at(0)) || is_digit(at(0)) || at(0) == ':' || at(0) == '-' ||
                               at(0) == '_' || at(0) == '.'))
    name.push_back(lower(s_[i_++]));
  return name;
}

// htmlParseScript in recovery mode: raw text up to "</" followed by the element's name (any case).
void HtmlPushParser::script_data() {
  const std::string& name = names_.back();
  std::string buf;
  while (at(0) != '\0') {
    if (at(0) == '<' && at(1) == '/') {
      bool match = true;
      for (size_t k = 0; k < name.size() && match; ++k) match = lower(at(2 + k)) == name[k];
      if (match) break;
    }
    size_t len;
    if (is_xml_char(decode_utf8(s_, i_, len))) buf.append(s_.substr(i_, len));
    i_ += len;
  }
  if (!buf.empty()) soup_.data(buf);
}

// htmlParseComment: "<!--" up to the first "-->" or "--!>" that starts at least 4 bytes in; an
// unterminated comment swallows the rest of the input without an event.
void HtmlPushParser::comment() {
  size_t k = i_ + 4;
  for (; k < s_.size() && s_[k] != '\0'; ++k) {
    if (s_.compare(k, 3, "-->") == 0) {
      i_ = k + 3;
      soup_.marker();
      return;
    }
    if (s_.compare(k, 4, "--!>") == 0) {
      i_ = k + 4;
      soup_.marker();
      return;
    }
  }
  i_ = k;
}

// htmlParsePI: "<?" without a target name is dropped alone (the rest is content); with one, up to
// '>' (an event) or the end of the input (swallowed).
void HtmlPushParser::processing_instruction() {
  i_ += 2;
  if (!parse_xml_name()) return;
  while (at(0) != '\0' && at(0) != '>') ++i_;
  if (at(0) == '>') {
    ++i_;
    soup_.marker();
  }
}

// htmlParseDocTypeDecl: always an event, terminated or not; quoted SYSTEM/PUBLIC literals may
// contain '>'.
void HtmlPushParser::doctype() {
  i_ += 9;
  skip_blanks();
  parse_xml_name();
  skip_blanks();
  auto keyword = [&](std::string_view kw) {
    for (size_t k = 0; k < kw.size(); ++k)
      if (upper(at(k)) != kw[k]) return false;
    return true;
  };
  if (keyword("SYSTEM")) {
    i_ += 6;
    skip_blanks();
    literal();
  } else if (keyword("PUBLIC")) {
    i_ += 6;
    skip_blanks();
    literal();
    skip_blanks();
    if (at(0) == '"' || at(0) == '\'') literal();
  }
  skip_blanks();
  while (at(0) != '\0' && at(0) != '>') ++i_;
  if (at(0) == '>') ++i_;
  soup_.marker();
}

void HtmlPushParser::literal() {
  char quote = at(0);
  if (quote != '"' && quote != '\'') return;
  ++i_;
  while (at(0) != '\0' && at(0) != quote) ++i_;
  if (at(0) == quote) ++i_;
}

// htmlParseLookupSequence for one character from the current position; with ignore_attr_values
// quoted runs are skipped (an unmatched quote hides the rest).
bool HtmlPushParser::lookup(char first, bool ignore_attr_values) const {
  bool in_value = false;
  char delimiter = 0;
  for (size_t k = i_; k < s_.size(); ++k) {
    char c = s_[k];
    if (ignore_attr_values) {
      if (c == '"' || c == '\'') {
        if (!in_value) {
          delimiter = c;
          in_value = true;
          continue;
        }
        if (c == delimiter) {
          in_value = false;
          continue;
        }
      } else if (in_value) {
        continue;
      }
    }
    if (c == first) return true;
  }
  return false;
}

// htmlParseLookupCommentEnd: a "--" followed by '>' or "!>" anywhere from the current position
// (the "--" of "<!--" itself included).
bool HtmlPushParser::lookup_comment_end() const {
  for (size_t k = i_; k + 1 < s_.size(); ++k) {
    if (s_[k] != '-' || s_[k + 1] != '-') continue;
    char c2 = k + 2 < s_.size() ? s_[k + 2] : '\0';
    char c3 = k + 3 < s_.size() ? s_[k + 3] : '\0';
    if (c2 == '>' || (c2 == '!' && c3 == '>')) return true;
  }
  return false;
}

// The script/style wait: a "</" with at least one byte after it.
bool HtmlPushParser::lookup_end_tag_start() const {
  for (size_t k = i_; k + 2 < s_.size(); ++k)
    if (s_[k] == '<' && s_[k + 1] == '/') return true;
  return false;
}

}  // namespace rpdata::sources::stackexchange
