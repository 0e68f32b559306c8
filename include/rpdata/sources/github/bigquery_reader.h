// Reader format `github_bigquery`: the BigQuery `github_repos` export RedPajama used
// (newline-delimited JSON, gzip; one row of contents ⋈ files ⋈ licenses ⋈ languages per
// line). `content` becomes Document::text; every other column goes to meta in file order,
// nested values (`language`: [{name, bytes}]) and nulls as JSON re-encoded in Python's
// json.dumps layout, exactly as json.loads + json.dumps would carry them.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "rpdata/core/step.h"

namespace rpdata::sources::github {

struct BigQueryReaderOptions {
  std::string source;     // Document::source
  std::string id_prefix;  // ids are "<id_prefix>/<0-based line index>"
  // Rows longer than this are counted drops (read:line_too_long) and never buffered. BigQuery
  // keeps content only for files < 1 MiB, so even fully \u-escaped rows fit in 16 MiB.
  uint64_t max_line_bytes = 16ull << 20;
  // Gzip-bomb guard: once more than `expansion_check_bytes` are decoded, a decoded/compressed
  // ratio above this throws InputError (0 = off). Code JSON compresses ~4-10x.
  double max_expansion_ratio = 200;
  uint64_t expansion_check_bytes = 256ull << 20;
  size_t batch_docs = 1024;
};

// Counted drops: read:invalid_utf8, read:invalid_json, read:missing_content,
// read:null_content, read:line_too_long, read:empty_line.
class BigQueryReader final : public Reader {
 public:
  BigQueryReader(const std::filesystem::path& path, BigQueryReaderOptions options);
  ~BigQueryReader() override;
  bool next(Batch& batch) override;
  uint64_t bytes_read() const override;
  uint64_t raw_bytes_read() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rpdata::sources::github
