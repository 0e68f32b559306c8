// `rpdata doctor`'s checks against real loopback servers: the fault server (plain files,
// /notfound/, /nohead/) and the S3 server (every Signature V4 verified by botocore). Each
// failure the doctor looks for is made to happen once: the first input missing (404) or its
// host down (connection refused), a server refusing HEAD, the checksum listing missing, the
// S3 listing and object refused to bad credentials, a missing model, too little disk, no
// sbatch on PATH; and the all-ok case. Nothing is downloaded: the server logs show only HEADs.
#include "rpdata/exec/doctor.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "rpdata/exec/recipe.h"
#include "rpdata/io/hash.h"
#include "servers/server_process.h"
#include "test_support.h"

namespace rpdata::exec {
namespace {
namespace fs = std::filesystem;

constexpr const char* kAccess = "AKIDDOCTORTEST";
constexpr const char* kSecret = "doctor/Secret+Key/0123456789";

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* v = std::getenv(name)) old_ = v;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// A loopback port nothing listens on (bound, then closed).
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

const Check* find(const RecipeReport& r, const std::string& name) {
  for (const auto& c : r.checks)
    if (c.name == name) return &c;
  return nullptr;
}

std::string dump(const RecipeReport& r) {
  std::string out;
  for (const auto& c : r.checks) out += c.name + ": " + std::to_string(static_cast<int>(c.level)) + " " + c.detail + "\n";
  return out;
}

#define EXPECT_CHECK(report, name, lvl, text)                                                       \
  do {                                                                                              \
    const Check* c_ = find(report, name);                                                           \
    ASSERT_NE(c_, nullptr) << "no check " << name << "\n" << dump(report);                          \
    EXPECT_EQ(c_->level, lvl) << name << "\n" << dump(report);                                      \
    EXPECT_NE(c_->detail.find(text), std::string::npos) << name << " lacks '" << text << "'\n" << dump(report); \
  } while (0)

class DoctorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new test::TempDir();
    fs::create_directories(root_->path() / "files");
    std::string sums;
    for (int i = 0; i < 3; ++i) {
      std::string name = "part-0" + std::to_string(i) + ".jsonl.gz";
      test::write_gz(root_->path() / "files" / name, "{\"text\": \"doc " + std::to_string(i) + "\"}\n");
      sums += io::sha256_hex(test::read_all(root_->path() / "files" / name)) + "  " + name + "\n";
    }
    test::write_all(root_->path() / "files/SHA256SUMS", sums);
    fs::create_directories(root_->path() / "models/gpt-neox-20b");
    test::write_all(root_->path() / "models/gpt-neox-20b/tokenizer.json", "{}");
    server_ = new test::FaultServer();
    std::string error;
    fs::path python = test::find_python3();
    ASSERT_FALSE(python.empty()) << "python3 is not on PATH: the loopback servers need it";
    ASSERT_TRUE(server_->start(python, test::source_dir() / "tests/servers/fault_server.py", {root_->path() / "files"},
                               &error))
        << error;
  }
  static void TearDownTestSuite() {
    delete server_;
    delete root_;
  }
  void SetUp() override { ASSERT_NE(server_, nullptr) << "the fault server did not start"; }

  // A recipe reading part-00..02.jsonl.gz from `base` with SHA256SUMS.
  static fs::path recipe(const std::string& base, const std::string& extra = "",
                         const std::string& plan = "raw_bytes = 3000.0\nmb_per_core_s = 1.0\noutput_ratio = 0.5\n",
                         const std::string& missing_models = "error") {
    static int n = 0;
    fs::path p = root_->path() / ("recipe" + std::to_string(n++) + ".toml");
    test::write_all(p, "source = \"c4\"\ndescription = \"doctor test\"\nmissing_models = \"" + missing_models +
                           "\"\n[download]\nbase_url = \"" + base +
                           "\"\npattern = \"part-{index:02}.jsonl.gz\"\ncount = 3\nchecksums = \"sha256sums\"\n" + extra +
                           "\n[read]\nformat = \"jsonl\"\n[output]\ntokenizers = [\"neox\"]\n[plan]\n" + plan);
    return p;
  }
  static DoctorOptions options() {
    DoctorOptions o;
    o.out = root_->path() / "run/out";  // does not exist: its nearest ancestor is measured
    o.max_attempts = 2;
    o.fetch.backoff_initial_s = 0.01;
    o.fetch.backoff_max_s = 0.02;
    o.fetch.connect_timeout_s = 5;
    return o;
  }
  static std::string requests(const std::string& path) {
    io::FetchOptions fo;
    fo.progress = false;
    return io::Fetcher(fo).get(server_->base() + "/stats?path=" + path);
  }
  static void reset() {
    io::FetchOptions fo;
    fo.progress = false;
    io::Fetcher(fo).get(server_->base() + "/reset");
  }

  static inline test::TempDir* root_ = nullptr;
  static inline test::FaultServer* server_ = nullptr;
  ScopedEnv models_{"RPDATA_MODELS", (root_->path() / "models").string()};
};

