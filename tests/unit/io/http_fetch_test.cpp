// Fetcher against a real local HTTP server (tests/servers/fault_server.py) that injects
// faults: dropped connections, truncated bodies, 5xx/429/SlowDown, stalls, servers ignoring
// Range. Every case ends with a byte-identical file (sha256) or a DownloadError and no `dest`.
#include "rpdata/io/http_fetch.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/hash.h"
#include "servers/server_process.h"
#include "test_support.h"

namespace rpdata::io {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr size_t kDataSize = 3 * 1024 * 1024;  // 3 MiB, a third is exactly 1 MiB
constexpr const char* kServerScript = "tests/servers/fault_server.py";
// Pinned in realdata/SOURCES.md.
constexpr const char* kRealJsonl = "c4/c4-train.00000-of-01024.first1000.reserialized.jsonl";
constexpr const char* kRealJsonlSha =
    "cdd5b754119131d2934e3e799a059a9d64f53a6aac9e7e2ef79b43120bb01a32";
constexpr const char* kRealGz = "c4/hf-datasets-dummy-c4-train.00000-of-01024.json.gz";
constexpr const char* kRealGzSha =
    "728a2d23a6e3b3b8f72e8200401429b3952f8b83194dd33ce36db24842693944";

fs::path find_server_script() {
#ifdef RPDATA_SOURCE_DIR
  if (fs::path p = fs::path(RPDATA_SOURCE_DIR) / kServerScript; fs::exists(p)) return p;
#endif
  for (fs::path dir = fs::current_path();; dir = dir.parent_path()) {
    if (fs::exists(dir / kServerScript)) return dir / kServerScript;
    if (dir == dir.root_path() || dir.empty()) break;
  }
  return {};
}

using test::find_python3;

// The same lookup as every other test: $RPDATA_REALDATA or ../shared/realdata.
fs::path find_realdata() { return test::realdata_dir(); }

std::string deterministic_bytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    uint64_t v = rng();
    for (size_t j = 0; j < 8 && i + j < n; ++j) out[i + j] = static_cast<char>(v >> (8 * j));
  }
  return out;
}

// The fault server as a child process (tests/servers/server_process.h); it dies with us.
using ServerProcess = test::FaultServer;

struct Request {
  int status;
  std::string range;  // "-" when none was sent
};

class HttpFetchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    python_ = new fs::path(find_python3());
    if (python_->empty()) return;
    fs::path script = find_server_script();
    ASSERT_FALSE(script.empty()) << "cannot find " << kServerScript
                                 << " (define RPDATA_SOURCE_DIR or run from the source tree)";
    root_ = new fs::path(fs::temp_directory_path() /
                         ("rpdata_http_fetch_test." + std::to_string(::getpid())));
    fs::remove_all(*root_);
    fs::create_directories(*root_ / "serve");
    data_ = new std::string(deterministic_bytes(kDataSize, 20230417));
    write_file_atomic(*root_ / "serve" / "data.bin", *data_);
    write_file_atomic(*root_ / "serve" / "small.txt", "a small listing\nline two\n");
    realdata_ = new fs::path(find_realdata());
    std::vector<fs::path> roots = {*root_ / "serve"};
    if (!realdata_->empty()) roots.push_back(*realdata_);
    server_ = new ServerProcess();
    std::string error;
    ASSERT_TRUE(server_->start(*python_, script, roots, &error)) << error;
  }

  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    if (root_) fs::remove_all(*root_);
    delete root_;
    delete data_;
    delete python_;
    delete realdata_;
  }

  void SetUp() override {
    if (python_->empty())
      GTEST_SKIP() << "*** python3 NOT FOUND on PATH: the downloader fault-injection tests "
                      "did NOT run ***";
    ASSERT_NE(server_, nullptr);
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    out_ = *root_ / "out" / info->name();
    fs::remove_all(out_);
    fs::create_directories(out_);
    Fetcher control(fast_options());
    ASSERT_EQ(control.get(base() + "/reset"), "ok\n");
  }

  static FetchOptions fast_options() {
    FetchOptions o;
    o.max_attempts = 5;
    o.backoff_initial_s = 0.01;
    o.backoff_max_s = 0.05;
    o.connect_timeout_s = 5;
    o.low_speed_bytes_per_s = 1;
    o.low_speed_time_s = 30;
    o.progress = false;
    o.log_interval_s = 0;
    o.seed = 7;
    return o;
  }

  static std::string base() { return "http://127.0.0.1:" + std::to_string(server_->port()); }

  static std::vector<Request> requests(const std::string& path) {
    Fetcher f(fast_options());
    std::istringstream in(f.get(base() + "/stats?path=" + path));
    std::vector<Request> out;
    Request r;
    while (in >> r.status >> r.range) out.push_back(r);
    return out;
  }

  static int peak_inflight() {
    Fetcher f(fast_options());
    return std::stoi(f.get(base() + "/stats/inflight"));
  }

  static std::string data_sha() { return sha256_hex(*data_); }

  fs::path dest(const std::string& name = "data.bin") const { return out_ / name; }
  static fs::path part_of(const fs::path& p) { return fs::path(p.string() + ".part"); }

  static inline fs::path* python_ = nullptr;
  static inline fs::path* root_ = nullptr;
  static inline fs::path* realdata_ = nullptr;
  static inline std::string* data_ = nullptr;
  static inline ServerProcess* server_ = nullptr;
  fs::path out_;
};

