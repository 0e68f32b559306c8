// The run's model lookup (one policy for every model a recipe names) and models loaded once,
// when first used.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "rpdata/core/error.h"
#include "rpdata/quality/model_files.h"
#include "test_support.h"

namespace rpdata::quality {
namespace {

TEST(RunModels, OnePolicyForEveryMissingModel) {
  test::TempDir tmp;
  test::write_all(tmp / "m.bin", "model");
  std::string present = (tmp / "m.bin").string(), absent = (tmp / "gone.bin").string();

  RunModels error(MissingModels::kError);
  EXPECT_EQ(error.find("[[steps]] x", {absent, present}), tmp / "m.bin");  // the first found
  try {
    error.find("[[steps]] x", {absent});
    FAIL() << "a missing model was accepted";
  } catch (const ConfigError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("[[steps]] x: no model file '" + absent + "'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("missing_models = \"skip\""), std::string::npos) << msg;
    EXPECT_EQ(e.exit_code(), 2);
  }
  EXPECT_FALSE(error.skips_missing());

  RunModels skip(MissingModels::kSkip);
  EXPECT_TRUE(skip.find("[[steps]] x", {absent}).empty());
  EXPECT_TRUE(skip.skips_missing());

  RunModels unchecked(MissingModels::kUnchecked);  // validation only: named, never opened
  EXPECT_EQ(unchecked.find("[[steps]] x", {absent}), absent);

  EXPECT_EQ(parse_missing_models("skip"), MissingModels::kSkip);
  EXPECT_THROW(parse_missing_models("warn"), ConfigError);
}

TEST(LazyModel, LoadsOnceOnFirstUseThroughAnyCopy) {
  std::atomic<int> loads{0};
  LazyModel<int> model([&] {
    ++loads;
    return std::make_shared<const int>(42);
  });
  LazyModel<int> copy = model;  // steps are copied per unit before any document comes
  EXPECT_EQ(loads.load(), 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&, i] { EXPECT_EQ(*(i % 2 ? model : copy).get(), 42); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(loads.load(), 1);
  EXPECT_FALSE(LazyModel<int>());
}

}  // namespace
}  // namespace rpdata::quality
