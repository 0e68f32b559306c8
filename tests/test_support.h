// Shared test helpers: temp dirs, the realdata location (skip loudly when absent), files.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <map>
#include <vector>

#include "rpdata/core/params.h"
#include "rpdata/exec/runner.h"

namespace rpdata::test {

// A fresh directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// ../shared/realdata relative to the source tree, or $RPDATA_REALDATA. Empty if absent.
std::filesystem::path realdata_dir();

// True when RPDATA_REQUIRE_REALDATA=1 (CI sets it): a missing ../shared is then a failure.
bool realdata_required();

// GTEST_SKIP()s with a message naming the missing directory when realdata is absent, or
// fails when realdata_required().
#define RPDATA_REQUIRE_REALDATA(var)                                                                \
  auto var = ::rpdata::test::realdata_dir();                                                        \
  if (var.empty()) {                                                                                \
    if (::rpdata::test::realdata_required())                                                        \
      GTEST_FAIL() << "../shared/realdata not found and RPDATA_REQUIRE_REALDATA=1 (set RPDATA_REALDATA)"; \
    GTEST_SKIP() << "SKIPPED: ../shared/realdata not found (set RPDATA_REALDATA to point at it)";   \
  }                                                                                                 \
  static_assert(true)

// ../shared/findings relative to the source tree, or $RPDATA_FINDINGS: inputs that once broke
// rpdata (read in place, never copied into the repo). Empty if absent.
std::filesystem::path findings_dir();

// A findings input: GTEST_SKIP()s naming the missing file when it is absent, or fails the
// test instead when realdata_required().
#define RPDATA_REQUIRE_FINDING(var, name)                                                      \
  auto var = ::rpdata::test::findings_dir() / (name);                                         \
  if (::rpdata::test::findings_dir().empty() || !std::filesystem::exists(var)) {              \
    if (::rpdata::test::realdata_required())                                               \
      GTEST_FAIL() << "../shared/findings/" << (name)                                         \
                   << " not found and RPDATA_REQUIRE_REALDATA=1 (set RPDATA_FINDINGS)";       \
    GTEST_SKIP() << "SKIPPED: ../shared/findings/" << (name)                                  \
                 << " not found (set RPDATA_FINDINGS to point at the folder)";                \
  }

std::filesystem::path source_dir();
// A [[steps]] table of a registered step type, its keys declared (as the registry declares
// them), for tests that build the step's class directly.
Params step_params(const std::string& type);
// What a run published under `dir` (relative path -> bytes), its _work/ left out.
std::map<std::string, std::string> published_files(const std::filesystem::path& dir);
// RunOptions of task `rank` of `world` running `stage` ("" for all) on local `inputs` into
// `out`, without progress output.
exec::RunOptions local_run(const std::filesystem::path& out, const std::vector<std::filesystem::path>& inputs,
                           int rank, int world, const std::string& stage);
std::string read_all(const std::filesystem::path& p);
void write_all(const std::filesystem::path& p, const std::string& data);
// Decompresses a .zst file (all frames).
std::string read_zst(const std::filesystem::path& p);
void write_gz(const std::filesystem::path& p, const std::string& data);

}  // namespace rpdata::test