TEST_F(HttpFetchTest, OkDownloadIsByteIdentical) {
  Fetcher f(fast_options());
  FetchResult r = f.fetch(base() + "/ok/data.bin", dest());
  EXPECT_EQ(r.bytes, kDataSize);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_FALSE(r.resumed);
  EXPECT_FALSE(r.already_complete);
  EXPECT_EQ(file_sha256_hex(dest()), data_sha());
  EXPECT_FALSE(fs::exists(part_of(dest())));
}

TEST_F(HttpFetchTest, ConnectionResetMidBodyResumesWithRange) {
  Fetcher f(fast_options());
  FetchResult r = f.fetch(base() + "/drop/2/data.bin", dest());
  EXPECT_EQ(file_sha256_hex(dest()), data_sha());
  EXPECT_EQ(r.attempts, 3);
  EXPECT_TRUE(r.resumed);
  auto reqs = requests("/drop/2/data.bin");
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].status, 200);
  EXPECT_EQ(reqs[0].range, "-");
  // Each reset delivered half of what was asked, so the resumes start at 1/2 and 3/4.
  EXPECT_EQ(reqs[1].status, 206);
  EXPECT_EQ(reqs[1].range, "bytes=" + std::to_string(kDataSize / 2) + "-");
  EXPECT_EQ(reqs[2].status, 206);
  EXPECT_EQ(reqs[2].range, "bytes=" + std::to_string(kDataSize / 2 + kDataSize / 4) + "-");
}

TEST_F(HttpFetchTest, TruncatedBodyWithCorrectContentLengthIsResumed) {
  Fetcher f(fast_options());
  FetchResult r = f.fetch(base() + "/truncate/1/data.bin", dest());
  EXPECT_EQ(file_sha256_hex(dest()), data_sha());
  EXPECT_EQ(r.attempts, 2);
  EXPECT_TRUE(r.resumed);
  auto reqs = requests("/truncate/1/data.bin");
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[1].range, "bytes=" + std::to_string(kDataSize / 3) + "-");
  EXPECT_EQ(reqs[1].status, 206);
}

TEST_F(HttpFetchTest, S3SlowDownTwiceThenSuccess) {
  Fetcher f(fast_options());
  FetchResult r = f.fetch(base() + "/status/503/2/data.bin", dest());
  EXPECT_EQ(file_sha256_hex(dest()), data_sha());
  EXPECT_EQ(r.attempts, 3);
  auto reqs = requests("/status/503/2/data.bin");
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].status, 503);
  EXPECT_EQ(reqs[1].status, 503);
  EXPECT_EQ(reqs[2].status, 200);
}

TEST_F(HttpFetchTest, TooManyRequestsHonoursRetryAfter) {
  FetchOptions o = fast_options();
  o.backoff_max_s = 5;  // the cap must not cut the server's 1 s
  std::vector<double> waits;
  o.on_retry_wait = [&waits](double s) { waits.push_back(s); };
  Fetcher f(o);
  FetchResult r = f.fetch(base() + "/retry-after/1/data.bin", dest());
  EXPECT_EQ(file_sha256_hex(dest()), data_sha());
  EXPECT_EQ(r.attempts, 2);
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_GE(waits[0], 1.0) << "Retry-After: 1 was not honoured";
  auto reqs = requests("/retry-after/1/data.bin");
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].status, 429);
}

