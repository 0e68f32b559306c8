// C4 (175B tokens of RedPajama-Data-1T): allenai/c4 `en` train shards reformatted as
// RedPajama's data_prep/c4/c4_reformat.py did: {"text", "meta": {"timestamp", "url",
// "language": "en", "source": "c4"}}, no filtering or dedup. One output per input file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "rpdata/core/params.h"
#include "rpdata/core/step.h"

namespace rpdata::sources::c4 {

// Builds C4's RedPajama meta from the reader's fields. Drops "missing_field" when the input
// record lacks timestamp or url (c4_reformat.py would have raised KeyError).
class C4FormatStep final : public Filter {
 public:
  // meta language and source, the same for every record ("en", "c4").
  C4FormatStep(std::string language, std::string source);
  std::string_view name() const override { return "c4_format"; }

 protected:
  bool keep(Document& doc, std::string& reason) override;

 private:
  std::string language_;
  std::string source_;
};

struct SampleOptions {
  int files = 4;
  int docs_per_file = 500;
  uint64_t seed = 20230417;  // RedPajama v1 release date
};

// Writes a deterministic synthetic C4 excerpt in the real raw format (gzip JSONL with keys
// text, timestamp, url; real file names c4-train.NNNNN-of-01024.json.gz) into `dir`.
// Returns the file names written. Same options -> byte-identical files.
std::vector<std::string> write_sample(const std::filesystem::path& dir, const SampleOptions& options);

}  // namespace rpdata::sources::c4
