// RedPajama's arXiv LaTeX cleaning rules (togethercomputer/RedPajama-Data@f54b86f:data_prep/
// arxiv/arxiv_cleaner.py, regexes with Python re semantics), one rule per test, quirks included.
// Expected values were checked by running that file's clean_tex_files.
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
  EXPECT_EQ(t[3], (std::pair<std::string, std::string>{"\\sp", "a}b"}));  // up to the '}' ending the line
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

// `^(.*?)(\\\bsection...)`: everything before the FIRST heading goes; later headings stay.
TEST(ArxivClean, HeadingCutKeepsFromFirstHeading) {
  std::string tex = "pre\n\\section{A}\na\n\\subsection*[s]{B}\nb\n";
  EXPECT_EQ(clean1(tex), "\\section{A}\na\n\\subsection*[s]{B}\nb\n");
  EXPECT_EQ(clean1("x \\chapter[short]{Long} y"), "\\chapter[short]{Long} y");
  // A heading needs a '}' somewhere after its '{' (DOTALL); \sectionmark is not \section.
  EXPECT_EQ(clean1("\\sectionmark{y}\n\\section{A} x\n\\section{B"), "\\section{A} x\n\\section{B");
  EXPECT_EQ(clean1("a \\section{B"), "");
  // The heading cut runs before comments are removed: a commented-out heading counts, and its
  // line, now starting at the backslash, is no longer a comment.
  EXPECT_EQ(clean1("pre\n%\\section{Old}\ntext\n\\section{New}\n"), "\\section{Old}\ntext\n\\section{New}\n");
}

// A paper with a body and an appendix keeps its body, not the appendix alone.
TEST(ArxivClean, BodyBeforeAppendixIsKept) {
  std::string tex = "\\title{T}\n\\section{Intro}\nbody\n\\section{Results}\nmore\n\\appendix\n\\section{Proofs}\np\n";
  EXPECT_EQ(clean1(tex), "\\section{Intro}\nbody\n\\section{Results}\nmore\n");
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
  EXPECT_EQ(clean1("\\section{A}\ntext\n\\appendix\n\\section{B}\n"), "\\section{A}\ntext\n");
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

// Each macro doubles the next: 2^levels copies of "x". The pass that would pass the limit is
// refused before it allocates; below the limit the result is RedPajama's.
std::string doubling_chain(int levels) {
  std::string tex;
  for (int i = 0; i < levels; ++i)
    tex += "\\newcommand{\\m" + std::to_string(i) + "x}{\\m" + std::to_string(i + 1) + "x \\m" +
           std::to_string(i + 1) + "x}\n";
  tex += "\\newcommand{\\m" + std::to_string(levels) + "x}{x}\n\\section{S}\n\\m0x\n";
  return tex;
}

TEST(ArxivClean, ExponentialMacroChainIsBoundedByMaxTextBytes) {
  CleanOptions o;
  o.max_text_bytes = 1 << 20;
  auto small = clean_tex_files({doubling_chain(4)}, o);
  EXPECT_FALSE(small.too_large);
  EXPECT_EQ(small.text, "\\section{S}\nx x x x x x x x x x x x x x x x\n");
  auto big = clean_tex_files({doubling_chain(40)}, o);  // 2^40 copies: never allocated
  EXPECT_TRUE(big.too_large);
  EXPECT_TRUE(big.text.empty());
  // The limit holds during expansion: the final text fits, but the pass before the last
  // (sixteen "\m4x") is longer.
  o.max_text_bytes = small.text.size();
  EXPECT_TRUE(clean_tex_files({doubling_chain(4)}, o).too_large);
  o.max_text_bytes = std::string("\\section{S}\n").size() + 16 * 5;
  EXPECT_FALSE(clean_tex_files({doubling_chain(4)}, o).too_large);
  --o.max_text_bytes;
  EXPECT_TRUE(clean_tex_files({doubling_chain(4)}, o).too_large);
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
