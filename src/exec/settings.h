// Internal to exec: a recipe resolved into typed settings, read once up front so unknown
// keys and bad values fail before any work, and the digest of what shapes output bytes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rpdata/core/registry.h"
#include "rpdata/core/step.h"
#include "rpdata/exec/recipe.h"
#include "rpdata/io/json_writer.h"

namespace rpdata::exec {

struct Settings {
  // [download]
  std::string base_url;
  std::string pattern;
  int64_t count = 0, first = 0;
  // A named list of inputs instead of an index range (e.g. repositories "owner/repo@ref"):
  // `pattern` then builds the URL path from {entry}, {path} (before '@') and {ref} (after '@',
  // "HEAD" if absent); the unit name is the entry with '/' -> '~' plus `name_suffix`.
  std::vector<std::string> list;
  std::string name_suffix;
  std::string checksums;       // none | sha256sums | hf_lfs_pointer
  std::string checksums_file;  // for sha256sums, relative to base_url
  int max_attempts = 10;
  int per_host_connections = 4;
  double requests_per_s = 0;
  // [read]
  std::string format;
  bool truncate_on_error = false;  // on_error = "truncate": keep docs before a truncation
  ReaderFactory reader_factory;  // from the reader registry (format's own [read] keys)
  // [output]
  io::JsonStyle style = io::JsonStyle::kPython;
  io::RecordLayout layout = io::RecordLayout::kTextMeta;
  uint64_t max_shard_bytes = 0;
  int64_t frame_docs = 0;
  int zstd_level = 3;
  std::vector<std::string> tokenizers;  // counted as shards are written
  bool require_tokenizers = true;       // false: a missing model file only warns
};

Settings resolve_settings(const Recipe& r);
std::vector<std::unique_ptr<Step>> build_steps(const Recipe& r);
// sha256 over [read], [[steps]], [output] and the tokenizers actually counted.
std::string settings_digest(const Recipe& r, const std::vector<std::string>& tokenizers);

}  // namespace rpdata::exec
