// `rpdata count`: documents, bytes and tokens of JSONL(.gz/.zst) files, or of whole text
// files (one document each), with any tokenizer, in parallel. One reader per file feeds
// batches to N counting threads, so a single big file scales with --threads too.
// Invalid UTF-8: a JSONL record whose line is not valid UTF-8 is dropped and counted
// (Python's json.loads over a strictly decoded file would have refused the whole file);
// a whole file that is not valid UTF-8 is skipped and counted with the offset of the first
// bad byte.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "rpdata/core/document.h"

namespace rpdata::exec {

struct CountOptions {
  std::string tokenizer = "neox";
  std::filesystem::path model_file;  // empty: look it up (models.h)
  std::string field = "text";
  int threads = 1;
  bool whole_file = false;
};

struct FileCount {
  std::string path;
  int64_t docs = 0;
  int64_t bytes = 0;   // UTF-8 bytes of the counted texts
  int64_t tokens = 0;
  DropCounts drops;
  std::string error;   // set when the file could not be read (others still count)
};

struct CountResult {
  std::string tokenizer;
  std::vector<FileCount> files;
  FileCount total;
};

// `on_progress(bytes_read, total_bytes)` is called from the reading thread now and then.
CountResult count_files(const std::vector<std::filesystem::path>& files, const CountOptions& options,
                        const std::function<void(uint64_t, uint64_t)>& on_progress = {});

std::string count_result_to_json(const CountResult& r);

}  // namespace rpdata::exec
