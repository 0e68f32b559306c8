// Books SimHash throughput: reads each file given on the command line and computes its
// RedPajama book SimHash (dedup::book_simhash), printing "books bytes seconds" and a checksum
// of the signatures (so the work cannot be optimised away). Used by bench/books.sh.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "rpdata/dedup/simhash.h"

int main(int argc, char** argv) {
  auto t0 = std::chrono::steady_clock::now();
  uint64_t bytes = 0, x = 0;
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    bytes += text.size();
    x ^= rpdata::dedup::book_simhash(text);
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%d %llu %.6f %016llx\n", argc - 1, static_cast<unsigned long long>(bytes), s,
              static_cast<unsigned long long>(x));
  return 0;
}
