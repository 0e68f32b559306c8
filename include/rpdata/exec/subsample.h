// `rpdata subsample`: a RedPajama-Data-1T-Sample-style subset of a finished run (the layout of
// huggingface.co/datasets/togethercomputer/RedPajama-Data-1T-Sample@776f0cf: one JSONL per
// slice, "<slice>_sample.jsonl", CommonCrawl one per dump), each record kept or not by a hash
// of where it sits in the run, so the choice never depends on threads or read order. One
// streaming pass; every shard's sha256 is checked while it is read.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace rpdata::exec {

struct SubsampleOptions {
  std::filesystem::path run_dir;
  std::filesystem::path out_dir;
  double fraction = 0;               // in (0, 1]
  uint64_t seed = 0;
  std::vector<std::string> sources;  // run sources to take (empty: every one in the run)
  int threads = 1;
  bool allow_partial = false;        // take sources whose run is unfinished (what is done)
  std::filesystem::path tokenizer_model;  // GPT-NeoX's tokenizer.json; empty: looked up
};

struct SubsampleFile {
  std::string name;                  // "c4_sample.jsonl"
  std::vector<std::string> sources;  // the run sources it holds records of
  int64_t docs = 0;                  // records kept
  int64_t docs_read = 0;             // records of the shards it was drawn from
  uint64_t bytes = 0;
  std::string sha256;
  std::map<std::string, int64_t> tokens;  // {"neox": N}; empty when the model is absent
};

struct SubsampleResult {
  std::vector<SubsampleFile> files;           // sorted by name
  std::vector<std::string> sources;           // the run sources taken
  std::vector<std::string> partial_sources;   // of those, unfinished (--allow-partial)
  std::string tokenizer;                      // the model file counted with, or
  std::string no_tokens_reason;               // why nothing was counted
};

// The selection: record `line` (0-based) of shard `shard` (its path relative to the source
// dir) of run source `source` is kept iff document_hash(shard_key(seed, source, shard), line)
// < fraction * 2^64. shard_key is the first 8 bytes (big-endian) of
// sha256("<seed>\n<source>\n<shard>"); document_hash is output line+1 of splitmix64 seeded
// with it (core/splitmix.h).
uint64_t shard_key(uint64_t seed, std::string_view source, std::string_view shard);
uint64_t document_hash(uint64_t shard_key, uint64_t line);
// True when a record of this hash is kept; fraction 1 keeps all, 0 none.
bool keep_document(uint64_t hash, double fraction);

// Writes the files and out_dir/manifest.json (subsample_manifest_json); nothing under a final
// name until every shard has been read and verified, and nothing of it left on failure.
// ConfigError (exit 2) for an unfinished source without allow_partial, naming each, or an
// unknown --sources name; VerifyError for a shard whose size, sha256 or record count is not
// its manifest's.
SubsampleResult subsample(const SubsampleOptions& options);

std::string subsample_manifest_json(const SubsampleOptions& options, const SubsampleResult& result);

}  // namespace rpdata::exec
