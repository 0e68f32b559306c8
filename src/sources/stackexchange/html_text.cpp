// BeautifulSoup(s, "lxml").get_text() for Stack Exchange post bodies: libxml2 2.9.14's HTML
// push parser (html_parser.h) feeding bs4's string building (html_soup.h), and RedPajama's
// cleanhtml() around it.
#include "rpdata/sources/stackexchange/html_text.h"

#include "html_parser.h"
#include "html_soup.h"

namespace rpdata::sources::stackexchange {
namespace {

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

std::string html_get_text(std::string_view html) {
  // bs4 drops one leading U+FEFF before handing the string to lxml.
  if (html.substr(0, 3) == "\xEF\xBB\xBF") html.remove_prefix(3);
  SoupStrings soup;
  HtmlPushParser(html, soup).run();
  return soup.finish();
}

std::string clean_html(std::string_view raw_html) {
  std::string s(raw_html);
  replace_all(s, "<li>", "\n*");
  replace_all(s, "</li>", "");
  replace_all(s, "<ol>", "\n*");
  replace_all(s, "</ol>", "");
  return html_get_text(s);
}

}  // namespace rpdata::sources::stackexchange
