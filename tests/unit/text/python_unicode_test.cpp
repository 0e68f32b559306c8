// Python's str.isalpha / str.isalnum / splitlines on every code point, against the python3 of
// this machine: any disagreement must be a code point Python's Unicode database does not know
// yet (ICU's Unicode is newer), never a semantic difference.
#include <gtest/gtest.h>
#include <unicode/uchar.h>

#include <cstdio>
#include <string>

#include "rpdata/text/python_unicode.h"
#include "test_support.h"

namespace rpdata::text {
namespace {

TEST(PythonUnicode, EveryCodePointMatchesPython) {
  test::TempDir t;
  std::string out = (t / "classes.txt").string();
  // One line: the Unicode version, then a char per code point: bit0 isalpha, bit1 isalnum,
  // bit2 splitlines break, as '0'+bits.
  std::string cmd =
      "python3 -c \"import sys,unicodedata\n"
      "o=[unicodedata.unidata_version,'\\n']\n"
      "for c in range(0x110000):\n"
      "  s=chr(c)\n"
      "  b=(1 if s.isalpha() else 0)|(2 if s.isalnum() else 0)|(4 if len(('a'+s+'a').splitlines())==2 else 0)\n"
      "  o.append(chr(48+b))\n"
      "open(sys.argv[1],'w').write(''.join(o))\" " + out + " 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "SKIPPED: python3 not found";
  std::string data = test::read_all(out);
  size_t nl = data.find('\n');
  ASSERT_NE(nl, std::string::npos);
  std::string version = data.substr(0, nl);
  int major = std::stoi(version), minor = std::stoi(version.substr(version.find('.') + 1));
  std::string classes = data.substr(nl + 1);
  ASSERT_EQ(classes.size(), 0x110000u);
  int diffs = 0, newer = 0;
  for (uint32_t cp = 0; cp < 0x110000; ++cp) {
    int want = classes[cp] - '0';
    int got = (is_python_alpha(cp) ? 1 : 0) | (is_python_alnum(cp) ? 2 : 0) | (is_python_line_break(cp) ? 4 : 0);
    if (want == got) continue;
    UVersionInfo age;
    u_charAge(static_cast<UChar32>(cp), age);
    if (age[0] > major || (age[0] == major && age[1] > minor)) {
      ++newer;  // assigned after Python's Unicode version: Python sees it unassigned
      continue;
    }
    if (++diffs <= 10) ADD_FAILURE() << "U+" << std::hex << cp << ": python " << want << ", ours " << got;
  }
  EXPECT_EQ(diffs, 0);
  RecordProperty("newer_than_python", newer);
}

TEST(PythonUnicode, TextStatsAgreeWithClasses) {
  auto st = python_text_stats("a1\xC2\xB2 \xE4\xB8\x80\r\n\r\x1c");
  EXPECT_EQ(st.length, 9);
  EXPECT_EQ(st.alpha, 2);   // a, 一
  EXPECT_EQ(st.alnum, 4);   // a, 1, ², 一
  EXPECT_EQ(st.line_count, 3);  // "a1² 一", "", ""
  EXPECT_EQ(st.max_line_length, 5);
}

}  // namespace
}  // namespace rpdata::text
