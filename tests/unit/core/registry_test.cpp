#include <gtest/gtest.h>

#include "rpdata/core/error.h"
#include "rpdata/exec/runner.h"

namespace rpdata {
namespace {

TEST(StepRegistry, ListsC4Format) {
  const auto& reg = exec::step_registry();
  ASSERT_NE(reg.find("c4_format"), nullptr);
  EXPECT_FALSE(reg.find("c4_format")->description.empty());
}

TEST(StepRegistry, UnknownTypeListsKnownOnes) {
  try {
    exec::step_registry().make("c4_fromat", Params("steps.c4_fromat"));
    FAIL();
  } catch (const ConfigError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("'c4_fromat'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("c4_format"), std::string::npos) << msg;
  }
}

TEST(StepRegistry, UnknownStepKeyNamesStepAndKey) {
  Params p("steps.c4_format");
  p.set("langauge", std::string("en"));
  try {
    exec::step_registry().make("c4_format", p);
    FAIL();
  } catch (const ConfigError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("'langauge'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("steps.c4_format"), std::string::npos) << msg;
  }
}

TEST(StepRegistry, DuplicateRegistrationRejected) {
  StepRegistry r;
  r.add({"x", "", [](const Params&) -> std::unique_ptr<Step> { return nullptr; }});
  EXPECT_THROW(r.add({"x", "", nullptr}), ConfigError);
}

}  // namespace
}  // namespace rpdata
