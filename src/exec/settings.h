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
  // Non-empty: one input per language, `pattern` (and `checksums_file`) with "{language}"
  // instead of {index} (e.g. Wikipedia's per-language dump folders); count/first unused.
  std::vector<std::string> languages;
  std::string checksums;       // none | sha256sums | md5sums | hf_lfs_pointer
  // sha256sums: relative to base_url. md5sums: next to each input (its URL's folder), may
  // contain "{language}" (Wikimedia's <lang>wiki-<date>-md5sums.txt).
  std::string checksums_file;
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
