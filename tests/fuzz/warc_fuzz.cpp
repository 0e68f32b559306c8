// Fuzz target: the WARC record reader (io/warc.cpp) in both modes on a file of arbitrary bytes
// (plain or compressed, chosen from the magic bytes as for every input), and the HTTP
// response splitter on every record block, as the classifier's page fetch reads them.
#include "fuzz_support.h"
#include "rpdata/io/warc.h"

namespace {

void read_all(const std::filesystem::path& path, rpdata::io::WarcReaderOptions options) {
  rpdata::io::WarcReader reader = rpdata::io::WarcReader::open(path, options);
  rpdata::io::WarcRecord record;
  while (reader.next(record)) {
    std::string error;
    auto http = rpdata::io::parse_http_response(record.block, &error);
    if (http) rpdata::io::decode_chunked(http->payload);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rpdata::fuzz::TempInput input(data, size, "input.warc");
  using Mode = rpdata::io::WarcReaderOptions::Mode;
  for (Mode mode : {Mode::kStrict, Mode::kResync}) {
    rpdata::io::WarcReaderOptions options;
    options.mode = mode;
    options.throw_on_damage = mode == Mode::kStrict;
    options.max_record_bytes = 1 << 20;
    try {
      read_all(input.path(), options);
    } catch (const rpdata::Error&) {
    }
  }
  return 0;
}
