// Internal: libxml2 2.9.14's HTML push parser (GNOME/libxml2@7846b0a677f8d3ce72486125fa281e92ac9970e8:
// HTMLparser.c: htmlParseTryOrFinish and the functions it calls) transcribed for what decides
// the SAX events lxml passes to a parser target, driven as lxml drives it for
// BeautifulSoup(s, "lxml"): the whole input in one htmlParseChunk(terminate=0), then close()'s
// htmlParseChunk(terminate=1).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "html_soup.h"

namespace rpdata::sources::stackexchange {

// Character classes of HTMLparser.c.
namespace html_chars {
inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }  // IS_BLANK_CH
inline bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
inline char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
}  // namespace html_chars

// One parse of one input, its events sent to a SoupStrings. Positions past the end read as '\0'
// (libxml2's buffer is NUL-terminated: CUR, NXT). In the first call (terminate=0) a construct
// is parsed only once its end is in the buffer (htmlParseLookupSequence); the first lookup that
// fails ends that call and the terminating call resumes in the same state, without lookups.
// The element stack is libxml2's (nameTab): tags open, close and are implied as there, and an
// end tag that closes nothing makes no event at all.
class HtmlPushParser {
 public:
  HtmlPushParser(std::string_view s, SoupStrings& soup) : s_(s), soup_(soup) {}
  void run();

 private:
  enum class State { kStart, kMisc, kProlog, kContent, kStartTag, kEndTag, kEpilog, kEof };  // instate
  enum class Markup { kNone, kParsed, kWait };  // a comment/PI here: none, parsed, not yet complete

  char at(size_t k) const { return i_ + k < s_.size() ? s_[i_ + k] : '\0'; }
  size_t avail() const { return s_.size() - i_; }
  void skip_blanks() {
    while (html_chars::is_blank(at(0))) ++i_;
  }
  bool doctype_here() const;
  bool comment_here() const { return at(0) == '<' && at(1) == '!' && at(2) == '-' && at(3) == '-'; }

  // html_parser.cpp: the states (false is htmlParseTryOrFinish's "goto done"), tags and the
  // element stack.
  void parse_chunk(bool terminate);
  bool step();
  bool start_state();
  bool misc_state();
  bool prolog_state();
  bool epilog_state();
  bool start_tag_state();
  bool end_tag_state();
  bool content_state();
  Markup comment_or_pi();
  int parse_start_tag();
  bool parse_attribute();
  void parse_end_tag();
  void push_element(const std::string& name);
  void pop_element();
  void auto_close(std::string_view new_tag);
  void auto_close_on_close(std::string_view name);
  void auto_close_on_end();
  void check_implied(std::string_view new_tag);
  void check_paragraph();

  // html_scan.cpp: character data, references, names, raw text, comments, PIs, DOCTYPEs and
  // the first call's lookups.
  void text_run();
  void char_data();
  void deliver_chars(const std::string& buf, char cur);
  void reference();
  uint32_t char_ref();
  bool parse_xml_name();
  std::string parse_html_name();
  void script_data();
  void comment();
  void processing_instruction();
  void doctype();
  void literal();
  bool lookup(char first, bool ignore_attr_values) const;
  bool lookup_comment_end() const;
  bool lookup_end_tag_start() const;

  std::string_view s_;
  SoupStrings& soup_;
  size_t i_ = 0;
  bool terminate_ = false;
  State state_ = State::kStart;
  std::vector<std::string> names_;
  int html_level_ = 1;  // ctxt->html: 3 once a head was pushed, 10 once a body was
  int depth_ = 0;       // discarded html/head/body start tags, whose end tags are ignored
};

}  // namespace rpdata::sources::stackexchange
