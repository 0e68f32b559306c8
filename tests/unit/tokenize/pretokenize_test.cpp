#include "tokenize/pretokenize.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rpdata::tokenize::detail {
namespace {

using Pieces = std::vector<std::string>;

Pieces split(std::string_view text) {
  Pieces out;
  for (auto p : pretokenize(text)) out.emplace_back(p);
  return out;
}

TEST(Pretokenize, WordsNumbersPunctuation) {
  EXPECT_EQ(split(""), Pieces{});
  EXPECT_EQ(split("Hello world"), (Pieces{"Hello", " world"}));
  EXPECT_EQ(split(" Hello"), (Pieces{" Hello"}));
  EXPECT_EQ(split("abc123def"), (Pieces{"abc", "123", "def"}));
  EXPECT_EQ(split("x = 3.14;"), (Pieces{"x", " =", " 3", ".", "14", ";"}));
  EXPECT_EQ(split("a+-*/b"), (Pieces{"a", "+-*/", "b"}));
  EXPECT_EQ(split(" !?"), (Pieces{" !?"}));
}

// Letter runs are scanned 16 ASCII bytes at a time: a run ends at the right byte wherever it
// falls in a block, goes on through non-ASCII letters, and stops at bytes just outside
// [A-Za-z] ('@', '[', '`', '{') and at the text's end.
TEST(Pretokenize, LongLetterRunsEndAtTheRightByte) {
  const std::string az = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  for (size_t len = 1; len <= az.size(); ++len) {
    const std::string w = az.substr(0, len);
    EXPECT_EQ(split(w), Pieces{w}) << len;
    for (const char* stop : {"@", "[", "`", "{", "1", " x", "\xc2\xa0"})
      EXPECT_EQ(split(w + stop + std::string(20, 'q')).front(), w) << len << stop;
    EXPECT_EQ(split(w + "\xc3\xa9" + w), Pieces{w + "\xc3\xa9" + w}) << len;  // é is a letter
  }
}

TEST(Pretokenize, Contractions) {
  EXPECT_EQ(split("I'm can't they're we've he'd y'all"),
            (Pieces{"I", "'m", " can", "'t", " they", "'re", " we", "'ve", " he", "'d", " y",
                    "'", "all"}));
  EXPECT_EQ(split("we'll WE'LL"), (Pieces{"we", "'ll", " WE", "'", "LL"}));  // case-sensitive
  EXPECT_EQ(split("'steve"), (Pieces{"'s", "teve"}));  // no word boundary needed
  EXPECT_EQ(split(" 'quoted'"), (Pieces{" '", "quoted", "'"}));
  EXPECT_EQ(split("x''s"), (Pieces{"x", "''", "s"}));
  EXPECT_EQ(split("?'s"), (Pieces{"?'", "s"}));  // the punctuation run takes the apostrophe
  EXPECT_EQ(split("'"), (Pieces{"'"}));
  EXPECT_EQ(split("'r"), (Pieces{"'", "r"}));
}

TEST(Pretokenize, WhitespaceRunsBacktrackOneCharacter) {
  EXPECT_EQ(split("a  b"), (Pieces{"a", " ", " b"}));
  EXPECT_EQ(split("a   b"), (Pieces{"a", "  ", " b"}));
  EXPECT_EQ(split("a\n\nb"), (Pieces{"a", "\n", "\n", "b"}));  // last '\n' is not ' '
  EXPECT_EQ(split("a \t b"), (Pieces{"a", " \t", " b"}));
  EXPECT_EQ(split("a\t\tb"), (Pieces{"a", "\t", "\t", "b"}));
  EXPECT_EQ(split("a\tb"), (Pieces{"a", "\t", "b"}));
  EXPECT_EQ(split("end   "), (Pieces{"end", "   "}));  // to the end: whole run
  EXPECT_EQ(split("\n\n\n"), (Pieces{"\n\n\n"}));
  EXPECT_EQ(split(" "), (Pieces{" "}));
  EXPECT_EQ(split("x \n"), (Pieces{"x", " \n"}));
  EXPECT_EQ(split("line\r\nnext"), (Pieces{"line", "\r", "\n", "next"}));
  EXPECT_EQ(split("a \n  b"), (Pieces{"a", " \n ", " b"}));
  EXPECT_EQ(split("a\n 1"), (Pieces{"a", "\n", " 1"}));
  EXPECT_EQ(split("a\n !"), (Pieces{"a", "\n", " !"}));
}

TEST(Pretokenize, UnicodeClasses) {
  // U+00A0, U+0085, U+2028, U+3000 are \s; U+FEFF and U+200B are not (Cf).
  EXPECT_EQ(split("a\u00a0b"), (Pieces{"a", "\u00a0", "b"}));
  EXPECT_EQ(split("a \u00a0c"), (Pieces{"a", " ", "\u00a0", "c"}));
  EXPECT_EQ(split("one\u0085two"), (Pieces{"one", "\u0085", "two"}));
  EXPECT_EQ(split("x\u2028y"), (Pieces{"x", "\u2028", "y"}));
  EXPECT_EQ(split("d \u3000 e"), (Pieces{"d", " \u3000", " e"}));
  EXPECT_EQ(split("- \ufeffA"), (Pieces{"-", " \ufeff", "A"}));
  EXPECT_EQ(split("zero\u200bwidth"), (Pieces{"zero", "\u200b", "width"}));
  // Letters of any script, marks are "other", numbers of any script (Nd, Nl, No).
  EXPECT_EQ(split("Привіт, світ!"), (Pieces{"Привіт", ",", " світ", "!"}));
  EXPECT_EQ(split("e\u0301t\u00e9"), (Pieces{"e", "\u0301", "t\u00e9"}));
  EXPECT_EQ(split("\u0663\u0664 \u2167\u00bd"), (Pieces{"\u0663\u0664", " \u2167\u00bd"}));
  EXPECT_EQ(split("日本語の文章です。"), (Pieces{"日本語の文章です", "。"}));
  EXPECT_EQ(split(" 😀👍🏽"), (Pieces{" 😀👍🏽"}));
  EXPECT_EQ(split("𝄞x"), (Pieces{"𝄞", "x"}));  // U+1D11E is So
}

TEST(Pretokenize, IllFormedUtf8DoesNotCrash) {
  const std::string bad = "a\xff\xc3 b\xe2\x82 \xf0\x9f\x98";
  std::string joined;
  for (auto p : pretokenize(bad)) joined += p;
  EXPECT_EQ(joined, bad);  // pieces still tile the input
}

}  // namespace
}  // namespace rpdata::tokenize::detail