TEST_F(DoctorTest, AllOkAsksForTheFirstInputWithOneHead) {
  reset();
  std::vector<std::string> seen;
  RecipeReport r = doctor_recipe(recipe(server_->base() + "/ok").string(), options(),
                                 [&](const Check& c) { seen.push_back(c.name); });
  EXPECT_FALSE(r.blocked()) << dump(r);
  EXPECT_CHECK(r, "recipe", CheckLevel::kOk, "source c4");
  EXPECT_CHECK(r, "plan", CheckLevel::kOk, "3 input(s), first part-00.jsonl.gz");
  EXPECT_CHECK(r, "first input", CheckLevel::kOk, "HTTP 200");
  EXPECT_CHECK(r, "first input", CheckLevel::kOk, "(HEAD " + server_->base() + "/ok/part-00.jsonl.gz)");
  EXPECT_CHECK(r, "checksums", CheckLevel::kOk, "sha256sums: sha256 ");
  EXPECT_CHECK(r, "credentials", CheckLevel::kSkip, "not signed");
  EXPECT_CHECK(r, "models", CheckLevel::kOk, "1 model file(s) found: tokenizer.json");
  EXPECT_CHECK(r, "disk", CheckLevel::kOk, "needs 4.5 KB (raw 3.0 KB + output 1.5 KB");
  EXPECT_EQ(seen.size(), r.checks.size());  // each check was handed over as it finished
  EXPECT_EQ(requests("/ok/part-00.jsonl.gz"), "200 -\n");  // one HEAD, no body
  EXPECT_EQ(requests("/ok/part-01.jsonl.gz"), "");
  EXPECT_EQ(requests("/ok/SHA256SUMS"), "200 -\n");
  EXPECT_FALSE(fs::exists(root_->path() / "run")) << "the doctor wrote under --out";
}

TEST_F(DoctorTest, FirstInputNotFound) {
  RecipeReport r = doctor_recipe(recipe(server_->base() + "/notfound").string(), options());
  EXPECT_TRUE(r.blocked());
  EXPECT_CHECK(r, "plan", CheckLevel::kOk, "3 input(s)");
  EXPECT_CHECK(r, "first input", CheckLevel::kBlocker, "part-00.jsonl.gz: HTTP 404");
  EXPECT_CHECK(r, "checksums", CheckLevel::kBlocker, "SHA256SUMS");
}

TEST_F(DoctorTest, FirstInputHostRefusesConnections) {
  RecipeReport r = doctor_recipe(recipe("http://127.0.0.1:" + std::to_string(closed_port())).string(), options());
  EXPECT_TRUE(r.blocked());
  EXPECT_CHECK(r, "first input", CheckLevel::kBlocker, "gave up after 2 attempts");
  EXPECT_CHECK(r, "first input", CheckLevel::kBlocker, "curl error 7");
}

TEST_F(DoctorTest, HeadRefusedFallsBackToOneByteRange) {
  reset();
  RecipeReport r = doctor_recipe(recipe(server_->base() + "/nohead").string(), options());
  uint64_t size = fs::file_size(root_->path() / "files/part-00.jsonl.gz");
  EXPECT_CHECK(r, "first input", CheckLevel::kOk, "HTTP 206, " + std::to_string(size) + " B (GET bytes=0-0 ");
  EXPECT_EQ(requests("/nohead/part-00.jsonl.gz"), "405 -\n206 bytes=0-0\n");
}