TEST_F(HttpFetchTest, RetryAfterIsCappedByBackoffMax) {
  FetchOptions o = fast_options();
  o.backoff_max_s = 0.05;
  std::vector<double> waits;
  o.on_retry_wait = [&waits](double s) { waits.push_back(s); };
  Fetcher f(o);
  f.fetch(base() + "/retry-after/1/data.bin", dest());
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_LE(waits[0], 0.05) << "the server's Retry-After: 1 was not capped by backoff_max_s";
  EXPECT_EQ(file_sha256_hex(dest()), data_sha());
}

TEST_F(HttpFetchTest, StalledPeerIsAbortedAndFailsWithoutDest) {
  FetchOptions o = fast_options();
  o.max_attempts = 2;
  o.low_speed_bytes_per_s = 1000;  // the server trickles ~200 B/s
  o.low_speed_time_s = 1;
  Fetcher f(o);
  EXPECT_THROW(f.fetch(base() + "/slow/data.bin", dest()), DownloadError);
  EXPECT_FALSE(fs::exists(dest()));
  EXPECT_EQ(requests("/slow/data.bin").size(), 2u);
  // Whatever trickled in stays in the .part for a later resume.
  if (fs::exists(part_of(dest()))) {
    EXPECT_LT(fs::file_size(part_of(dest())), kDataSize);
  }
}

TEST_F(HttpFetchTest, ServerIgnoringRangeRestartsFromZero) {
  // A stale .part with wrong bytes: a 200 answer to the Range request must replace it.
  write_file_atomic(part_of(dest()), std::string(1000, 'x'));
  Fetcher f(fast_options());
  FetchResult r = f.fetch(base() + "/norange/data.bin", dest());
  EXPECT_EQ(file_sha256_hex(dest()), data_sha());
  EXPECT_EQ(r.attempts, 1);
  EXPECT_FALSE(r.resumed);
  auto reqs = requests("/norange/data.bin");
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].range, "bytes=1000-");
  EXPECT_EQ(reqs[0].status, 200);
}

TEST_F(HttpFetchTest, ContentRangeNotStartingAtPartSizeRestartsFromZero) {
  write_file_atomic(part_of(dest()), data_->substr(0, 1000));
  Fetcher f(fast_options());
  FetchResult r = f.fetch(base() + "/badrange/data.bin", dest());
  EXPECT_EQ(file_sha256_hex(dest()), data_sha());
  EXPECT_EQ(r.attempts, 2);
  EXPECT_FALSE(r.resumed);
  auto reqs = requests("/badrange/data.bin");
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].range, "bytes=1000-");
  EXPECT_EQ(reqs[0].status, 206);
  EXPECT_EQ(reqs[1].range, "-");
  EXPECT_EQ(reqs[1].status, 200);
}

TEST_F(HttpFetchTest, CompletePartGets416AndIsAccepted) {
  write_file_atomic(part_of(dest()), *data_);
  Fetcher f(fast_options());
  FetchResult r = f.fetch(base() + "/ok/data.bin", dest());
  EXPECT_EQ(file_sha256_hex(dest()), data_sha());
  EXPECT_EQ(r.attempts, 1);
  EXPECT_TRUE(r.resumed);
  auto reqs = requests("/ok/data.bin");
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].status, 416);
  EXPECT_FALSE(fs::exists(part_of(dest())));
}

