// `rpdata tokenize`: a finished run's shards -> the indexed datasets GPT-NeoX and Megatron-LM
// train from (io/indexed_dataset.h), one end-of-document id after each document, as
// GPT-NeoX's tools/datasets/preprocess_data.py --append-eod writes them.
//
// Per source, consecutive run shards (manifest order) are grouped into output shards of at
// most `shard_bytes` JSONL bytes (at least one run shard each); the groups depend only on the
// run's manifest, so the output is the same whatever the thread or task count. Layout:
//   OUT/<source>/<source>-NNNNN_text_document.{bin,idx}   one output shard (a data prefix)
//   OUT/<source>/manifest.json    per shard docs, tokens (with and without EOD), sha256; totals
//   OUT/manifest.json             every finished source's totals and the settings
//   OUT/_work/<source>/plan.json  the groups and the settings; a rerun must match it
//   OUT/_work/<source>/done/NNNNN.json   a finished output shard (written after its rename)
// Each input shard is checked against the run's sha256 before it is read; a finished source's
// token total must equal the run's count for the tokenizer plus one EOD per document.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "rpdata/exec/task_plan.h"

namespace rpdata::exec {

struct TokenizeOptions {
  std::filesystem::path run_dir;  // a run directory (`rpdata run --out`)
  std::filesystem::path out;
  std::string tokenizer = "neox";
  std::filesystem::path model_file;  // empty: looked up as for token counting
  std::vector<std::string> sources;  // run folders; empty: every source of the run
  int threads = 1;                   // output shards made in parallel
  TaskSpec task;                     // output shard i is task i % world_size's
  bool allow_partial = false;        // take the finished inputs of an unfinished source
  uint64_t shard_bytes = 1ull << 30; // JSONL bytes per output shard, at most (one run shard at least)
  std::optional<int32_t> eod_id;     // default: the tokenizer's (tokenize::TokenizerModel::eod_id)
};

struct TokenizeSummary {
  int64_t shards = 0;          // output shards of the selected sources
  int64_t shards_done = 0;     // made by this call
  int64_t shards_skipped = 0;  // already finished
  int64_t failed = 0;          // failed in this call (their reasons were logged)
  std::vector<std::string> finished_sources;  // whose manifest this call wrote
};

// Tokenizes this task's output shards. ConfigError (exit 2) before any work for an unknown
// source, an unfinished source without allow_partial, an OUT that holds other inputs or
// settings, a missing tokenizer; a failed output shard is logged and counted, the others go on.
TokenizeSummary tokenize_run(const TokenizeOptions& options,
                             const std::function<void(int64_t done, int64_t total)>& on_shard = {});

}  // namespace rpdata::exec
