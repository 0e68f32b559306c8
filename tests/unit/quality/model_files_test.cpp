// The run's model lookup (one policy for every model a recipe names) and models loaded once,
// when first used.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <tuple>
#include <vector>

#include "rpdata/core/error.h"
#include "rpdata/quality/cc_classifier.h"
#include "rpdata/quality/model_checks.h"
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

// fastText's header: magic, version, then Args as int32s (dim ws epoch minCount neg
// wordNgrams loss model bucket minn maxn ...). A supervised model trained without subwords has
// no hash buckets; a damaged maxn then made fastText divide by zero while loading (SIGFPE).
TEST(ModelChecks, FasttextHeaderWithSubwordsButNoBucketsIsRefused) {
  test::TempDir tmp;
  test::write_all(tmp / "train.txt", "__label__wiki a fluent sentence\n__label__cc buy now cheap\n");
  train_supervised(tmp / "train.txt", tmp / "m.bin");
  check_fasttext_supervised(tmp / "m.bin", {"__label__wiki"}, 2);
  std::string bin = test::read_all(tmp / "m.bin");
  auto int_at = [&](size_t at) {
    int32_t v;
    std::memcpy(&v, bin.data() + at, 4);
    return v;
  };
  ASSERT_EQ(int_at(8 + 4 * 8), 0);   // bucket
  ASSERT_EQ(int_at(8 + 4 * 10), 0);  // maxn
  // maxn 6, then maxn -16777216 (fastText compares it as an unsigned length: huge).
  for (auto [at, byte, shown] : {std::tuple{8 + 4 * 10, '\x06', "maxn 6"}, std::tuple{8 + 4 * 10 + 3, '\xff', "maxn -16777216"}}) {
    std::string damaged = bin;
    damaged[static_cast<size_t>(at)] = byte;
    test::write_all(tmp / "damaged.bin", damaged);
    try {
      check_fasttext_supervised(tmp / "damaged.bin", {"__label__wiki"}, 2);
      ADD_FAILURE() << "a damaged model was accepted: " << shown;
    } catch (const VerifyError& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("0 hash buckets with ") + shown), std::string::npos) << e.what();
    }
  }
}

// The dictionary follows the arguments (magic, version, 12 int32s and a double: byte 64) with
// its size, nwords and nlabels; fastText reads the labels as the entries after nwords without
// checking that they exist, so a damaged nlabels read past the dictionary.
TEST(ModelChecks, FasttextDictionaryCountsThatDisagreeAreRefused) {
  test::TempDir tmp;
  test::write_all(tmp / "train.txt", "__label__wiki a fluent sentence\n__label__cc buy now cheap\n");
  train_supervised(tmp / "train.txt", tmp / "m.bin");
  std::string bin = test::read_all(tmp / "m.bin");
  auto int_at = [&](size_t at) {
    int32_t v;
    std::memcpy(&v, bin.data() + at, 4);
    return v;
  };
  ASSERT_EQ(int_at(72), 2);                   // nlabels
  ASSERT_EQ(int_at(64), int_at(68) + 2);      // size = nwords + nlabels
  bin[72] = 50;
  test::write_all(tmp / "damaged.bin", bin);
  try {
    check_fasttext_supervised(tmp / "damaged.bin", {"__label__wiki"}, 2);
    FAIL() << "a damaged model was accepted";
  } catch (const VerifyError& e) {
    EXPECT_NE(std::string(e.what()).find("label counts differ from its entries"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rpdata::quality
