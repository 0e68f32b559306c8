#include <gtest/gtest.h>

#include "rpdata/core/document.h"
#include "rpdata/core/error.h"
#include "rpdata/core/params.h"
#include "rpdata/core/step.h"

#include <functional>
#include <stdexcept>

namespace rpdata {
namespace {

Keys output_keys() {
  return {Key::integer("level", 3, "compression level"), Key::text("style", "python", "json style"),
          Key::number("ratio", 0.25, "a ratio"), Key::flag("on", false, "a switch"),
          Key::list("names", {"a"}, "names"), Key::require("path", ParamType::kString, "a path"),
          Key::optional("cutoff", ParamType::kDouble, "a bound; absent: none")};
}

std::string config_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.exit_code(), 2);
    return e.what();
  }
  ADD_FAILURE() << "expected ConfigError";
  return "";
}

TEST(Params, ReadsGivenValuesElseTheDeclaredDefaults) {
  Params p("output");
  p.declare("run", output_keys());
  p.set("level", int64_t{19});
  p.set("names", std::string("b"));  // a string is a list of one
  p.set("path", std::string("/x"));
  EXPECT_EQ(p.get_int("level"), 19);
  EXPECT_EQ(p.get_string("style"), "python");
  EXPECT_DOUBLE_EQ(p.get_double("ratio"), 0.25);
  EXPECT_FALSE(p.get_bool("on"));
  EXPECT_EQ(p.get_strings("names"), std::vector<std::string>{"b"});
  EXPECT_EQ(p.get_string("path"), "/x");
  EXPECT_FALSE(p.has("cutoff"));
  EXPECT_NO_THROW(p.reject_unused());
}

TEST(Params, MissingRequiredKeyIsAConfigError) {
  Params p("output");
  p.declare("run", output_keys());
  std::string msg = config_error([&] { p.get_string("path"); });
  EXPECT_NE(msg.find("missing required key 'path' in [output]"), std::string::npos) << msg;
}

TEST(Params, UnknownKeyNamesKeySectionAndTheKnownKeys) {
  Params p("output");
  p.declare("run", output_keys());
  p.set("level", int64_t{3});
  p.set("compresion", std::string("zstd"));
  p.get_int("level");
  std::string msg = config_error([&] { p.reject_unused(); });
  EXPECT_NE(msg.find("unknown key 'compresion' in [output]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("known: level, style, ratio"), std::string::npos) << msg;
  msg = config_error([&] { p.reject_unknown(); });  // whether read or not
  EXPECT_NE(msg.find("'compresion'"), std::string::npos) << msg;
}

TEST(Params, DeclaredKeyLeftUnreadHasNoEffectAndSaysSo) {
  Params p("output");
  p.declare("run", output_keys());
  p.set("cutoff", 0.5);
  std::string msg = config_error([&] { p.reject_unused(); });
  EXPECT_NE(msg.find("key 'cutoff' in [output] has no effect"), std::string::npos) << msg;
  EXPECT_NO_THROW(p.reject_unknown());
}

TEST(Params, WrongTypeNamesKeyAndExpectedType) {
  Params p("read");
  p.declare("run", {Key::integer("max_line_bytes", 1, "bytes")});
  p.set("max_line_bytes", std::string("big"));
  std::string msg = config_error([&] { p.get_int("max_line_bytes"); });
  EXPECT_NE(msg.find("must be an integer, got string"), std::string::npos) << msg;
}

TEST(Params, ReadingAnUndeclaredKeyOrAnOptionalOneUncheckedIsAProgrammingError) {
  Params p("read");
  p.declare("run", output_keys());
  EXPECT_THROW(p.get_int("undeclared"), std::logic_error);
  EXPECT_THROW(p.get_double("cutoff"), std::logic_error);  // absent, no default: check has() first
  // Two owners may share a key only as the same key.
  EXPECT_NO_THROW(p.declare("other", {Key::integer("level", 3, "another doc")}));
  EXPECT_THROW(p.declare("third", {Key::integer("level", 4, "a different default")}), std::logic_error);
}

TEST(Params, KeySummaryAndValueText) {
  EXPECT_EQ(Key::integer("n", 16, "").summary(), "integer, default 16");
  EXPECT_EQ(Key::require("p", ParamType::kString, "").summary(), "string, required");
  EXPECT_EQ(Key::list("l", {"a", "b\"c"}, "").summary(), "list of strings, default [\"a\", \"b\\\"c\"]");
  EXPECT_EQ(param_value_text(ParamValue{0.5}), "0.5");
  EXPECT_EQ(param_value_text(ParamValue{2.0}), "2.0");
}

TEST(Meta, KeepsInsertionOrderAndOverwritesInPlace) {
  Meta m;
  m.set("timestamp", std::string("t"));
  m.set("url", std::string("u"));
  m.set("timestamp", std::string("t2"));
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m.entries()[0].first, "timestamp");
  EXPECT_EQ(std::get<std::string>(m.entries()[0].second), "t2");
  EXPECT_TRUE(m.erase("timestamp"));
  EXPECT_EQ(m.entries()[0].first, "url");
}

class DropOdd final : public Filter {
 public:
  std::string_view name() const override { return "drop_odd"; }

 protected:
  bool keep(Document& doc, std::string& reason) override {
    if ((doc.text.size() % 2) == 1) {
      reason = "odd_length";
      return false;
    }
    return true;
  }
};

TEST(Filter, DropsAndCountsReasonsKeepingOrder) {
  Batch b;
  for (const char* t : {"aa", "b", "cccc", "ddd"}) b.docs.push_back({t, t, "x", {}});
  DropOdd f;
  f.process(b);
  ASSERT_EQ(b.docs.size(), 2u);
  EXPECT_EQ(b.docs[0].text, "aa");
  EXPECT_EQ(b.docs[1].text, "cccc");
  EXPECT_EQ(b.drops["drop_odd:odd_length"], 2);
}

TEST(Error, MessageNamesPathAndOffsetAndWhere) {
  InputError e("corrupt gzip data", "/data/x.json.gz", 1234);
  EXPECT_STREQ(e.what(), "/data/x.json.gz at byte 1234: corrupt gzip data");
  EXPECT_NE(e.where().find("params_test.cpp"), std::string::npos) << e.where();
  EXPECT_EQ(e.exit_code(), 1);
}

}  // namespace
}  // namespace rpdata