TEST_F(HttpFetchTest, NotFoundFailsAtOnceNamingUrlAndStatus) {
  Fetcher f(fast_options());
  std::string url = base() + "/notfound/data.bin";
  try {
    f.fetch(url, dest());
    FAIL() << "expected DownloadError";
  } catch (const DownloadError& e) {
    EXPECT_NE(std::string(e.what()).find("404"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(url), std::string::npos) << e.what();
    EXPECT_EQ(e.path(), url);
  }
  EXPECT_EQ(requests("/notfound/data.bin").size(), 1u);
  EXPECT_FALSE(fs::exists(dest()));
  EXPECT_FALSE(fs::exists(part_of(dest())));
}

TEST_F(HttpFetchTest, AllAttemptsFailingThrowsAndLeavesNoDest) {
  FetchOptions o = fast_options();
  o.max_attempts = 3;
  Fetcher f(o);
  try {
    f.fetch(base() + "/status/500/100/data.bin", dest());
    FAIL() << "expected DownloadError";
  } catch (const DownloadError& e) {
    EXPECT_NE(std::string(e.what()).find("3 attempts"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("HTTP 500"), std::string::npos) << e.what();
  }
  EXPECT_EQ(requests("/status/500/100/data.bin").size(), 3u);
  EXPECT_FALSE(fs::exists(dest()));
}

TEST_F(HttpFetchTest, ChecksumMismatchFailsLoudlyAndLeavesNothing) {
  Fetcher f(fast_options());
  Expect e;
  e.sha256 = sha256_hex("not the file");
  try {
    f.fetch(base() + "/ok/data.bin", dest(), e);
    FAIL() << "expected DownloadError";
  } catch (const DownloadError& err) {
    EXPECT_NE(std::string(err.what()).find("sha256"), std::string::npos) << err.what();
  }
  // One download plus two restarts from scratch, none of them resumed.
  auto reqs = requests("/ok/data.bin");
  ASSERT_EQ(reqs.size(), 3u);
  for (const auto& r : reqs) EXPECT_EQ(r.range, "-");
  EXPECT_FALSE(fs::exists(dest()));
  EXPECT_FALSE(fs::exists(part_of(dest())));
}

TEST_F(HttpFetchTest, MatchingExpectSucceeds) {
  Fetcher f(fast_options());
  Expect e;
  e.size = kDataSize;
  e.sha256 = data_sha();
  e.md5 = md5_hex(*data_);
  FetchResult r = f.fetch(base() + "/drop/1/data.bin", dest(), e);
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(file_sha256_hex(dest()), data_sha());
}

TEST_F(HttpFetchTest, ExistingDestIsAlreadyCompleteUnlessItFailsExpect) {
  Fetcher f(fast_options());
  f.fetch(base() + "/ok/data.bin", dest());
  FetchResult again = f.fetch(base() + "/ok/data.bin", dest());
  EXPECT_TRUE(again.already_complete);
  EXPECT_EQ(again.attempts, 0);
  EXPECT_EQ(again.bytes, kDataSize);
  EXPECT_EQ(requests("/ok/data.bin").size(), 1u);

  write_file_atomic(dest(), "corrupted");
  Expect e;
  e.sha256 = data_sha();
  FetchResult fixed = f.fetch(base() + "/ok/data.bin", dest(), e);
  EXPECT_FALSE(fixed.already_complete);
  EXPECT_EQ(fixed.attempts, 1);
  EXPECT_EQ(file_sha256_hex(dest()), data_sha());
  EXPECT_EQ(requests("/ok/data.bin").size(), 2u);
}

TEST_F(HttpFetchTest, FileUrlCopiesAndResumes) {
  Fetcher f(fast_options());
  std::string url = "file://" + (*root_ / "serve" / "data.bin").string();
  FetchResult r = f.fetch(url, dest());
  EXPECT_EQ(file_sha256_hex(dest()), data_sha());
  EXPECT_EQ(r.attempts, 1);

  write_file_atomic(part_of(dest("resumed.bin")), data_->substr(0, 12345));
  FetchResult resumed = f.fetch(url, dest("resumed.bin"));
  EXPECT_TRUE(resumed.resumed);
  EXPECT_EQ(file_sha256_hex(dest("resumed.bin")), data_sha());

  write_file_atomic(part_of(dest("whole.bin")), *data_);  // nothing left to read
  FetchResult whole = f.fetch(url, dest("whole.bin"));
  EXPECT_TRUE(whole.resumed);
  EXPECT_EQ(file_sha256_hex(dest("whole.bin")), data_sha());

  write_file_atomic(part_of(dest("longer.bin")), *data_ + "trailing junk");
  FetchResult longer = f.fetch(url, dest("longer.bin"));
  EXPECT_FALSE(longer.resumed);
  EXPECT_EQ(longer.attempts, 2);
  EXPECT_EQ(file_sha256_hex(dest("longer.bin")), data_sha());
}

TEST_F(HttpFetchTest, MissingFileUrlFailsAtOnce) {
  FetchOptions o = fast_options();
  o.max_attempts = 3;
  o.backoff_initial_s = 30;  // a retry would show as a very slow test
  Fetcher f(o);
  std::string url = "file://" + (*root_ / "serve" / "no-such-file.bin").string();
  try {
    f.fetch(url, dest());
    FAIL() << "expected DownloadError";
  } catch (const DownloadError& e) {
    EXPECT_NE(std::string(e.what()).find("attempt 1 of 3"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dest()));
}

TEST_F(HttpFetchTest, PerHostConnectionLimitIsSharedAcrossThreads) {
  // `path`: the serial run's requests take 300 ms each (overlap would show if the limit
  // leaked); the parallel run's are held by the server until all four are in flight, so the
  // positive control does not depend on how the threads are scheduled.
  auto run = [&](int per_host, const std::string& tag, const std::string& path) {
    FetchOptions o = fast_options();
    o.per_host_connections = per_host;
    Fetcher f(o);
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int i = 0; i < 4; ++i) {
      threads.emplace_back([&, i] {
        try {
          fs::path d = dest(tag + std::to_string(i) + ".bin");
          f.fetch(base() + path, d);
          if (file_sha256_hex(d) == data_sha()) ++ok;
        } catch (const std::exception& e) {
          ADD_FAILURE() << e.what();
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 4);
  };
  run(1, "serial", "/delay/300/data.bin");
  EXPECT_EQ(peak_inflight(), 1);
  Fetcher(fast_options()).get(base() + "/reset");
  run(4, "parallel", "/gate/4/data.bin");  // the positive control: without the limit they overlap
  EXPECT_EQ(peak_inflight(), 4);
}

TEST_F(HttpFetchTest, PerHostRequestRateIsEnforced) {
  FetchOptions o = fast_options();
  o.per_host_requests_per_s = 20;
  Fetcher f(o);
  auto t0 = Clock::now();
  for (int i = 0; i < 6; ++i) EXPECT_EQ(f.get(base() + "/ok/small.txt"), "a small listing\nline two\n");
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  EXPECT_GE(secs, 5 / 20.0 - 0.01);
}

TEST_F(HttpFetchTest, GetRetriesAndReturnsTheBody) {
  Fetcher f(fast_options());
  EXPECT_EQ(f.get(base() + "/status/503/1/small.txt"), "a small listing\nline two\n");
  auto reqs = requests("/status/503/1/small.txt");
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].status, 503);
  EXPECT_EQ(f.get(base() + "/drop/1/data.bin"), *data_);
  EXPECT_THROW(f.get(base() + "/notfound/small.txt"), DownloadError);
}

TEST_F(HttpFetchTest, SecretsNeverReachErrorsOrLogs) {
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>("capture", sink);
  logger->set_level(spdlog::level::trace);
  spdlog::set_default_logger(logger);

  FetchOptions o = fast_options();
  o.headers = {"Authorization: Bearer sekrit-bearer-token"};
  o.log_interval_s = 1e-9;  // log progress lines too
  Fetcher f(o);
  std::string query = "?X-Amz-Credential=AKIASECRETCRED&X-Amz-Signature=topsecretsig&part=1";
  f.fetch(base() + "/status/503/1/data.bin" + query, dest());
  std::string message;
  try {
    f.fetch(base() + "/notfound/data.bin" + query, dest("missing.bin"));
  } catch (const DownloadError& e) {
    message = e.what();
  }
  spdlog::set_default_logger(previous);

  std::string logs = captured.str();
  EXPECT_NE(logs.find("retrying"), std::string::npos) << logs;
  EXPECT_NE(logs.find("part=1"), std::string::npos) << logs;
  EXPECT_FALSE(message.empty());
  for (std::string_view secret : {"sekrit", "AKIASECRETCRED", "topsecretsig"}) {
    EXPECT_EQ(logs.find(secret), std::string::npos) << secret << " leaked into logs:\n" << logs;
    EXPECT_EQ(message.find(secret), std::string::npos) << secret << " leaked: " << message;
  }
  EXPECT_EQ(file_sha256_hex(dest()), data_sha());
}

TEST_F(HttpFetchTest, RealC4FilesSurviveFaults) {
  if (realdata_->empty()) {
    if (test::realdata_required()) GTEST_FAIL() << "realdata not found and RPDATA_REQUIRE_REALDATA=1";
    GTEST_SKIP() << "realdata not found (set RPDATA_REALDATA); real-file download not tested";
  }
  ASSERT_TRUE(fs::exists(*realdata_ / kRealJsonl)) << *realdata_ / kRealJsonl;
  Fetcher f(fast_options());
  Expect jsonl;
  jsonl.sha256 = kRealJsonlSha;
  FetchResult r = f.fetch(base() + "/drop/1/" + kRealJsonl, dest("c4.jsonl"), jsonl);
  EXPECT_EQ(r.attempts, 2);
  EXPECT_TRUE(r.resumed);
  EXPECT_EQ(file_sha256_hex(dest("c4.jsonl")), file_sha256_hex(*realdata_ / kRealJsonl));

  Expect gz;
  gz.sha256 = kRealGzSha;
  gz.size = fs::file_size(*realdata_ / kRealGz);
  f.fetch(base() + "/truncate/1/" + kRealGz, dest("c4.json.gz"), gz);
  EXPECT_EQ(file_sha256_hex(dest("c4.json.gz")), kRealGzSha);
}

}  // namespace
}  // namespace rpdata::io
