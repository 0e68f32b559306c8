// RedPajama's arXiv LaTeX cleaning rules (spec §5; arxiv_cleaner.py's regexes with Python re
// semantics), one rule per test, including the quirks reproduced by default.
#include <gtest/gtest.h>

#include "rpdata/sources/arxiv/latex_clean.h"

namespace rpdata::sources::arxiv {
namespace {

std::string clean1(const std::string& tex, CleanOptions o = {}) { return clean_tex_files({tex}, o).text; }

TEST(ArxivClean, MacroTableNewcommandAndDefToEndOfLine) {
  MacroTable t;
  add_macros("\\newcommand{\\eps}{\\varepsilon}\n\\newcommand*{\\R}{\\mathbb{R}}\n"
             "\\def\\model{the model}\n\\def \\sp {a}b}\n\\newcommand{\\arg}[1]{x#1}\n"
             "\\newcommand{\\late}{x} % comment\n\\renewcommand{\\no}{n}\n",
             t);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0], (std::pair<std::string, std::string>{"\\eps", "\\varepsilon"}));
  EXPECT_EQ(t[1].second, "\\mathbb{R}");
  EXPECT_EQ(t[2], (std::pair<std::string, std::string>{"\\model", "the model"}));
  EXPECT_EQ(t[3], (std::pair<std::string, std::string>{"\\sp", "a}b"}));  // greedy to the last '}'
}

TEST(ArxivClean, LaterDefinitionWinsButKeepsFirstPosition) {
  MacroTable t;
  add_macros("\\def\\a{1}\n\\newcommand{\\b}{2}\n", t);  // one file: newcommand first, then \def
  add_macros("\\newcommand{\\a}{3}\n", t);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0], (std::pair<std::string, std::string>{"\\b", "2"}));
  EXPECT_EQ(t[1], (std::pair<std::string, std::string>{"\\a", "3"}));
}

TEST(ArxivClean, NoHeadingGivesEmptyFile) {
  EXPECT_EQ(clean1("\\begin{document}Hello\\end{document}\n"), "");
  // The missing '|' in RedPajama's regex: \paragraph alone is not a heading ...
  EXPECT_EQ(clean1("pre\n\\paragraph{P} text\n"), "");
  CleanOptions fixed;
  fixed.paragraph_bug = false;
  EXPECT_EQ(clean1("pre\n\\paragraph{P} text\n", fixed), "\\paragraph{P} text\n");
  // ... unless glued to a \subparagraph.
  EXPECT_EQ(clean1("pre\n\\paragraph{P}\\subparagraph{Q} x\n"), "\\paragraph{P}\\subparagraph{Q} x\n");
}

TEST(ArxivClean, GreedyHeadingKeepsFromLastHeading) {
  std::string tex = "pre\n\\section{A}\na\n\\subsection*[s]{B}\nb\n";
  EXPECT_EQ(clean1(tex), "\\subsection*[s]{B}\nb\n");
  CleanOptions first;
  first.heading_last = false;
  EXPECT_EQ(clean1(tex, first), "\\section{A}\na\n\\subsection*[s]{B}\nb\n");
  // A heading needs a '}' somewhere after its '{'; \sectionmark is not \section.
  EXPECT_EQ(clean1("\\section{A} x\n\\sectionmark{y}\n\\section{B"), "\\section{A} x\n\\sectionmark{y}\n\\section{B");
}

TEST(ArxivClean, Comments) {
  EXPECT_EQ(clean1("\\section{A}\n% full line\n%\nkeep 50\\% here\nx%y\ntrail%\n"),
            "\\section{A}\nkeep 50\\% here\n\ntrail%\n");
  // The character before an inline '%' goes too.
  EXPECT_EQ(clean1("\\section{A}\nword % note\n"), "\\section{A}\nword\n");
}

// [^\\] is one code point: before a '%' the whole "é" goes, not its last byte (found by the
// random differential test against Python's re).
TEST(ArxivClean, InlineCommentRemovesWholeCodePointBefore) {
  EXPECT_EQ(clean1("\\section{A}\ncaf\xc3\xa9% note\n"), "\\section{A}\ncaf\n");
  EXPECT_EQ(clean1("\\section{A}\n\xe2\x82\xac%x\n"), "\\section{A}\n\n");
}

TEST(ArxivClean, TruncatesAtAppendixOrBibliography) {
  EXPECT_EQ(clean1("\\section{A}\ntext\n\\appendix\n\\section{B}\n"), "\\section{B}\n");  // last heading
  CleanOptions first;
  first.heading_last = false;
  EXPECT_EQ(clean1("\\section{A}\ntext\n\\appendix\n\\section{B}\n", first), "\\section{A}\ntext\n");
  EXPECT_EQ(clean1("\\section{A}\nt\n\\begin{thebibliography}{9}\n\\bibitem{x}\n"), "\\section{A}\nt\n");
  EXPECT_EQ(clean1("\\section{A}\nt\n\\bibliographystyle{plain}\n\\bibliography{refs}\n"),
            "\\section{A}\nt\n\\bibliographystyle{plain}\n");
  EXPECT_EQ(clean1("\\section{A}\nt\n\\begin{REFERENCES}\n"), "\\section{A}\nt\n");
}

TEST(ArxivClean, SinglePassMacroExpansion) {
  std::string tex = "\\newcommand{\\a}{\\b}\n\\newcommand{\\b}{B}\n\\newcommand{\\c}{C}\n\\section{S}\n"
                    "\\a \\ab \\c\\c{} \\a";
  // \a -> \b, which the later \b pass expands; \ab is another name; "\c\c" expands once
  // (the following char is consumed); a macro at the very end stays.
  EXPECT_EQ(clean1(tex), "\\section{S}\nB \\ab C\\c{} \\a");
}

TEST(ArxivClean, EscapedMacroValueFailsPaperLikeRedPajama) {
  std::string tex = "\\newcommand{\\AA}{\xc3\x85}\n\\section{S}\n\\AA{} x\n";
  EXPECT_TRUE(clean_tex_files({tex}).failed);
  CleanOptions fixed;
  fixed.fail_on_escaped_macro = false;
  auto r = clean_tex_files({tex}, fixed);
  EXPECT_FALSE(r.failed);
  EXPECT_EQ(r.text, "\\section{S}\n\xc3\x85{} x\n");
  // Only files that reach the expansion raise: no heading anywhere -> just empty.
  EXPECT_FALSE(clean_tex_files({"\\newcommand{\\AA}{\xc3\x85}\n"}).failed);
  EXPECT_TRUE(needs_unicode_escape("\x01"));
  EXPECT_FALSE(needs_unicode_escape("a\tb\\c"));
}

TEST(ArxivClean, FilesJoinedWithNewlineAndShareMacros) {
  auto r = clean_tex_files({"\\def\\x{X}\nno heading\n", "\\section{S}\n\\x.\n"});
  EXPECT_EQ(r.text, "\n\\section{S}\nX.\n");
  EXPECT_EQ(clean_tex_files({}).text, "");
}

TEST(ArxivClean, FormatArxivId) {
  EXPECT_EQ(format_arxiv_id("0903.0180"), "0903.0180");
  EXPECT_EQ(format_arxiv_id("astro-ph0001001"), "astro-ph/0001001");
  EXPECT_EQ(format_arxiv_id("hep-th9901001"), "hep-th/9901001");
  EXPECT_EQ(format_arxiv_id("1801.03879-1"), "1801.03879-1");  // no match: unchanged
}

}  // namespace
}  // namespace rpdata::sources::arxiv
