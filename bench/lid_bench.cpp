// fastText language id on one core, three in-process paths on the same documents:
// libfasttext's predictLine (LangId::predict_libfasttext), LangId Mode::memo (memoised input
// ids + FastText::predict) and Mode::fast (memoised ids + input rows decoded once). Each run
// loads fresh LangIds (load not timed), so the per-thread word memo starts empty every run
// (cold: every distinct word of the corpus is a first sight once); then Mode::fast runs again
// over the same documents with its memo warm (the steady state of a long stream).
// Checks that all paths agree bit for bit (labels and float32 probabilities) and prints
// CPU-second medians, MB/s and docs/s.
// Usage: lid_bench MODEL LINES_FILE RUNS   (one preprocessed document per line; k = 1)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include "rpdata/quality/langid.h"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s MODEL LINES_FILE RUNS\n", argv[0]);
    return 2;
  }
  std::vector<std::string> docs;
  {
    std::ifstream in(argv[2], std::ios::binary);
    std::string line;
    while (std::getline(in, line)) docs.push_back(line);
  }
  uint64_t bytes = 0;
  for (const auto& d : docs) bytes += d.size() + 1;
  const int runs = std::max(1, std::atoi(argv[3]));

  std::vector<double> t_lib, t_fast, t_memo, t_warm;
  uint64_t mismatches = 0;
  std::vector<rpdata::quality::LangPrediction> ref(docs.size());
  for (int r = 0; r < runs; ++r) {
    using Mode = rpdata::quality::LangId::Mode;
    rpdata::quality::LangId lid(argv[1], Mode::fast), memo(argv[1], Mode::memo);
    std::clock_t t0 = std::clock();
    for (size_t i = 0; i < docs.size(); ++i) {
      auto p = lid.predict_libfasttext(docs[i], 1);
      if (r == 0 && !p.empty()) ref[i] = p[0];
    }
    std::clock_t t1 = std::clock();
    for (size_t i = 0; i < docs.size(); ++i) {
      auto p = lid.predict(docs[i], 1);
      rpdata::quality::LangPrediction got = p.empty() ? rpdata::quality::LangPrediction{} : p[0];
      if (got.label != ref[i].label || std::memcmp(&got.prob, &ref[i].prob, sizeof(float)) != 0) ++mismatches;
    }
    std::clock_t t2 = std::clock();
    for (size_t i = 0; i < docs.size(); ++i) {
      auto p = memo.predict(docs[i], 1);
      rpdata::quality::LangPrediction got = p.empty() ? rpdata::quality::LangPrediction{} : p[0];
      if (got.label != ref[i].label || std::memcmp(&got.prob, &ref[i].prob, sizeof(float)) != 0) ++mismatches;
    }
    std::clock_t t3 = std::clock();
    for (size_t i = 0; i < docs.size(); ++i) {  // the fast path again: its memo is now warm
      auto p = lid.predict(docs[i], 1);
      rpdata::quality::LangPrediction got = p.empty() ? rpdata::quality::LangPrediction{} : p[0];
      if (got.label != ref[i].label || std::memcmp(&got.prob, &ref[i].prob, sizeof(float)) != 0) ++mismatches;
    }
    t_warm.push_back(double(std::clock() - t3) / CLOCKS_PER_SEC);
    t_lib.push_back(double(t1 - t0) / CLOCKS_PER_SEC);
    t_fast.push_back(double(t2 - t1) / CLOCKS_PER_SEC);
    t_memo.push_back(double(t3 - t2) / CLOCKS_PER_SEC);
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  };
  const double a = median(t_lib), b = median(t_fast), m = median(t_memo), w = median(t_warm);
  // Line 1 is parsed by bench/lid_bench.sh: field 2 = docs, 4 = bytes, 6 = fast-path seconds.
  std::printf("docs %zu bytes %llu fast_s %.6f\n", docs.size(), static_cast<unsigned long long>(bytes), b);
  std::printf("%-38s %8.3f s  %8.2f MB/s  %8.0f docs/s\n", "libfasttext predictLine (k=1)", a, bytes / a / 1e6,
              docs.size() / a);
  std::printf("%-38s %8.3f s  %8.2f MB/s  %8.0f docs/s  (%.2fx predictLine)\n", "LangId memo: ids memo only (k=1)", m,
              bytes / m / 1e6, docs.size() / m, a / m);
  std::printf("%-38s %8.3f s  %8.2f MB/s  %8.0f docs/s  (%.2fx predictLine)\n", "LangId fast: memo + decoded rows (k=1)", b,
              bytes / b / 1e6, docs.size() / b, a / b);
  std::printf("%-38s %8.3f s  %8.2f MB/s  %8.0f docs/s  (%.2fx predictLine)\n", "  same, second pass (memo warm)", w,
              bytes / w / 1e6, docs.size() / w, a / w);
  std::printf("fast and memo paths vs predictLine: %llu of %zu top-1 predictions differ (label or float32 bits)\n",
              static_cast<unsigned long long>(mismatches), 3 * docs.size() * static_cast<size_t>(runs));
  return mismatches == 0 ? 0 : 1;
}
