// Fuzz target: the `stackexchange_7z` reader (sources/stackexchange/posts_reader.cpp: the
// member stream, the Posts.xml rows through expat, Q/A assembly, HTML to text) on a file of
// arbitrary bytes, a plain Posts.xml or an archive holding one, without a language model
// (meta.language ""). Both memory modes: in memory and the bounded external sort.
#include "fuzz_support.h"
#include "rpdata/sources/stackexchange/stackexchange.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace se = rpdata::sources::stackexchange;
  rpdata::fuzz::TempInput input(data, size, "fuzz.stackexchange.com.7z");
  for (uint64_t buffer : {uint64_t{0}, uint64_t{256}}) {
    se::PostsReaderOptions options;
    options.site = "fuzz.stackexchange.com";
    options.id_prefix = "fuzz.stackexchange.com";
    options.max_row_bytes = 1 << 20;
    options.max_buffer_bytes = buffer;
    options.spill_dir = input.dir();
    options.batch_docs = 16;
    try {
      se::PostsReader reader(input.path(), options);
      rpdata::fuzz::drain(reader);
    } catch (const rpdata::Error&) {
    }
  }
  return 0;
}
