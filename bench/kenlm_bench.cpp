// KenLM-compatible scoring throughput (cc_net's perplexity step): MB/s of SentencePiece piece
// text scored on one thread, for each model file given. Usage:
//   kenlm_bench LINES_FILE MODEL... [--seconds S]
// Loads each model, then scores every line of LINES_FILE repeatedly for at least S seconds
// (default 3) and prints load time, MB/s and lines/s per wall second and per CPU second of
// this thread (the per-core figure when the machine is shared). Never a unit test.
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "rpdata/core/error.h"
#include "rpdata/quality/kenlm.h"

static double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

int main(int argc, char** argv) {
  using Clock = std::chrono::steady_clock;
  double seconds = 3.0;
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--seconds" && i + 1 < argc) seconds = std::atof(argv[++i]);
    else args.push_back(a);
  }
  if (args.size() < 2) {
    std::fprintf(stderr, "usage: kenlm_bench LINES_FILE MODEL... [--seconds S]\n");
    return 2;
  }
  std::ifstream in(args[0], std::ios::binary);
  std::vector<std::string> lines;
  size_t bytes = 0;
  for (std::string l; std::getline(in, l);) {
    bytes += l.size() + 1;
    lines.push_back(std::move(l));
  }
  std::printf("input: %s, %zu lines, %.3f MB\n", args[0].c_str(), lines.size(), bytes / 1e6);
  try {
    for (size_t m = 1; m < args.size(); ++m) {
      auto t0 = Clock::now();
      auto lm = rpdata::quality::LanguageModel::load(args[m]);
      double load_s = std::chrono::duration<double>(Clock::now() - t0).count();
      volatile float sink = 0;
      size_t passes = 0;
      auto t1 = Clock::now();
      const double cpu0 = thread_cpu_seconds();
      double elapsed = 0;
      do {
        float total = 0;
        for (const auto& l : lines) total += lm.score(l);
        sink = sink + total;
        ++passes;
        elapsed = std::chrono::duration<double>(Clock::now() - t1).count();
      } while (elapsed < seconds);
      const double cpu = thread_cpu_seconds() - cpu0;
      std::printf("%s\n  load %.3f s | wall: %.1f MB/s %.0f lines/s | CPU: %.1f MB/s %.0f lines/s"
                  " | %zu passes\n", args[m].c_str(), load_s, passes * bytes / elapsed / 1e6,
                  passes * lines.size() / elapsed, passes * bytes / cpu / 1e6,
                  passes * lines.size() / cpu, passes);
    }
  } catch (const rpdata::Error& e) {
    std::fprintf(stderr, "error: %s (%s @%llu)\n", e.message().c_str(), e.path().c_str(),
                 static_cast<unsigned long long>(e.offset().value_or(0)));
    return 1;
  }
  return 0;
}
