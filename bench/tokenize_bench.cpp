// GPT-NeoX counting throughput of rpdata's tokenizer, for bench/tokenize_bench.sh (which runs
// the Hugging Face reference on the same documents beside it).
//   tokenize_bench corpus REALDATA OUT.jsonl       the benchmark documents (C4, books, wiki)
//   tokenize_bench count TOKENIZER_JSON DOCS.jsonl RUNS
//       count() over every document RUNS times, each run with a fresh tokenizer (cold
//       cache); prints "wall_seconds cpu_seconds bytes tokens" per run (counting only; CPU
//       time is the process's user+system time, steadier than wall time on a busy machine).
#include <simdjson.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "rpdata/tokenize/neox_bpe.h"
#include "tokenize/realdata_corpus.h"

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

int write_corpus(const char* realdata, const char* out) {
  rpdata::test::CorpusParts parts;
  parts.stackexchange = parts.arxiv = parts.beer_7z = false;
  const auto docs = rpdata::test::realdata_corpus(realdata, parts);
  rpdata::test::write_corpus_jsonl(docs, out);
  size_t bytes = 0;
  for (const auto& d : docs) bytes += d.text.size();
  std::printf("%zu docs, %zu bytes\n", docs.size(), bytes);
  return 0;
}

int count(const char* tokenizer_json, const char* docs_path, int runs) {
  std::vector<std::string> texts;
  std::ifstream in(docs_path, std::ios::binary);
  simdjson::dom::parser parser;
  size_t bytes = 0;
  for (std::string line; std::getline(in, line);) {
    std::string_view text;
    if (parser.parse(line)["text"].get(text)) continue;
    texts.emplace_back(text);
    bytes += text.size();
  }
  const auto model = rpdata::tokenize::load_hf_bpe(tokenizer_json);
  for (int run = 0; run < runs; ++run) {
    auto tokenizer = model->make_tokenizer();
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_seconds();
    int64_t tokens = 0;
    for (const auto& t : texts) tokens += tokenizer->count(t);
    const double cpu = cpu_seconds() - cpu_start;
    const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
    std::printf("%.6f %.6f %zu %lld\n", wall.count(), cpu, bytes, static_cast<long long>(tokens));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "corpus" && argc == 4) return write_corpus(argv[2], argv[3]);
    if (mode == "count" && argc == 5) return count(argv[2], argv[3], std::atoi(argv[4]));
    std::fprintf(stderr,
                 "usage: tokenize_bench corpus REALDATA OUT.jsonl\n"
                 "       tokenize_bench count TOKENIZER_JSON DOCS.jsonl RUNS\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tokenize_bench: %s\n", e.what());
    return 1;
  }
}
