// html_get_text / clean_html against outputs of BeautifulSoup(s, "lxml").get_text() (bs4
// 4.11.2, lxml 4.9.2, libxml2 2.9.14: Debian 12), pinned here; the real-data cross-check is
// in stackexchange_crosscheck_test.cpp.
#include <gtest/gtest.h>

#include "rpdata/sources/stackexchange/html_text.h"

namespace rpdata::sources::stackexchange {
namespace {

struct Case {
  const char* html;
  const char* text;
};

TEST(StackExchangeHtml, MatchesBeautifulSoupLxml) {
  const Case cases[] = {
      {"  <p>a</p>", "a"},
      {"\n\n<p>a</p>\n\n", "a\n"},
      {"a &foo; b", "a &foo; b"},
      {"a &amp b", "a &amp b"},
      {"&#0;x", "x"},
      {"&#128;", "\xC2\x80"},
      {"&nbsp;|", "\xC2\xA0|"},
      {"x < y", "x < y"},
      {"x<y z", "x"},
      {"x<y>z</y>w", "xzw"},
      {"a<!-- c -->b", "ab"},
      {"a<script>x</script>b", "ab"},
      {"<style>s</style>t", "t"},
      {"<pre>  \n </pre>", "  \n "},
      {"&#x1F600;", "\xF0\x9F\x98\x80"},
      {"a</p>b", "ab"},
      {"a<br/>b", "ab"},
      {"<![CDATA[x]]>y", "<![CDATA[x]]>y"},
      {"a<?pi?>b", "ab"},
      {"&AMP;&Amp;&lt", "&AMP;&Amp;&lt"},
      {"&#xD800;", ""},
      {"&#65", "A"},
      {"&#x110000;", ""},
      {"a\r\nb", "a\r\nb"},
      {" ", ""},
      {"", ""},
      {"<p> </p>", " "},
      {"<p>a</p> <p>b</p>", "a b"},
      {"<p>a</p>\t\n<p>b</p>", "a\nb"},
      {"<p>x</p>\n", "x\n"},
      {"&#9;x", "\tx"},
      {"a <3 b", "a <3 b"},
      {"a</ b", "a b"},
      {"<a href='x'>l</a>", "l"},
      {"q & a", "q & a"},
      {"&;", "&;"},
      {"&#;", ""},
      {"<textarea> </textarea>", " "},
      {"<head> </head>x", " x"},
      {"x<table> <tr> <td>a</td> </tr></table>", "x  a "},
      {"<template>t</template>x", "x"},
      {"<rt>r</rt>", ""},
      {"&quot;&apos;", "\"'"},
      {"&euro;&hellip;", "\xE2\x82\xAC\xE2\x80\xA6"},
      {"&lt;b&gt;", "<b>"},
      {"a<\nb", "a<\nb"},
      {"<!-->x", ""},
      {"<!- x ->y", "<!- x ->y"},
      {"x <b>y</b>\n", "x y\n"},
      {"<!-- x -->\n<p>a</p>", "a"},
      {" <!-- x --> b", "b"},
      {"<pre>\nx</pre>", "\nx"},
      {"<p>a</p>\n<pre><code>  \n</code></pre>\n", "a\n  \n\n"},
      {"<div><!-- c -->\n</div>", "\n"},
      {"<a title=\"x>y\">t</a>", "t"},
      {"<a title=x>y>t</a>", "y>t"},
      {"<p>&nbsp;</p>\n\n<p>x</p>", "\xC2\xA0\nx"},
  };
  for (const auto& c : cases) EXPECT_EQ(html_get_text(c.html), c.text) << "input: " << c.html;
}

TEST(StackExchangeHtml, CleanHtmlReplacesListTagsFirst) {
  EXPECT_EQ(clean_html("<ul>\n<li>a</li>\n</ul>"), "\n\n*a\n");
  EXPECT_EQ(clean_html("<ol><li>x</li><li>y</li></ol>"), "*\n*x\n*y");  // leading blanks skipped
  // <li class=...> is not replaced (str.replace of the exact "<li>"), the tag is just dropped.
  EXPECT_EQ(clean_html("<li class=\"a\">x</li>"), "x");
  // The four replacements run one after another, as Python's chained str.replace.
  EXPECT_EQ(clean_html("<</li>li>z"), "z");
}

}  // namespace
}  // namespace rpdata::sources::stackexchange
