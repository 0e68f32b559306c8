#include <gtest/gtest.h>

#include "rpdata/core/error.h"
#include "rpdata/exec/model_download.h"
#include "test_support.h"

namespace rpdata::exec {
namespace {
namespace fs = std::filesystem;
using test::TempDir;

io::FetchOptions quiet() {
  io::FetchOptions o;
  o.progress = false;
  o.max_attempts = 2;
  o.backoff_initial_s = 0.01;
  return o;
}

// `rpdata download tokenizer` from a mirror directory holding EleutherAI's
// 20B_tokenizer.json (the file in ../shared): fetched, verified, recognised.
TEST(ModelDownload, FetchesAndVerifiesTheNeoxTokenizer) {
  RPDATA_REQUIRE_REALDATA(real);
  TempDir models;
  ModelDownload d = download_neox_tokenizer(models.path(), (real / "models/gpt-neox-20b").string(), quiet());
  EXPECT_EQ(d.path, models / "gpt-neox-20b/tokenizer.json");
  EXPECT_TRUE(d.known_bytes);
  EXPECT_EQ(d.sha256, kNeoxTokenizerSha256);
  EXPECT_FALSE(d.already_present);
  ModelDownload again = download_neox_tokenizer(models.path(), "/nonexistent", quiet());
  EXPECT_TRUE(again.already_present);
}

TEST(ModelDownload, ATokenizerThatTokenizesDifferentlyIsRejected) {
  RPDATA_REQUIRE_REALDATA(real);
  TempDir mirror, models;
  std::string json = test::read_all(real / "models/gpt-neox-20b/20B_tokenizer.json");
  // Give "Hello" another id: still a loadable tokenizer.json, but not GPT-NeoX's.
  auto replace_once = [&](const std::string& from, const std::string& to) {
    auto pos = json.find(from);
    ASSERT_NE(pos, std::string::npos) << from;
    json.replace(pos, from.size(), to);
  };
  replace_once("\"Hello\": 12092", "\"Hello\": 50000");
  test::write_all(mirror / "tokenizer.json", json);
  EXPECT_THROW(download_neox_tokenizer(models.path(), mirror.path().string(), quiet()), VerifyError);
  EXPECT_FALSE(fs::exists(models / "gpt-neox-20b/tokenizer.json"));
}

TEST(ModelDownload, MissingEverywhereIsADownloadError) {
  TempDir mirror, models;
  EXPECT_THROW(download_neox_tokenizer(models.path(), mirror.path().string(), quiet()), DownloadError);
  EXPECT_FALSE(fs::exists(models / "gpt-neox-20b/tokenizer.json"));
}

}  // namespace
}  // namespace rpdata::exec
