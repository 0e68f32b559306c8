// The S3 client: Signature V4 against AWS's published example, credentials lookup, and a
// real S3-protocol loopback server (tests/servers/s3_server.py) that re-verifies every
// signature with botocore: signing, a wrong secret, SlowDown, a dropped connection resumed
// with Range, ListObjectsV2 pagination, the requester-pays header.
#include "rpdata/io/s3.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "rpdata/core/error.h"
#include "servers/server_process.h"
#include "test_support.h"

namespace rpdata::io {
namespace {
namespace fs = std::filesystem;

constexpr const char* kAccess = "AKIDRPDATATEST";
constexpr const char* kSecret = "rpdata/Secret+Key/0123456789abcdefEXAMPLE";

TEST(SigV4, AwsDocumentationGetObjectExample) {
  // "Example: GET Object" of AWS's Signature V4 documentation for S3 (header-based auth).
  AwsCredentials c{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "", ""};
  std::string auth = sigv4_authorization(
      c, {"us-east-1", "s3"}, "GET", "https://examplebucket.s3.amazonaws.com/test.txt",
      {{"range", "bytes=0-9"},
       {"x-amz-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
       {"x-amz-date", "20130524T000000Z"}},
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "20130524T000000Z");
  EXPECT_EQ(auth,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, SignerHeadersNeverCarryTheSecret) {
  auto sign = make_s3_signer({kAccess, kSecret, "TOKEN123", ""}, {}, true);
  auto h = sign("GET", "https://arxiv.s3.amazonaws.com/src/arXiv_src_manifest.xml");
  std::string all;
  for (const auto& x : h) all += x + "\n";
  EXPECT_EQ(all.find(kSecret), std::string::npos);
  EXPECT_NE(all.find("x-amz-request-payer: requester"), std::string::npos);
  EXPECT_NE(all.find("x-amz-security-token: TOKEN123"), std::string::npos);
  EXPECT_NE(all.find("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-request-payer;x-amz-security-token"),
            std::string::npos);
}

TEST(S3Misc, CredentialsFileProfilesAndUris) {
  std::string ini = "[default]\naws_access_key_id = A1\naws_secret_access_key = S1\n"
                    "# comment\n[profile work]\naws_access_key_id=A2\naws_secret_access_key=S2\naws_session_token=T2\n";
  auto d = parse_aws_credentials(ini, "default");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->access_key_id, "A1");
  auto w = parse_aws_credentials(ini, "work");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->session_token, "T2");
  EXPECT_FALSE(parse_aws_credentials(ini, "other"));
  auto loc = parse_s3_uri("s3://arxiv/src/");
  EXPECT_EQ(loc.bucket, "arxiv");
  EXPECT_EQ(loc.prefix, "src/");
  EXPECT_THROW(parse_s3_uri("https://x/y"), ConfigError);
  EXPECT_EQ(aws_uri_encode("src/a b+c", false), "src/a%20b%2Bc");
  EXPECT_EQ(aws_uri_encode("src/", true), "src%2F");
  EXPECT_EQ(xml_unescape("a&amp;b&lt;&#65;&#x42;"), "a&b<AB");
}

TEST(S3Misc, CredentialsFromEnvironmentThenFile) {
  test::TempDir t;
  test::write_all(t / "creds", "[p]\naws_access_key_id = FILEKEY\naws_secret_access_key = FILESECRET\n");
  auto saved = [](const char* n) { const char* v = std::getenv(n); return v ? std::optional<std::string>(v) : std::nullopt; };
  const char* names[] = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                         "AWS_SHARED_CREDENTIALS_FILE"};
  std::vector<std::optional<std::string>> old;
  for (auto n : names) old.push_back(saved(n));
  ::setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET", 1);
  ::setenv("AWS_SHARED_CREDENTIALS_FILE", (t / "creds").c_str(), 1);
  ::setenv("AWS_PROFILE", "p", 1);
  EXPECT_EQ(load_aws_credentials().access_key_id, "ENVKEY");
  ::unsetenv("AWS_ACCESS_KEY_ID");
  auto c = load_aws_credentials();
  EXPECT_EQ(c.access_key_id, "FILEKEY");
  EXPECT_NE(c.origin.find("[p]"), std::string::npos);
  ::setenv("AWS_PROFILE", "missing", 1);
  EXPECT_THROW(load_aws_credentials(), ConfigError);
  for (size_t i = 0; i < old.size(); ++i) {
    if (old[i]) ::setenv(names[i], old[i]->c_str(), 1);
    else ::unsetenv(names[i]);
  }
}

// s3_server.py as a child process (tests/servers/server_process.h), under the first python3
// that has botocore; it takes the test credentials on its command line.
class S3Server {
 public:
  bool start(const fs::path& root, std::string* why) {
    std::vector<std::string> pythons;
    if (const char* p = std::getenv("RPDATA_PYTHON3"); p && *p) pythons.push_back(p);
    pythons.push_back("/usr/bin/python3");
    pythons.push_back("python3");
    fs::path script = test::source_dir() / "tests/servers/s3_server.py";
    std::string error;
    for (const auto& py : pythons)
      if (server_.start(py, script, {root}, &error, {kAccess, kSecret}, 20)) return true;
    *why = "no python3 with botocore could run " + script.string() + " (apt-get install python3-botocore)";
    return false;
  }
  int port() const { return server_.port(); }

