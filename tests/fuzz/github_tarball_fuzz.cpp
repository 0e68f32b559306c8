// Fuzz target: the `github_tarball` reader (sources/github/tarball_reader.cpp: libarchive
// over a codeload tar.gz, the license pass and the file pass) on a file of arbitrary bytes.
// require_license is off so the file pass runs whatever the license detection decides; the
// license pass runs all the same.
#include "fuzz_support.h"
#include "rpdata/sources/github/tarball_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace gh = rpdata::sources::github;
  rpdata::fuzz::TempInput input(data, size, "owner~repo@main.tar.gz");
  gh::TarballReaderOptions options;
  options.source = "github";
  options.id_prefix = "owner~repo@main";
  std::tie(options.repo_name, options.ref) = gh::repo_from_unit_name(options.id_prefix + ".tar.gz");
  options.max_total_bytes = 64 << 20;
  options.max_members = 10000;
  options.expansion_check_bytes = 1 << 20;
  options.require_license = false;
  options.batch_docs = 16;
  try {
    gh::TarballReader reader(input.path(), options);
    rpdata::fuzz::drain(reader);
  } catch (const rpdata::Error&) {
  }
  return 0;
}
