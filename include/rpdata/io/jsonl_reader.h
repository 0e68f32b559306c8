// JSONL (plain, .gz, .bz2, .xz, .zst) -> Documents, parsed in place with simdjson On Demand.
// The `text_field` becomes Document::text; other scalar top-level fields go to meta in file
// order, and the scalars of a nested "meta" object too (RedPajama's own layout). Bad records are counted drops, never exceptions: invalid_utf8 (simdjson validates
// the whole line), invalid_json, missing_text, line_too_long, empty_line.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "rpdata/core/step.h"
#include "rpdata/io/line_reader.h"

namespace rpdata::io {

struct JsonlReaderOptions {
  std::string text_field = "text";
  std::string source;              // Document::source
  std::string id_prefix;           // ids are "<id_prefix>/<0-based line index>"
  uint64_t max_line_bytes = 64ull << 20;
  size_t batch_docs = 1024;
  // rpdata's intermediate records: "_id" and "_route" restore Document::id and ::route.
  bool envelope = false;
};

class JsonlReader final : public Reader {
 public:
  JsonlReader(const std::filesystem::path& path, JsonlReaderOptions options);
  ~JsonlReader() override;
  bool next(Batch& batch) override;
  uint64_t bytes_read() const override;
  // Decompressed bytes consumed.
  uint64_t raw_bytes_read() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rpdata::io