TEST_F(DoctorTest, ChecksumListingMissing) {
  RecipeReport r = doctor_recipe(recipe(server_->base() + "/ok", "checksums_file = \"NO_SUCH_SUMS\"").string(), options());
  EXPECT_TRUE(r.blocked());
  EXPECT_CHECK(r, "first input", CheckLevel::kOk, "HTTP 200");
  EXPECT_CHECK(r, "checksums", CheckLevel::kBlocker, "sha256sums: ");
  EXPECT_CHECK(r, "checksums", CheckLevel::kBlocker, "NO_SUCH_SUMS");
  EXPECT_CHECK(r, "checksums", CheckLevel::kBlocker, "HTTP 404");
}

TEST_F(DoctorTest, MissingModelBlocksUnlessTheRecipeSkipsIt) {
  ScopedEnv none("RPDATA_MODELS", (root_->path() / "no-models").string());
  ScopedEnv home("HOME", (root_->path() / "no-home").string());
  ScopedEnv xdg("XDG_CACHE_HOME", (root_->path() / "no-cache").string());
  fs::path p = recipe(server_->base() + "/ok");
  RecipeReport r = doctor_recipe(p.string(), options());
  EXPECT_TRUE(r.blocked());
  EXPECT_CHECK(r, "models", CheckLevel::kBlocker, "missing gpt-neox-20b/tokenizer.json ([output] tokenizers)");
  EXPECT_CHECK(r, "models", CheckLevel::kBlocker, "`rpdata models download --recipe " + p.string() + "`");
  RecipeReport s = doctor_recipe(recipe(server_->base() + "/ok", "", "raw_bytes = 3000.0\nmb_per_core_s = 1.0\n", "skip").string(),
                                 options());
  EXPECT_FALSE(s.blocked()) << dump(s);
  EXPECT_CHECK(s, "models", CheckLevel::kWarn, "missing_models = \"skip\"");
}

TEST_F(DoctorTest, TooLittleDiskForThePlan) {
  RecipeReport r = doctor_recipe(recipe(server_->base() + "/ok", "", "raw_bytes = 1.0e18\nmb_per_core_s = 1.0\n").string(),
                                 options());
  EXPECT_TRUE(r.blocked());
  FreeSpace free = free_space(root_->path() / "run/out");
  EXPECT_EQ(free.dir, root_->path());
  EXPECT_CHECK(r, "disk", CheckLevel::kBlocker, "needs 1.0 EB (raw 1.0 EB + output unknown");
  EXPECT_CHECK(r, "disk", CheckLevel::kBlocker, "only ");
  EXPECT_CHECK(r, "disk", CheckLevel::kBlocker, " free under " + root_->path().string());
  EXPECT_EQ(r.disk_need_bytes, 1.0e18);
  DoctorOptions o = options();
  o.limit = 1;  // one input of three: a third of the estimate
  RecipeReport l = doctor_recipe(recipe(server_->base() + "/ok").string(), o);
  EXPECT_CHECK(l, "disk", CheckLevel::kOk, "needs 1.5 KB (");
  EXPECT_CHECK(l, "disk", CheckLevel::kOk, "scaled to --limit 1 of 3 inputs");
  EXPECT_CHECK(l, "plan", CheckLevel::kOk, "--limit 1 runs the first 1");
}

TEST_F(DoctorTest, InvalidRecipeStopsAtTheFirstCheck) {
  fs::path p = root_->path() / "bad.toml";
  test::write_all(p, "source = \"c4\"\n[download]\nbase_url = \"x\"\npattern = \"p{index}\"\ncount = 1\nno_such_key = 1\n[read]\nformat = \"jsonl\"\n");
  RecipeReport r = doctor_recipe(p.string(), options());
  ASSERT_EQ(r.checks.size(), 1u) << dump(r);
  EXPECT_CHECK(r, "recipe", CheckLevel::kBlocker, "no_such_key");
}

