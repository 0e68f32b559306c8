#include <gtest/gtest.h>

#include "rpdata/core/document.h"
#include "rpdata/core/error.h"
#include "rpdata/core/params.h"
#include "rpdata/core/step.h"

namespace rpdata {
namespace {

TEST(Params, ReadsTypedValuesAndDefaults) {
  Params p("output");
  p.set("level", int64_t{3});
  p.set("style", std::string("python"));
  p.set("ratio", 0.5);
  p.set("on", true);
  EXPECT_EQ(p.get_int("level", 0), 3);
  EXPECT_EQ(p.get_string("style", ""), "python");
  EXPECT_DOUBLE_EQ(p.get_double("ratio", 0), 0.5);
  EXPECT_TRUE(p.get_bool("on", false));
  EXPECT_EQ(p.get_int("absent", 42), 42);
  EXPECT_NO_THROW(p.reject_unused());
}

TEST(Params, UnknownKeyIsAConfigErrorNamingKeyAndSection) {
  Params p("output");
  p.set("level", int64_t{3});
  p.set("compresion", std::string("zstd"));
  p.get_int("level", 0);
  try {
    p.reject_unused();
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("'compresion'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[output]"), std::string::npos) << e.what();
    EXPECT_EQ(e.exit_code(), 2);
  }
}

TEST(Params, WrongTypeNamesKeyAndExpectedType) {
  Params p("read");
  p.set("max_line_bytes", std::string("big"));
  EXPECT_THROW(
      {
        try {
          p.get_int("max_line_bytes", 0);
        } catch (const ConfigError& e) {
          EXPECT_NE(std::string(e.what()).find("must be an integer"), std::string::npos);
          throw;
        }
      },
      ConfigError);
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
