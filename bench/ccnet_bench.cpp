// cc_net stage throughput on one core: normalize_for_dedup, line hashing (normalise + SHA-1),
// the whole two-pass line dedup, normalize() (perplexity normaliser) and fastText language id,
// each over the same documents, median of RUNS runs. Also writes the LID input (one
// preprocessed document per line) so bench/ccnet_bench.sh can time `fasttext predict-prob`.
//
// usage: ccnet_bench DOCS_FILE LID_MODEL RUNS [LID_LINES_OUT]
//   DOCS_FILE: documents separated by a line holding only "\x1e" (ASCII record separator).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "rpdata/dedup/line_dedup.h"
#include "rpdata/quality/langid.h"
#include "rpdata/text/ccnet_normalize.h"

namespace {

double cpu_now() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

template <class F>
double median_cpu(int runs, F&& f) {
  std::vector<double> t;
  for (int r = 0; r < runs; ++r) {
    double s = cpu_now();
    f();
    t.push_back(cpu_now() - s);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: ccnet_bench DOCS_FILE LID_MODEL RUNS [LID_LINES_OUT]\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string all = ss.str();
  std::vector<std::string> docs;
  const std::string sep = "\n\x1e\n";
  for (size_t start = 0; start < all.size();) {
    size_t end = all.find(sep, start);
    if (end == std::string::npos) end = all.size();
    if (end > start) docs.push_back(all.substr(start, end - start));
    start = end + sep.size();
  }
  const int runs = std::stoi(argv[3]);
  double bytes = 0;
  size_t lines = 0;
  for (const auto& d : docs) {
    bytes += static_cast<double>(d.size());
    lines += static_cast<size_t>(std::count(d.begin(), d.end(), '\n')) + 1;
  }
  std::printf("docs %zu lines %zu bytes %.0f\n", docs.size(), lines, bytes);
  auto report = [&](const char* name, double secs) {
    std::printf("%-34s %8.3f s  %8.2f MB/s  %10.0f docs/s\n", name, secs, bytes / secs / 1e6,
                static_cast<double>(docs.size()) / secs);
  };

  size_t sink = 0;
  std::string out;
  report("normalize_for_dedup (per line)", median_cpu(runs, [&] {
    for (const auto& d : docs) {
      size_t start = 0;
      while (true) {
        size_t nl = d.find('\n', start);
        rpdata::text::normalize_for_dedup(
            std::string_view(d).substr(start, nl == std::string::npos ? std::string::npos : nl - start), out);
        sink += out.size();
        if (nl == std::string::npos) break;
        start = nl + 1;
      }
    }
  }));
  rpdata::dedup::LineHasher hasher;
  std::vector<uint64_t> hashes;
  report("line hashes (normalise + SHA-1)", median_cpu(runs, [&] {
    for (const auto& d : docs) {
      hasher.hash_document(d, hashes);
      sink += hashes.size();
    }
  }));
  std::vector<std::vector<uint64_t>> doc_hashes(docs.size());
  report("line dedup (hash, pass 1, pass 2)", median_cpu(runs, [&] {
    rpdata::dedup::HashGroup group(lines);
    for (size_t i = 0; i < docs.size(); ++i) {
      hasher.hash_document(docs[i], doc_hashes[i]);
      group.add_document(doc_hashes[i]);
    }
    for (size_t i = 0; i < docs.size(); ++i)
      sink += rpdata::dedup::dedup_document(docs[i], doc_hashes[i], group).nlines;
  }));
  report("normalize (perplexity, whole doc)", median_cpu(runs, [&] {
    for (const auto& d : docs) {
      rpdata::text::normalize(d, out);
      sink += out.size();
    }
  }));
  auto lid = rpdata::quality::LangId::shared(argv[2]);
  report("language id (cc_net, k=1)", median_cpu(runs, [&] {
    for (const auto& d : docs) sink += rpdata::quality::ccnet_language(*lid, d).language.size();
  }));
  if (argc > 4) {
    std::ofstream lid_out(argv[4], std::ios::binary);
    for (const auto& d : docs) lid_out << rpdata::quality::lid_text_ccnet(d) << '\n';
  }
  std::fprintf(stderr, "(sink %zu)\n", sink);
  return 0;
}
