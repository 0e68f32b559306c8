// Fuzz target: one CommonCrawl WET segment read as the `wet` reader format does
// (sources/commoncrawl/wet_unit.cpp: cc_net's parse_doc per record, then the two-pass line
// dedup over the unit), every document serialised as the runner writes it.
#include "fuzz_support.h"
#include "rpdata/sources/commoncrawl/wet_unit.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace cc = rpdata::sources::commoncrawl;
  rpdata::fuzz::TempInput input(data, size, "CC-MAIN-20190715000000-20190715020000-00000.warc.wet.gz");
  cc::WetUnitOptions options;
  options.wet.min_len = 8;  // the recipe key min_len: small, so short fuzzed pages pass
  options.wet.batch_docs = 16;
  options.wet.warc.max_record_bytes = 1 << 20;
  options.hash_budget_bytes = 64 << 20;
  try {
    cc::WetUnitReader reader({input.path()}, "fuzz", options);
    rpdata::fuzz::drain(reader);
  } catch (const rpdata::Error&) {
  }
  return 0;
}
