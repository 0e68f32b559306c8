// GzipWriter: a failed write names the cause (errno text), the file and the offset.
#include "rpdata/io/gzip_writer.h"

#include <signal.h>
#include <sys/resource.h>

#include <gtest/gtest.h>

#include "rpdata/core/error.h"
#include "rpdata/core/splitmix.h"
#include "test_support.h"

namespace rpdata::io {
namespace {

// A file size limit stands in for a full disk: write(2) fails with EFBIG instead of ENOSPC,
// through the same path.
TEST(GzipWriter, WriteFailureNamesErrnoPathAndOffset) {
  test::TempDir dir;
  struct sigaction ignore {}, old {};
  ignore.sa_handler = SIG_IGN;
  ASSERT_EQ(sigaction(SIGXFSZ, &ignore, &old), 0);
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  rlimit small = saved;
  small.rlim_cur = 64 << 10;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  std::string noise(1 << 20, '\0');
  SplitMix64 rng{7};
  for (auto& c : noise) c = static_cast<char>(rng.next());
  std::string message, path;
  std::optional<uint64_t> offset;
  try {
    GzipWriter w(dir / "out.json.gz", 1);
    for (int i = 0; i < 4; ++i) w.write(noise);
    w.close();
  } catch (const IoError& e) {
    message = e.message();
    path = e.path();
    offset = e.offset();
  }
  setrlimit(RLIMIT_FSIZE, &saved);
  sigaction(SIGXFSZ, &old, nullptr);
  ASSERT_FALSE(message.empty()) << "no error past the file size limit";
  EXPECT_NE(message.find("File too large"), std::string::npos) << message;
  EXPECT_NE(path.find("out.json.gz.tmp."), std::string::npos) << path;
  ASSERT_TRUE(offset.has_value());
  EXPECT_LE(*offset, 4u << 20);
  EXPECT_FALSE(std::filesystem::exists(dir / "out.json.gz"));
}

}  // namespace
}  // namespace rpdata::io
