// Fuzz target: the `github_bigquery` reader (sources/github/bigquery_reader.cpp) on a file of
// arbitrary bytes, every row serialised as the runner writes it.
#include "fuzz_support.h"
#include "rpdata/sources/github/bigquery_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rpdata::fuzz::TempInput input(data, size, "github-000000000000.json.gz");
  rpdata::sources::github::BigQueryReaderOptions options;
  options.source = "github";
  options.id_prefix = "github-000000000000";
  options.batch_docs = 16;
  options.max_line_bytes = 1 << 20;
  options.expansion_check_bytes = 1 << 20;
  try {
    rpdata::sources::github::BigQueryReader reader(input.path(), options);
    rpdata::fuzz::drain(reader);
  } catch (const rpdata::Error&) {
  }
  return 0;
}