 private:
  test::FaultServer server_;
};

class S3ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new test::TempDir();
    fs::create_directories(root_->path() / "arxiv/src");
    std::mt19937_64 rng(7);
    data_.resize(3u << 20);
    for (auto& c : data_) c = static_cast<char>(rng());
    test::write_all(root_->path() / "arxiv/src/arXiv_src_0903_001.tar", data_);
    for (int i = 2; i <= 5; ++i)
      test::write_all(root_->path() / ("arxiv/src/arXiv_src_0903_00" + std::to_string(i) + ".tar"), "t" + std::to_string(i));
    test::write_all(root_->path() / "arxiv/src/arXiv_src_manifest.xml", "<arXivSRC></arXivSRC>\n");
    test::write_all(root_->path() / "arxiv/other/x", "x");
    server_ = new S3Server();
    if (!server_->start(root_->path(), &why_)) {
      delete server_;
      server_ = nullptr;
    }
  }
  static void TearDownTestSuite() {
    delete server_;
    delete root_;
    server_ = nullptr;
    root_ = nullptr;
  }
  void SetUp() override {
    if (!server_) GTEST_SKIP() << "SKIPPED: " << why_;
    Fetcher(quiet()).get(endpoint() + "/_ctl/reset");
  }
  static std::string endpoint() { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  static S3Client client(std::string secret = kSecret, bool requester_pays = true) {
    FetchOptions f;
    f.progress = false;
    f.backoff_initial_s = 0.01;
    f.backoff_max_s = 0.05;
    f.max_attempts = 5;
    S3Config cfg{"arxiv", "us-east-1", endpoint(), requester_pays};
    return S3Client(cfg, {kAccess, secret, "", "test"}, f);
  }
  static std::string log() { return Fetcher(quiet()).get(endpoint() + "/_ctl/log"); }
  static FetchOptions quiet() {
    FetchOptions f;
    f.progress = false;
    return f;
  }
  static void fault(const std::string& kind, int n, const std::string& key) {
    Fetcher(quiet()).get(endpoint() + "/_ctl/fault?kind=" + kind + "&n=" + std::to_string(n) + "&key=" + key);
  }

  static inline test::TempDir* root_ = nullptr;
  static inline S3Server* server_ = nullptr;
  static inline std::string why_;
  static inline std::string data_;
};

TEST_F(S3ServerTest, SignedGetAndFetch) {
  auto c = client();
  EXPECT_EQ(c.get("src/arXiv_src_manifest.xml"), "<arXivSRC></arXivSRC>\n");
  test::TempDir t;
  auto r = c.fetch("src/arXiv_src_0903_001.tar", t / "a.tar", {data_.size(), "", ""});
  EXPECT_EQ(r.bytes, data_.size());
  EXPECT_EQ(test::read_all(t / "a.tar"), data_);
}

TEST_F(S3ServerTest, WrongSecretFailsOnceWithSignatureDoesNotMatch) {
  auto c = client("not-the-secret");
  try {
    c.get("src/arXiv_src_manifest.xml");
    FAIL() << "a wrong secret was accepted";
  } catch (const DownloadError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("HTTP 403 SignatureDoesNotMatch"), std::string::npos) << m;
    EXPECT_NE(m.find("not retryable"), std::string::npos) << m;
    EXPECT_EQ(m.find("not-the-secret"), std::string::npos) << m;
  }
  EXPECT_EQ(log(), "403 /arxiv/src/arXiv_src_manifest.xml -\n");  // exactly one request
}

TEST_F(S3ServerTest, RequesterPaysHeaderIsRequired) {
  auto c = client(kSecret, false);
  try {
    c.get("src/arXiv_src_manifest.xml");
    FAIL() << "no requester-pays header, yet accepted";
  } catch (const DownloadError& e) {
    EXPECT_NE(std::string(e.what()).find("AccessDenied"), std::string::npos) << e.what();
  }
}

TEST_F(S3ServerTest, SlowDownBacksOffThenSucceeds) {
  fault("slowdown", 2, "src/arXiv_src_0903_002.tar");
  auto c = client();
  EXPECT_EQ(c.get("src/arXiv_src_0903_002.tar"), "t2");
  EXPECT_EQ(log(), "503 /arxiv/src/arXiv_src_0903_002.tar -\n503 /arxiv/src/arXiv_src_0903_002.tar -\n"
                   "200 /arxiv/src/arXiv_src_0903_002.tar -\n");
}

TEST_F(S3ServerTest, DroppedConnectionResumesWithSignedRange) {
  fault("drop", 1, "src/arXiv_src_0903_001.tar");
  auto c = client();
  test::TempDir t;
  auto r = c.fetch("src/arXiv_src_0903_001.tar", t / "a.tar", {data_.size(), "", ""});
  EXPECT_TRUE(r.resumed);
  EXPECT_EQ(test::read_all(t / "a.tar"), data_);
  std::string l = log();
  EXPECT_EQ(l.rfind("200 /arxiv/src/arXiv_src_0903_001.tar -\n206 /arxiv/src/arXiv_src_0903_001.tar bytes=", 0), 0u) << l;
}

TEST_F(S3ServerTest, ListObjectsV2FollowsContinuationTokens) {
  auto c = client();
  auto all = c.list("src/", 2);
  std::vector<std::string> keys;
  for (const auto& o : all) keys.push_back(o.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"src/arXiv_src_0903_001.tar", "src/arXiv_src_0903_002.tar",
                                            "src/arXiv_src_0903_003.tar", "src/arXiv_src_0903_004.tar",
                                            "src/arXiv_src_0903_005.tar", "src/arXiv_src_manifest.xml"}));
  EXPECT_EQ(all[0].size, data_.size());
  std::string l = log();
  EXPECT_EQ(std::count(l.begin(), l.end(), '\n'), 3) << l;  // 6 keys, 2 per page
}

}  // namespace
}  // namespace rpdata::io
