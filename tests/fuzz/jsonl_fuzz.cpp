// Fuzz target: the `jsonl` reader (io/jsonl_reader.cpp) as the C4 recipe runs it (text field
// "text", then the c4_format step), and the same bytes read as rpdata's own intermediate
// envelope records ("_id", "_route"), as the stages of a dedup run read them back.
#include "fuzz_support.h"
#include "rpdata/core/params.h"
#include "rpdata/io/jsonl_reader.h"
#include "rpdata/sources/c4/c4.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rpdata::fuzz::TempInput input(data, size, "c4-train.00000-of-01024.json.gz");
  for (bool envelope : {false, true}) {
    rpdata::io::JsonlReaderOptions options;
    options.source = "c4";
    options.id_prefix = "c4-train.00000-of-01024";
    options.batch_docs = 16;
    options.max_line_bytes = 1 << 20;
    options.envelope = envelope;
    try {
      rpdata::io::JsonlReader reader(input.path(), options);
      rpdata::sources::c4::C4FormatStep format{"en", "c4"};
      std::vector<rpdata::Step*> steps;
      if (!envelope) steps.push_back(&format);
      rpdata::fuzz::drain(reader, steps);
    } catch (const rpdata::Error&) {
    }
  }
  return 0;
}
