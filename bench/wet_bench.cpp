// WET parsing throughput (bench/warc_bench.sh): reads WET files with
// sources::commoncrawl::WetReader (cc_net semantics, min_len 300) or only the WARC layer, and
// prints "<mode> <seconds> <compressed bytes> <decompressed bytes> <records|docs> <text bytes>".
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>

#include "rpdata/io/warc.h"
#include "rpdata/sources/commoncrawl/wet.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: wet_bench {warc|wet} FILE...\n");
    return 2;
  }
  std::string mode = argv[1];
  try {
    auto t0 = std::chrono::steady_clock::now();
    uint64_t comp = 0, raw = 0, n = 0, text = 0;
    for (int i = 2; i < argc; ++i) {
      if (mode == "warc") {
        auto r = rpdata::io::WarcReader::open(argv[i]);
        rpdata::io::WarcRecord rec;
        while (r.next(rec)) {
          ++n;
          text += rec.block.size();
        }
        comp += r.compressed_offset();
        raw += r.offset();
      } else {
        rpdata::sources::commoncrawl::WetOptions o;
        rpdata::sources::commoncrawl::WetReader r(argv[i], o);
        rpdata::Document d;
        while (r.next(d)) {
          ++n;
          text += d.text.size();
        }
        comp += r.bytes_read();
      }
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%s %.6f %llu %llu %llu %llu\n", mode.c_str(), s, (unsigned long long)comp,
                (unsigned long long)raw, (unsigned long long)n, (unsigned long long)text);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wet_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