// The arXiv recipe against s3_server.py (under the first python3 with botocore), which holds
// one bulk tar, a file the recipe's name filters leave out, and the bucket's manifest.
class DoctorS3Test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new test::TempDir();
    fs::create_directories(root_->path() / "arxiv/src");
    std::string tar(4096, 't');
    test::write_all(root_->path() / "arxiv/src/arXiv_src_2303_001.tar", tar);
    test::write_all(root_->path() / "arxiv/src/README.txt", "not a source tar\n");
    test::write_all(root_->path() / "arxiv/src/arXiv_src_manifest.xml",
                    "<arXivSRC><file><filename>src/arXiv_src_2303_001.tar</filename><md5sum>" + io::md5_hex(tar) +
                        "</md5sum><size>4096</size></file></arXivSRC>\n");
    server_ = new test::FaultServer();
    std::vector<std::string> pythons{"/usr/bin/python3", "python3"};
    if (const char* p = std::getenv("RPDATA_PYTHON3"); p && *p) pythons.insert(pythons.begin(), p);
    std::string error;
    for (const auto& py : pythons)
      if (server_->start(py, test::source_dir() / "tests/servers/s3_server.py", {root_->path()}, &error,
                         {kAccess, kSecret}, 20))
        return;
    delete server_;
    server_ = nullptr;
  }
  static void TearDownTestSuite() {
    delete server_;
    delete root_;
  }
  void SetUp() override {
    ASSERT_NE(server_, nullptr) << "s3_server.py did not start: it needs a python3 with botocore "
                                   "(apt-get install python3-botocore)";
    io::FetchOptions fo;
    fo.progress = false;
    io::Fetcher(fo).get(server_->base() + "/_ctl/reset");
  }
  // The built-in arXiv recipe with the loopback endpoint.
  static std::string recipe() {
    std::string text = builtin_recipe_text("arxiv");
    const std::string line = "s3 = \"s3://arxiv/src/\"\n";
    size_t at = text.find(line);
    EXPECT_NE(at, std::string::npos);
    text.insert(at + line.size(), "endpoint = \"" + server_->base() + "\"\n");
    fs::path p = root_->path() / "arxiv.toml";
    test::write_all(p, text);
    return p.string();
  }
  static DoctorOptions options() {
    DoctorOptions o;
    o.out = root_->path() / "out";
    o.max_attempts = 2;
    o.fetch.backoff_initial_s = 0.01;
    o.fetch.backoff_max_s = 0.02;
    return o;
  }

  static inline test::TempDir* root_ = nullptr;
  static inline test::FaultServer* server_ = nullptr;
  ScopedEnv key_{"AWS_ACCESS_KEY_ID", kAccess};
  ScopedEnv secret_{"AWS_SECRET_ACCESS_KEY", kSecret};
  ScopedEnv token_{"AWS_SESSION_TOKEN", ""};
};

TEST_F(DoctorS3Test, SignedHeadAccepted) {
  RecipeReport r = doctor_recipe(recipe(), options());
  EXPECT_CHECK(r, "plan", CheckLevel::kOk, "1 input(s), first arXiv_src_2303_001.tar");
  EXPECT_CHECK(r, "first input", CheckLevel::kOk, "arXiv_src_2303_001.tar: HTTP 200, 4.1 KB (HEAD ");
  EXPECT_CHECK(r, "credentials", CheckLevel::kOk,
               "signed HEAD of arXiv_src_2303_001.tar accepted; AWS credentials from "
               "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (access key AKID...)");
  EXPECT_CHECK(r, "checksums", CheckLevel::kOk, "s3_manifest: md5 ");
  EXPECT_CHECK(r, "checksums", CheckLevel::kOk, "size 4.1 KB for arXiv_src_2303_001.tar");
  io::FetchOptions fo;
  fo.progress = false;
  std::string log = io::Fetcher(fo).get(server_->base() + "/_ctl/log");
  EXPECT_EQ(log.find("200 /arxiv/src/arXiv_src_2303_001.tar"), log.rfind("200 /arxiv/src/arXiv_src_2303_001.tar"))
      << "the tar was asked for more than once:\n" << log;
}

TEST_F(DoctorS3Test, WrongSecretRefusesTheListing) {
  ScopedEnv wrong("AWS_SECRET_ACCESS_KEY", "wrong");
  RecipeReport r = doctor_recipe(recipe(), options());
  EXPECT_TRUE(r.blocked());
  EXPECT_CHECK(r, "plan", CheckLevel::kBlocker, "HTTP 403 SignatureDoesNotMatch");
  EXPECT_CHECK(r, "credentials", CheckLevel::kBlocker,
               "the signed listing was refused (HTTP 403) with AWS credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY");
}

