// Internal: what bs4 4.11's tree builder does with the events of lxml's parser target
// (BeautifulSoup.endData, handle_starttag, handle_endtag/_popToTag, string containers): the
// strings BeautifulSoup(s, "lxml").get_text() joins, in document order.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rpdata::sources::stackexchange {

// Character data accumulates until the next start, end, comment, PI or doctype event, then
// becomes one string (endData): a string of ASCII whitespace only becomes "\n" if it has one,
// else " ", unless under <pre>/<textarea>; strings under script, style, template, rt or rp are
// not NavigableStrings and get_text() skips them. An end event pops bs4's own tag stack down to
// the most recent tag of that name, or does nothing if none is open.
class SoupStrings {
 public:
  void data(std::string_view d) { seg_.append(d); }
  void start(std::string_view name);
  void end(std::string_view name);
  void marker() { flush(); }  // comment, processing instruction, doctype
  std::string finish();       // the text: what get_text() returns

 private:
  void flush();

  std::string seg_, out_;
  std::vector<std::string> stack_;
  int containers_ = 0, preserve_ = 0;
};

}  // namespace rpdata::sources::stackexchange
