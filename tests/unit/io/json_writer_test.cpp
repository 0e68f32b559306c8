#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "rpdata/io/json_writer.h"

namespace rpdata::io {
namespace {

std::string str(std::string_view s, JsonStyle style = JsonStyle::kPython) {
  std::string out;
  append_json_string(out, s, style);
  return out;
}

std::string flt(double v) {
  std::string out;
  append_python_float(out, v);
  return out;
}

// Expected values are what CPython 3.11 json.dumps prints.
TEST(JsonWriter, PythonEnsureAsciiEscapes) {
  EXPECT_EQ(str("plain"), "\"plain\"");
  EXPECT_EQ(str("a\"b\\c/d"), "\"a\\\"b\\\\c/d\"");
  EXPECT_EQ(str("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
  EXPECT_EQ(str(std::string("\x00\x01\x1f", 3)), "\"\\u0000\\u0001\\u001f\"");
  EXPECT_EQ(str("\x7f"), "\"\\u007f\"");
  EXPECT_EQ(str("caf\xc3\xa9"), "\"caf\\u00e9\"");
  EXPECT_EQ(str("\xe2\x80\x9cq\xe2\x80\x9d"), "\"\\u201cq\\u201d\"");
  EXPECT_EQ(str("\xf0\x9f\x99\x82"), "\"\\ud83d\\ude42\"");       // U+1F642, surrogate pair
  EXPECT_EQ(str("\xef\xbb\xbf"), "\"\\ufeff\"");                   // BOM
  EXPECT_EQ(str("\xe0\xa4\xb9\xe0\xa4\xbf"), "\"\\u0939\\u093f\"");  // Devanagari
}

// Regression (review): a 0xff byte was read as a 4-byte lead and swallowed what followed.
TEST(JsonWriter, InvalidUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(str("\xff.json.gz"), "\"\\ufffd.json.gz\"");
  EXPECT_EQ(str("a\xc3"), "\"a\\ufffd\"");
  EXPECT_EQ(str("\xe2\x28\xa1"), "\"\\ufffd(\\ufffd\"");
}

TEST(JsonWriter, Utf8StylesKeepNonAscii) {
  EXPECT_EQ(str("caf\xc3\xa9\x7f", JsonStyle::kPythonUtf8), "\"caf\xc3\xa9\x7f\"");
  EXPECT_EQ(str("a\"\n", JsonStyle::kCompact), "\"a\\\"\\n\"");
}

TEST(JsonWriter, PythonFloatRepr) {
  EXPECT_EQ(flt(0.25), "0.25");
  EXPECT_EQ(flt(2.0), "2.0");
  EXPECT_EQ(flt(-0.0), "-0.0");
  EXPECT_EQ(flt(0.1), "0.1");
  EXPECT_EQ(flt(1e-05), "1e-05");
  EXPECT_EQ(flt(0.0001), "0.0001");
  EXPECT_EQ(flt(1e16), "1e+16");
  EXPECT_EQ(flt(1234567890123456.0), "1234567890123456.0");
  EXPECT_EQ(flt(123.456), "123.456");
  EXPECT_EQ(flt(1.5e300), "1.5e+300");
  EXPECT_EQ(flt(2.5e-300), "2.5e-300");
  EXPECT_EQ(flt(0.333333333333333), "0.333333333333333");
  EXPECT_EQ(flt(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(flt(std::nan("")), "NaN");
}

TEST(JsonWriter, RecordLayouts) {
  Document d;
  d.text = "hi";
  d.meta.set("url", std::string("u"));
  d.meta.set("n", int64_t{3});
  d.meta.set("p", 0.5);
  d.meta.set("b", false);
  std::string out;
  append_record(out, d, JsonStyle::kPython, RecordLayout::kTextMeta);
  EXPECT_EQ(out, "{\"text\": \"hi\", \"meta\": {\"url\": \"u\", \"n\": 3, \"p\": 0.5, \"b\": false}}\n");
  out.clear();
  append_record(out, d, JsonStyle::kPython, RecordLayout::kMetaText);
  EXPECT_EQ(out, "{\"meta\": {\"url\": \"u\", \"n\": 3, \"p\": 0.5, \"b\": false}, \"text\": \"hi\"}\n");
  out.clear();
  append_record(out, d, JsonStyle::kCompact, RecordLayout::kFlat);
  EXPECT_EQ(out, "{\"text\":\"hi\",\"url\":\"u\",\"n\":3,\"p\":0.5,\"b\":false}\n");
}

}  // namespace
}  // namespace rpdata::io
