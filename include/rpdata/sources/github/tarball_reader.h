// Reader format `github_tarball`: one repository as a GitHub-style tarball (codeload
// https://codeload.github.com/<owner>/<repo>/tar.gz/<ref>), read with libarchive without
// extracting anything to disk, turned into the rows the BigQuery export would hold
// (repo_name, id = git blob sha1, size, binary, ref, path, mode, license). The repository's
// license comes from its root LICENSE/COPYING file (license.h); a repository that is not
// MIT/BSD/Apache yields no documents, every file counted. Two streaming passes: the first
// finds the license file and enforces the bomb limits, the second yields files one at a time.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "rpdata/core/step.h"

namespace rpdata::sources::github {

struct TarballReaderOptions {
  std::string source;     // Document::source
  std::string id_prefix;  // ids are "<id_prefix>/<0-based member index>"
  std::string repo_name;  // meta.repo_name ("owner/repo")
  std::string ref;        // meta.ref
  int strip_components = 1;                  // codeload puts everything under "<repo>-<ref>/"
  uint64_t max_file_bytes = 1ull << 20;      // BigQuery keeps content only below 1 MiB
  uint64_t max_total_bytes = 8ull << 30;     // sum of member sizes; beyond: InputError (tar bomb)
  uint64_t max_members = 1000000;            // beyond: InputError
  double max_expansion_ratio = 1000;         // decoded/compressed, checked past expansion_check_bytes
  uint64_t expansion_check_bytes = 256ull << 20;
  bool require_license = true;               // false: keep files of unlicensed repos (license "")
  size_t batch_docs = 256;
};

// Splits a unit name made from a repository list entry "owner/repo@ref" ('/' stored as '~',
// extension .tar.gz/.tgz/.tar) into repo_name and ref; other names give (stem, "").
std::pair<std::string, std::string> repo_from_unit_name(const std::string& unit);

// Counted drops (read:...): unsafe_path (absolute or ".." member), not_regular_file
// (symlinks, hard links, devices), too_large, binary (NUL in the first 8000 bytes, git's
// rule), invalid_utf8, no_license (no root license file), license_not_permissive.
class TarballReader final : public Reader {
 public:
  TarballReader(const std::filesystem::path& path, TarballReaderOptions options);
  ~TarballReader() override;
  bool next(Batch& batch) override;
  uint64_t bytes_read() const override;
  uint64_t raw_bytes_read() const override;
  // The detected license key ("" if none), after the first pass (construction).
  const std::string& license() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rpdata::sources::github
