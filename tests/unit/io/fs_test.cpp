// Crash-safe output helpers: temporaries left by a killed writer are removed by a rerun.
#include "rpdata/io/fs.h"

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "test_support.h"

namespace rpdata::io {
namespace {
namespace fs = std::filesystem;

// A pid that belonged to a process and no longer does (forked, exited, reaped).
pid_t dead_pid() {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return pid;
}

// `rpdata sample` killed with -9 while writing OUT/_mirror left ".<name>.tmp.<pid>.<n>" files
// that no rerun removed.
TEST(Fs, TempSiblingsOfAKilledWriterAreRemovedAndOthersKept) {
  test::TempDir dir;
  pid_t gone = dead_pid();
  fs::path mirror = dir / "_mirror" / "c4";
  fs::path stale = mirror / (".c4-train.00000-of-01024.json.gz.tmp." + std::to_string(gone) + ".0");
  fs::path stale_nested = mirror / "sub" / (".SHA256SUMS.tmp." + std::to_string(gone) + ".7");
  fs::path live = temp_sibling(mirror / "x.json.gz");  // this process's own
  fs::path unrelated[] = {mirror / "c4-train.00000-of-01024.json.gz", mirror / "notes.tmp.1.2",
                          mirror / (".x.tmp." + std::to_string(gone)), mirror / ".x.tmp.abc.1"};
  for (const auto& p : {stale, stale_nested, live}) test::write_all(p, "partial");
  for (const auto& p : unrelated) test::write_all(p, "keep");
  EXPECT_EQ(remove_stale_temp_siblings(mirror), 2u);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_FALSE(fs::exists(stale_nested));
  EXPECT_TRUE(fs::exists(live));
  for (const auto& p : unrelated) EXPECT_TRUE(fs::exists(p)) << p;
  EXPECT_EQ(remove_stale_temp_siblings(dir / "missing"), 0u);
}

}  // namespace
}  // namespace rpdata::io