TEST_F(DoctorS3Test, ObjectRefusedToTheCredentials) {
  io::FetchOptions fo;
  fo.progress = false;
  io::Fetcher(fo).get(server_->base() + "/_ctl/fault?kind=deny&n=5&key=src/arXiv_src_2303_001.tar");
  RecipeReport r = doctor_recipe(recipe(), options());
  EXPECT_TRUE(r.blocked());
  EXPECT_CHECK(r, "plan", CheckLevel::kOk, "1 input(s)");
  EXPECT_CHECK(r, "first input", CheckLevel::kBlocker, "arXiv_src_2303_001.tar: HTTP 403");
  EXPECT_CHECK(r, "credentials", CheckLevel::kBlocker, "signed HEAD of arXiv_src_2303_001.tar refused: HTTP 403");
  EXPECT_CHECK(r, "credentials", CheckLevel::kBlocker, "AWS credentials from AWS_ACCESS_KEY_ID");
}

TEST_F(DoctorS3Test, NoCredentialsAtAll) {
  ScopedEnv key("AWS_ACCESS_KEY_ID", "");
  ScopedEnv secret("AWS_SECRET_ACCESS_KEY", "");
  ScopedEnv file("AWS_SHARED_CREDENTIALS_FILE", (root_->path() / "no-credentials").string());
  RecipeReport r = doctor_recipe(recipe(), options());
  EXPECT_CHECK(r, "credentials", CheckLevel::kBlocker, "no AWS credentials");
  EXPECT_CHECK(r, "plan", CheckLevel::kBlocker, "not planned");
}

TEST_F(DoctorS3Test, ManifestMissing) {
  fs::path manifest = root_->path() / "arxiv/src/arXiv_src_manifest.xml";
  fs::rename(manifest, root_->path() / "manifest.xml");
  RecipeReport r = doctor_recipe(recipe(), options());
  fs::rename(root_->path() / "manifest.xml", manifest);
  EXPECT_CHECK(r, "plan", CheckLevel::kBlocker, "HTTP 404 NoSuchKey");
  EXPECT_EQ(find(r, "credentials"), nullptr) << "a missing object is not the credentials' fault\n" << dump(r);
}

TEST(DoctorSlurm, SbatchMissingFromPathIsABlocker) {
  test::TempDir t;
  fs::create_directories(t / "empty");
  {
    ScopedEnv path("PATH", (t / "empty").string());
    Check c = check_slurm();
    EXPECT_EQ(c.level, CheckLevel::kBlocker);
    EXPECT_NE(c.detail.find("sbatch not found on PATH (" + (t / "empty").string() + ")"), std::string::npos) << c.detail;
  }
  // A client whose sinfo answers, and one whose cluster is down (stand-in scripts).
  fs::create_directories(t / "up");
  fs::create_directories(t / "down");
  for (const char* d : {"up", "down"}) test::write_all(t / d / "sbatch", "#!/bin/sh\necho 1\n");
  test::write_all(t / "up/sinfo", "#!/bin/sh\necho 'debug* up'\n");
  test::write_all(t / "down/sinfo", "#!/bin/sh\necho 'slurm_load_partitions: Unable to contact slurm controller'\nexit 1\n");
  for (const char* f : {"up/sbatch", "up/sinfo", "down/sbatch", "down/sinfo"})
    fs::permissions(t / f, fs::perms::owner_all);
  {
    ScopedEnv path("PATH", (t / "up").string());
    Check c = check_slurm();
    EXPECT_EQ(c.level, CheckLevel::kOk) << c.detail;
    EXPECT_NE(c.detail.find("partitions: debug* up"), std::string::npos) << c.detail;
  }
  {
    ScopedEnv path("PATH", (t / "down").string());
    Check c = check_slurm();
    EXPECT_EQ(c.level, CheckLevel::kBlocker) << c.detail;
    EXPECT_NE(c.detail.find("sinfo failed (exit 1): slurm_load_partitions"), std::string::npos) << c.detail;
  }
}

}  // namespace
}  // namespace rpdata::exec
