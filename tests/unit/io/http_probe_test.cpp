// Fetcher::probe against the fault server (tests/servers/fault_server.py): a HEAD, a 1-byte
// Range GET when HEAD is refused, the downloader's retries on 5xx and Retry-After, HTTP
// errors returned with their status, transport failures thrown, file:// answered by stat.
// The server's request log shows that no body was transferred.
#include <gtest/gtest.h>

#include "rpdata/core/error.h"
#include "rpdata/io/http_fetch.h"
#include "servers/server_process.h"
#include "test_support.h"

namespace rpdata::io {
namespace {
namespace fs = std::filesystem;

class HttpProbeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new test::TempDir();
    test::write_all(*root_ / "data.bin", std::string(123456, 'x'));
    server_ = new test::FaultServer();
    std::string error;
    fs::path python = test::find_python3();
    ASSERT_FALSE(python.empty()) << "python3 is not on PATH: the fault server needs it";
    ASSERT_TRUE(server_->start(python, test::source_dir() / "tests/servers/fault_server.py", {root_->path()}, &error))
        << error;
  }
  static void TearDownTestSuite() {
    delete server_;
    delete root_;
  }
  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    Fetcher(options()).get(server_->base() + "/reset");
  }
  static FetchOptions options() {
    FetchOptions o;
    o.max_attempts = 3;
    o.backoff_initial_s = 0.01;
    o.backoff_max_s = 0.02;
    o.progress = false;
    o.seed = 3;
    return o;
  }
  static std::string requests(const std::string& path) {
    return Fetcher(options()).get(server_->base() + "/stats?path=" + path);
  }

  static inline test::TempDir* root_ = nullptr;
  static inline test::FaultServer* server_ = nullptr;
};

TEST_F(HttpProbeTest, HeadGivesStatusAndSize) {
  ProbeResult p = Fetcher(options()).probe(server_->base() + "/ok/data.bin");
  EXPECT_TRUE(p.ok());
  EXPECT_EQ(p.status, 200);
  EXPECT_EQ(p.size, 123456u);
  EXPECT_EQ(p.method, "HEAD");
  EXPECT_EQ(p.url, server_->base() + "/ok/data.bin");
  EXPECT_EQ(p.attempts, 1);
  EXPECT_EQ(requests("/ok/data.bin"), "200 -\n");
}

TEST_F(HttpProbeTest, HeadRefusedAsksForByteZero) {
  ProbeResult p = Fetcher(options()).probe(server_->base() + "/nohead/data.bin");
  EXPECT_EQ(p.status, 206);
  EXPECT_EQ(p.size, 123456u);  // the Content-Range total
  EXPECT_EQ(p.method, "GET bytes=0-0");
  EXPECT_EQ(requests("/nohead/data.bin"), "405 -\n206 bytes=0-0\n");
}

TEST_F(HttpProbeTest, RetriesServerErrorsThenAnswers) {
  std::vector<double> waits;
  FetchOptions o = options();
  o.on_retry_wait = [&](double s) { waits.push_back(s); };
  ProbeResult p = Fetcher(o).probe(server_->base() + "/status/503/2/data.bin");
  EXPECT_TRUE(p.ok());
  EXPECT_EQ(p.attempts, 3);
  EXPECT_EQ(waits.size(), 2u);
  EXPECT_EQ(requests("/status/503/2/data.bin"), "503 -\n503 -\n200 -\n");
}

TEST_F(HttpProbeTest, ErrorStatusIsReturnedNotThrown) {
  ProbeResult p = Fetcher(options()).probe(server_->base() + "/notfound/data.bin");
  EXPECT_FALSE(p.ok());
  EXPECT_EQ(p.status, 404);
  EXPECT_EQ(p.failure, "HTTP 404");
  EXPECT_EQ(p.attempts, 1);  // a 404 is final
  ProbeResult q = Fetcher(options()).probe(server_->base() + "/status/500/9/data.bin");
  EXPECT_EQ(q.status, 500);
  EXPECT_EQ(q.failure, "HTTP 500 after 3 attempts");
}

TEST_F(HttpProbeTest, NoAnswerThrowsAfterTheRetries) {
  test::FaultServer gone;
  std::string error;
  ASSERT_TRUE(gone.start(test::find_python3(), test::source_dir() / "tests/servers/fault_server.py", {root_->path()},
                         &error))
      << error;
  std::string url = gone.base() + "/ok/data.bin";
  gone.stop();
  try {
    Fetcher(options()).probe(url);
    FAIL() << "no DownloadError";
  } catch (const DownloadError& e) {
    EXPECT_NE(std::string(e.what()).find("gave up after 3 attempts"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("curl error 7"), std::string::npos) << e.what();
  }
}

TEST_F(HttpProbeTest, FileUrlsAreStatted) {
  ProbeResult p = Fetcher(options()).probe("file://" + (root_->path() / "data.bin").string());
  EXPECT_EQ(p.status, 200);
  EXPECT_EQ(p.size, 123456u);
  EXPECT_EQ(p.method, "stat");
  ProbeResult q = Fetcher(options()).probe("file://" + (root_->path() / "none.bin").string());
  EXPECT_EQ(q.status, 404);
  EXPECT_EQ(q.failure, "no such file");
}

}  // namespace
}  // namespace rpdata::io
