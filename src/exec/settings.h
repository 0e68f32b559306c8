// Internal to exec: a recipe resolved into typed settings, read once up front so unknown
// keys and bad values fail before any work, and the digest of what shapes output bytes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rpdata/core/registry.h"
#include "rpdata/core/step.h"
#include "rpdata/download/checksums.h"
#include "rpdata/download/planner.h"
#include "rpdata/download/selector.h"
#include "rpdata/exec/recipe.h"
#include "rpdata/io/json_writer.h"

namespace rpdata::exec {

struct Settings {
  // [download]: the input shape, how downloads are verified, an optional selection from the
  // data, and the politeness of the fetcher.
  std::string base_url;
  std::shared_ptr<const download::InputPlanner> planner;    // null: the inputs come from --input
  std::shared_ptr<const download::Checksums> checksums;     // never null ("none")
  std::shared_ptr<const download::InputSelector> selector;  // null: every planned input
  int max_attempts = 10;
  int per_host_connections = 4;
  double requests_per_s = 0;
  // --input files and directories as units of files_per_unit files (0: one unit per file),
  // each led by the file named like `metadata`.
  int64_t files_per_unit = 0;
  std::string metadata;
  // [read]
  std::string format;
  bool truncate_on_error = false;  // on_error = "truncate": keep docs before a truncation
  ReaderFactory reader_factory;
  // Cuts a large input into byte-range units (null: every input is one unit, or its files').
  std::shared_ptr<const UnitSplitter> splitter;
  std::vector<std::string> name_suffixes;  // the reader's, for output names (unit_stem)  // from the reader registry (format's own [read] keys)
  // [output]
  io::JsonStyle style = io::JsonStyle::kPython;
  io::RecordLayout layout = io::RecordLayout::kTextMeta;
  uint64_t max_shard_bytes = 0;
  int64_t frame_docs = 0;
  int zstd_level = 3;
  std::vector<std::string> tokenizers;  // counted as shards are written
  // Where the recipe's models are found and what a missing one does (missing_models).
  std::shared_ptr<const ModelLookup> models;
};

// `check_model_files` false: validation only, missing model files are not looked for.
Settings resolve_settings(const Recipe& r, bool check_model_files = true);
// With the given model lookup (the recipe's missing_models is not consulted).
Settings resolve_settings(const Recipe& r, std::shared_ptr<const ModelLookup> models);
std::vector<std::unique_ptr<Step>> build_steps(const Recipe& r, const ModelLookup& models);
// sha256 over [read], [[steps]], [output] and the tokenizers actually counted.
std::string settings_digest(const Recipe& r, const std::vector<std::string>& tokenizers);

}  // namespace rpdata::exec
