// The states and the element stack of libxml2 2.9.14's HTML push parser
// (GNOME/libxml2@7846b0a677f8d3ce72486125fa281e92ac9970e8:HTMLparser.c: htmlParseTryOrFinish,
// htmlParseStartTag, htmlParseEndTag, htmlAutoClose*, htmlCheckImplied, htmlCheckParagraph).
#include "html_parser.h"

#include <algorithm>

#include "html_tables.h"

namespace rpdata::sources::stackexchange {

using html_chars::is_ascii_letter;
using html_chars::is_blank;
using html_chars::upper;

void HtmlPushParser::run() {
  parse_chunk(false);
  parse_chunk(true);
}

bool HtmlPushParser::doctype_here() const {
  static constexpr std::string_view kDoctype = "DOCTYPE";
  if (at(0) != '<' || at(1) != '!') return false;
  for (size_t k = 0; k < kDoctype.size(); ++k)
    if (upper(at(2 + k)) != kDoctype[k]) return false;
  return true;
}

void HtmlPushParser::parse_chunk(bool terminate) {
  terminate_ = terminate;
  while (step()) {
  }
  if (avail() == 0 && terminate_) auto_close_on_end();
}

// One turn of htmlParseTryOrFinish's loop; false is its "goto done".
bool HtmlPushParser::step() {
  if (avail() == 0 && terminate_) {
    auto_close_on_end();
    state_ = State::kEof;
  }
  if (avail() < 1) return false;
  if (at(0) == '\0') {  // a NUL byte is skipped
    ++i_;
    return true;
  }
  switch (state_) {
    case State::kEof: return false;
    case State::kStart: return start_state();
    case State::kMisc: return misc_state();
    case State::kProlog: return prolog_state();
    case State::kEpilog: return epilog_state();
    case State::kStartTag: return start_tag_state();
    case State::kEndTag: return end_tag_state();
    case State::kContent: return content_state();
  }
  return false;
}

bool HtmlPushParser::start_state() {
  skip_blanks();
  if (doctype_here()) {
    if (!terminate_ && !lookup('>', true)) return false;
    doctype();
    state_ = State::kProlog;
  } else {
    state_ = State::kMisc;
  }
  return true;
}

bool HtmlPushParser::misc_state() {
  skip_blanks();
  if (avail() < 1) return false;
  if (avail() < 2 && !terminate_) return false;
  Markup m = comment_or_pi();
  if (m == Markup::kWait) return false;
  if (m == Markup::kParsed) return true;
  if (doctype_here()) {
    if (!terminate_ && !lookup('>', true)) return false;
    doctype();
    state_ = State::kProlog;
  } else if (at(0) == '<' && at(1) == '!' && avail() < 9) {
    return false;
  } else {
    state_ = State::kContent;
  }
  return true;
}

// PROLOG (after a leading DOCTYPE) and EPILOG (after the root element was closed) only take
// comments and PIs; anything else moves on (PROLOG) or ends the document (EPILOG).
bool HtmlPushParser::prolog_state() {
  skip_blanks();
  if (avail() < 2) return false;
  Markup m = comment_or_pi();
  if (m == Markup::kWait) return false;
  if (m == Markup::kNone) {
    if (at(0) == '<' && at(1) == '!' && avail() < 4) return false;
    state_ = State::kContent;
  }
  return true;
}

bool HtmlPushParser::epilog_state() {
  if (is_blank(at(0))) {
    char_data();
    return false;
  }
  if (avail() < 2) return false;
  Markup m = comment_or_pi();
  if (m == Markup::kParsed) return true;
  if (m == Markup::kNone && !(at(0) == '<' && at(1) == '!' && avail() < 4)) state_ = State::kEof;
  return false;
}

// A comment or PI here: parsed, or (first call only) not yet terminated in the buffer.
HtmlPushParser::Markup HtmlPushParser::comment_or_pi() {
  if (comment_here()) {
    if (!terminate_ && !lookup_comment_end()) return Markup::kWait;
    comment();
    return Markup::kParsed;
  }
  if (at(0) == '<' && at(1) == '?') {
    if (!terminate_ && !lookup('>', false)) return Markup::kWait;
    processing_instruction();
    return Markup::kParsed;
  }
  return Markup::kNone;
}

bool HtmlPushParser::start_tag_state() {
  if (avail() < 2 && !terminate_) return false;
  char next = avail() < 2 ? ' ' : at(1);
  if (at(0) != '<') {
    state_ = State::kContent;
    return true;
  }
  if (next == '/') {
    state_ = State::kEndTag;
    return true;
  }
  if (!terminate_ && !lookup('>', true)) return false;
  int failed = parse_start_tag();
  if (failed == -1 || names_.empty()) {
    if (at(0) == '>') ++i_;
    return true;
  }
  std::string name = names_.back();  // the current element, also when the tag was discarded
  state_ = State::kContent;
  if (at(0) == '/' && at(1) == '>') {
    i_ += 2;
    pop_element();
    return true;
  }
  if (at(0) != '>') {  // "Couldn't find end of Start Tag": popped without an end event
    names_.pop_back();
    return true;
  }
  ++i_;
  if (html_is_empty(name)) pop_element();
  return true;
}

bool HtmlPushParser::end_tag_state() {
  if (avail() < 2) return false;
  if (!terminate_ && !lookup('>', false)) return false;
  parse_end_tag();
  state_ = names_.empty() ? State::kEpilog : State::kContent;
  return true;
}

bool HtmlPushParser::content_state() {
  if (avail() == 1 && terminate_ && at(0) != '<' && at(0) != '&') {  // the last byte, unfiltered
    if (!is_blank(at(0))) check_paragraph();
    soup_.data(s_.substr(i_, 1));
    ++i_;
    return true;
  }
  if (avail() < 2) return false;  // a final "<" or "&" is lost
  char cur = at(0), next = at(1);
  if (!names_.empty() && (names_.back() == "script" || names_.back() == "style")) {
    if (!terminate_ && !lookup_end_tag_start()) return false;
    script_data();
    if (cur == '<' && next == '/') state_ = State::kEndTag;
    return true;
  }
  if (doctype_here()) {  // a DOCTYPE in the middle of the document
    if (!terminate_ && !lookup('>', true)) return false;
    doctype();
    return true;
  }
  Markup m = comment_or_pi();
  if (m != Markup::kNone) return m == Markup::kParsed;
  if (cur == '<' && next == '!' && avail() < 4) return false;
  if (cur == '<' && next == '/') {
    state_ = State::kEndTag;
  } else if (cur == '<' && is_ascii_letter(next)) {
    state_ = State::kStartTag;
  } else if (cur == '<') {
    soup_.data("<");  // without htmlCheckParagraph
    ++i_;
  } else {
    if (!terminate_ && !lookup('<', false)) return false;
    text_run();
  }
  return true;
}

// htmlParseStartTag: -1 without a name, 1 when the tag is discarded (a second <html> or <body>,
// <head> anywhere but under <html>), 0 when pushed. The attributes are skipped.
int HtmlPushParser::parse_start_tag() {
  ++i_;
  std::string name = parse_html_name();
  if (name.empty()) {
    while (at(0) != '\0' && at(0) != '>') ++i_;
    return -1;
  }
  auto_close(name);
  check_implied(name);
  bool discard = false;
  if (!names_.empty() && name == "html") {
    discard = true;
    ++depth_;
  }
  if (names_.size() != 1 && name == "head") {
    discard = true;
    ++depth_;
  }
  if (name == "body") {
    for (const auto& open : names_) {
      if (open == "body") {
        discard = true;
        ++depth_;
      }
    }
  }
  skip_blanks();
  while (at(0) != '\0' && at(0) != '>' && !(at(0) == '/' && at(1) == '>')) {
    if (!parse_attribute()) {  // bogus attribute: up to a blank, '>' or "/>"
      while (at(0) != '\0' && !is_blank(at(0)) && at(0) != '>' && !(at(0) == '/' && at(1) == '>')) ++i_;
    }
    skip_blanks();
  }
  if (discard) return 1;
  push_element(name);
  return 0;
}

// htmlParseAttribute + htmlParseAttValue, for their extent only: a quoted value runs to the
// same quote (entities inside cannot pass it), an unquoted one to a blank or '>'.
bool HtmlPushParser::parse_attribute() {
  if (parse_html_name().empty()) return false;
  skip_blanks();
  if (at(0) != '=') return true;
  ++i_;
  skip_blanks();
  char quote = at(0);
  if (quote == '"' || quote == '\'') {
    ++i_;
    while (at(0) != '\0' && at(0) != quote) ++i_;
    if (at(0) == quote) ++i_;
  } else {
    while (at(0) != '\0' && !is_blank(at(0)) && at(0) != '>') ++i_;
  }
  return true;
}

// htmlParseEndTag. An end tag makes events only if its element is open and every element above
// it has an end priority no higher than its own; otherwise it is dropped without an event.
void HtmlPushParser::parse_end_tag() {
  i_ += 2;
  std::string name = parse_html_name();
  if (name.empty()) return;  // "</" alone is consumed, what follows is content
  skip_blanks();
  while (at(0) != '\0' && at(0) != '>') ++i_;
  if (at(0) == '>') ++i_;
  if (depth_ > 0 && (name == "html" || name == "body" || name == "head")) {
    --depth_;
    return;
  }
  if (std::find(names_.begin(), names_.end(), name) == names_.end()) return;
  auto_close_on_close(name);
  if (!names_.empty() && names_.back() == name) pop_element();
}

void HtmlPushParser::auto_close_on_close(std::string_view name) {
  int priority = html_end_priority(name);
  for (size_t k = names_.size(); k-- > 0;) {
    if (names_[k] == name) break;
    if (html_end_priority(names_[k]) > priority) return;
  }
  while (names_.back() != name) pop_element();
}

// htmlCheckImplied: the html, head or body elements a start tag implies.
void HtmlPushParser::check_implied(std::string_view new_tag) {
  if (new_tag == "html") return;
  if (names_.empty()) push_element("html");
  if (new_tag == "body" || new_tag == "head") return;
  if (names_.size() <= 1 && (new_tag == "script" || new_tag == "style" || new_tag == "meta" || new_tag == "link" ||
                             new_tag == "title" || new_tag == "base")) {
    if (html_level_ >= 3) return;
    push_element("head");
  } else if (new_tag != "noframes" && new_tag != "frame" && new_tag != "frameset") {
    if (html_level_ >= 10) return;
    for (const auto& open : names_)
      if (open == "body" || open == "head") return;
    push_element("body");
  }
}

// htmlCheckParagraph: text outside any element, or right under <html> or <head>, opens a <p>.
void HtmlPushParser::check_paragraph() {
  if (!names_.empty() && names_.back() != "html" && names_.back() != "head") return;
  auto_close("p");
  check_implied("p");
  push_element("p");
}

void HtmlPushParser::push_element(const std::string& name) {  // htmlnamePush + SAX start
  if (html_level_ < 3 && name == "head") html_level_ = 3;
  if (html_level_ < 10 && name == "body") html_level_ = 10;
  names_.push_back(name);
  soup_.start(name);
}

void HtmlPushParser::pop_element() {  // SAX end + htmlnamePop
  soup_.end(names_.back());
  names_.pop_back();
}

// htmlAutoClose: a start tag first closes the open elements it ends (htmlStartClose).
void HtmlPushParser::auto_close(std::string_view new_tag) {
  while (!names_.empty() && html_start_closes(new_tag, names_.back())) pop_element();
}

void HtmlPushParser::auto_close_on_end() {
  while (!names_.empty()) pop_element();
}

}  // namespace rpdata::sources::stackexchange
