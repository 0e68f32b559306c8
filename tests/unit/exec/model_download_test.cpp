#include <gtest/gtest.h>

#include "rpdata/core/error.h"
#include "rpdata/exec/model_download.h"
#include "rpdata/io/hash.h"
#include "rpdata/quality/cc_classifier.h"
#include "rpdata/quality/lm_train.h"
#include "servers/server_process.h"
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

// `rpdata models download` against the loopback fault server, which imitates a plain model
// host, a broken mirror (an HTML page with status 200) and Google Drive's confirmation page.
// The served model is the bundled lid.176.ftz (models/, in the repository).
class PublishedModelFetch : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::path python = test::find_python3();
    ASSERT_FALSE(python.empty()) << "python3 is needed for the loopback model host";
    ftz_ = test::read_all(test::source_dir() / "models/fasttext/lid.176.ftz");
    test::write_all(serve_ / "lid.176.ftz", ftz_);
    test::write_all(serve_ / "quota" / "lid.176.ftz", ftz_);
    test::write_all(serve_ / "cut" / "lid.176.ftz", ftz_.substr(0, ftz_.size() / 2));
    test::write_all(serve_ / "hello.txt", "hello, not a model\n");
    std::string error;
    ASSERT_TRUE(server_.start(python, test::source_dir() / "tests/servers/fault_server.py", {serve_.path()}, &error))
        << error;
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(server_.port()) + path; }
  static const PublishedModel& model(const std::string& name) {
    const PublishedModel* m = find_published_model(name);
    EXPECT_NE(m, nullptr) << name;
    return *m;
  }
  std::string fetch_error(const PublishedModel& m, const std::vector<std::string>& urls) {
    try {
      fetch_model(m, models_.path(), urls, quiet());
    } catch (const Error& e) {
      EXPECT_FALSE(fs::exists(models_ / m.file)) << "an unverified file got the final name";
      return e.message();
    }
    ADD_FAILURE() << "no error";
    return "";
  }

  std::string ftz_;
  TempDir serve_, models_;
  test::FaultServer server_;
};

TEST_F(PublishedModelFetch, FetchesAPinnedModelAndKeepsAVerifiedCopy) {
  const auto& m = model("lid176-ftz");
  ModelFetch f = fetch_model(m, models_.path(), {url("/ok/lid.176.ftz")}, quiet());
  EXPECT_EQ(f.path, models_ / "fasttext/lid.176.ftz");
  EXPECT_EQ(f.sha256, m.sha256);
  EXPECT_FALSE(f.already_present);
  EXPECT_EQ(test::read_all(f.path), ftz_);
  ModelFetch again = fetch_model(m, models_.path(), {url("/notfound/lid.176.ftz")}, quiet());
  EXPECT_TRUE(again.already_present);
}

TEST_F(PublishedModelFetch, AMirrorServingAnHtmlPageIsSkippedForTheNextUrl) {
  ModelFetch f = fetch_model(model("lid176-ftz"), models_.path(), {url("/html200/lid.176.ftz"), url("/ok/lid.176.ftz")},
                             quiet());
  EXPECT_EQ(f.url, url("/ok/lid.176.ftz"));
  EXPECT_EQ(test::read_all(f.path), ftz_);
}

TEST_F(PublishedModelFetch, FollowsGoogleDrivesConfirmationPage) {
  // RedPajama's classifier is on Google Drive; any fastText model shows the path taken.
  PublishedModel m = model("lid176");
  ModelFetch f = fetch_model(m, models_.path(), {url("/uc?export=download&id=lid.176.ftz")}, quiet());
  EXPECT_EQ(test::read_all(f.path), ftz_);
  EXPECT_EQ(io::Fetcher(quiet()).get(url("/stats?path=/download")), "200 -\n");
  EXPECT_NE(model("cc-classifier").urls.front().find("drive.google.com/uc?export=download&id="), std::string::npos);
}

TEST_F(PublishedModelFetch, GoogleDrivesQuotaPageIsAnError) {
  std::string e = fetch_error(model("lid176"), {url("/uc?export=download&id=quota/lid.176.ftz")});
  EXPECT_NE(e.find("another HTML page"), std::string::npos) << e;
}

TEST_F(PublishedModelFetch, ATruncatedModelIsRefused) {
  // Pinned: the size says so. Not pinned (lid.176.bin): fastText's own reads run short.
  std::string pinned = fetch_error(model("lid176-ftz"), {url("/ok/cut/lid.176.ftz")});
  EXPECT_NE(pinned.find("truncated?"), std::string::npos) << pinned;
  std::string unpinned = fetch_error(model("lid176"), {url("/ok/cut/lid.176.ftz")});
  EXPECT_NE(unpinned.find("truncated"), std::string::npos) << unpinned;
}

TEST_F(PublishedModelFetch, AModelOfTheWrongKindIsRefused) {
  std::string text = fetch_error(model("lid176"), {url("/ok/hello.txt")});
  EXPECT_NE(text.find("not a fastText model"), std::string::npos) << text;
  // A supervised model, but not language id: too few labels.
  test::write_all(serve_ / "train.txt", "__label__wiki a fluent sentence\n__label__cc buy now cheap\n");
  quality::train_supervised(serve_ / "train.txt", serve_ / "two_labels.bin");
  std::string labels = fetch_error(model("lid176"), {url("/ok/two_labels.bin")});
  EXPECT_NE(labels.find("has 2 labels, expected at least 176"), std::string::npos) << labels;
  // An ARPA where cc_net's KenLM binary is expected.
  test::write_all(serve_ / "en.arpa", quality::estimate_arpa({"a b c", "a c"}, 3));
  std::string arpa = fetch_error(model("ccnet-en-lm"), {url("/ok/en.arpa")});
  EXPECT_NE(arpa.find("an ARPA file where a KenLM binary is expected"), std::string::npos) << arpa;
  // The classifier lacking RedPajama's labels.
  std::string lid = fetch_error(model("cc-classifier"), {url("/ok/lid.176.ftz")});
  EXPECT_NE(lid.find("lacks the label __label__wiki"), std::string::npos) << lid;
}

TEST_F(PublishedModelFetch, AByHandModelNeedsAFile) {
  const auto& llama = model("llama");
  EXPECT_TRUE(llama.urls.empty());
  EXPECT_THROW(fetch_model(llama, models_.path(), {}, quiet()), ConfigError);
  // --from a local file: checked against the pinned sha256 like any download.
  std::string e = fetch_error(llama, {(serve_ / "hello.txt").string()});
  EXPECT_NE(e.find("bytes, llama has 499723"), std::string::npos) << e;
}

// Every published model names its file, licence and provenance; a downloadable one has URLs
// and a check, and the files the production recipes name are all in the catalog.
TEST(PublishedModels, TheCatalogCoversTheProductionRecipesModels) {
  for (const auto& m : published_models()) {
    EXPECT_FALSE(m.file.empty()) << m.name;
    EXPECT_FALSE(m.licence.empty()) << m.name;
    EXPECT_FALSE(m.how.empty()) << m.name;
    EXPECT_TRUE(!m.urls.empty() || m.size) << m.name << ": a by-hand model needs a pin to check it by";
  }
  for (const char* file : {"gpt-neox-20b/tokenizer.json", "fasttext/lid.176.bin", "ccnet/en.sp.model",
                           "ccnet/en.arpa.bin", "ccnet/cutoff.csv", "classifier/model.bin", "llama/tokenizer.model"})
    EXPECT_NE(published_model_for_file(file), nullptr) << file;
}

}  // namespace
}  // namespace rpdata::exec
