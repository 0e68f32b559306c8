// Fuzz target: the `wikipedia_xml` reader (sources/wikipedia/dump_reader.cpp: compression
// sniffing, bz2 multistream, expat, page filtering) on a file of arbitrary bytes, followed by
// the wikipedia_clean step as the Wikipedia recipe runs it.
#include "fuzz_support.h"
#include "rpdata/core/params.h"
#include "rpdata/sources/wikipedia/wikipedia.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace wiki = rpdata::sources::wikipedia;
  rpdata::fuzz::TempInput input(data, size, "enwiki-20230320-pages-articles-multistream.xml.bz2");
  wiki::DumpReaderOptions options;
  options.source = "wikipedia";
  options.id_prefix = "enwiki";
  options.language = wiki::language_from_file_name(input.path().filename().string());
  options.max_page_bytes = 1 << 20;
  options.batch_docs = 16;
  try {
    wiki::DumpReader reader(input.path(), options);
    wiki::CleanStep clean{"20230320"};
    rpdata::fuzz::drain(reader, {&clean});
  } catch (const rpdata::Error&) {
  }
  return 0;
}
