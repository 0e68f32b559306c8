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

// libxml2 drops an end tag that closes nothing (no such element open, or one above it with a
// higher end priority: div 150, td 160, tr 170, table 190) without a SAX event, so bs4 keeps
// the text on both sides as one string and a whitespace-only side is not collapsed.
TEST(StackExchangeHtml, StrayEndTagDoesNotEndTheString) {
  const Case cases[] = {
      {"a</b>\n\n<p>c</p>", "a\n\nc"},
      {"<p>a<hr>b</p>\n\n<p>c</p>", "ab\n\nc"},  // <hr> already closed the paragraph
      {"<p>\n</e>\n", "\n"},
      {"<p>x</p> </ <p>", "x "},  // "</" without a name: no event either
      {"<div>a</span>\n\n</div>", "a\n\n"},
      {"<pre>\n</x>\n</pre>", "\n\n"},
      {"<div><b>x<div>y\n</b>\n</div>", "xy\n\n"},  // </b> may not close the inner <div>
      {"x<embed>\n</embed>\n", "x\n\n"},            // <embed> is not empty in libxml2: </embed> closes it
  };
  for (const auto& c : cases) EXPECT_EQ(html_get_text(c.html), c.text) << "input: " << c.html;
}

// An end tag that leaves libxml2's element stack empty (nothing was open yet, or </html>) puts
// the parser in its epilog: a blank run is still read as text, anything else ends the document.
TEST(StackExchangeHtml, EndTagWithNothingOpenEndsTheDocument) {
  const Case cases[] = {
      {"</p>abc", ""},
      {" </b> abc", " abc"},
      {"<p>a</p></html>\n<p>b</p>", "a\n"},
      {"a</html> b<p>c", "a b"},
  };
  for (const auto& c : cases) EXPECT_EQ(html_get_text(c.html), c.text) << "input: " << c.html;
}

// The terminating parse call drops a last lone '<' or '&', and "<!" with fewer than four bytes
// left; "<!x" with more is text.
TEST(StackExchangeHtml, UnfinishedMarkupAtTheEndIsLost) {
  const Case cases[] = {
      {"a<", "a"},         {"<p>a</p>\n<", "a\n"}, {"<p>a</p>\n<!", "a\n"}, {"<p>a</p>\n<!-", "a\n"},
      {"<p>a</p>&", "a"},  {"a&", "a&"},           {"x<!x", "x"},           {"a<!xy>", "a<!xy>"},
      {"<!x", ""},         {"a</", "a"},           {"a</b", "a"},
  };
  for (const auto& c : cases) EXPECT_EQ(html_get_text(c.html), c.text) << "input: " << c.html;
}

TEST(StackExchangeHtml, CommentsProcessingInstructionsAndDoctypes) {
  const Case cases[] = {
      {"a<!--x--!>b", "ab"},
      {"a<!--->b-->c", "ac"},
      {"a<?xml", "axml"},    // an ASCII target running to the end is no target: only "<?" goes
      {"a<? x>b", "a x>b"},  // no target
      {"a<?x y", "a"},       // unterminated: swallows the rest
      {"<!DOCTYPE html>a", ""},  // after a leading DOCTYPE a single last byte is lost
      {"<!DOCTYPE html>ab", "ab"},
      {"a<!DOCTYPE html>b", "ab"},
  };
  for (const auto& c : cases) EXPECT_EQ(html_get_text(c.html), c.text) << "input: " << c.html;
}

// Text right under <html> or <head> opens an implied <p> (an event) before it.
TEST(StackExchangeHtml, ImpliedParagraph) {
  EXPECT_EQ(html_get_text("<html>  &amp;x"), "  &x");
  EXPECT_EQ(html_get_text("<head>x</head>\n<p>y</p>"), "x\ny");
  EXPECT_EQ(html_get_text("\xEF\xBB\xBFz"), "z");  // bs4 drops a leading BOM
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
