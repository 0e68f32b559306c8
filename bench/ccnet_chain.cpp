// The whole cc_net chain on one core: WET segments in (the `wet` reader: cc_net records +
// two-pass line dedup of the unit) -> ccnet_lid -> ccnet_perplexity -> bucketed documents.
// Prints CPU-second medians, MB/s of compressed WET and of documents' text, docs/s; writes the
// documents language id sees (newline-glued, one per line) for `fasttext predict` on the same
// documents (bench/ccnet_chain.sh).
// Usage: ccnet_chain MODELS_DIR CUTOFF_CSV RUNS LID_LINES_OUT WET...
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <fstream>
#include <string>
#include <vector>

#include <sentencepiece_processor.h>

#include "rpdata/quality/kenlm.h"
#include "rpdata/quality/langid.h"
#include "rpdata/quality/sentencepiece_words.h"
#include "rpdata/text/ccnet_normalize.h"
#include "rpdata/sources/commoncrawl/ccnet_steps.h"
#include "rpdata/sources/commoncrawl/wet_unit.h"

namespace cc = rpdata::sources::commoncrawl;
namespace fs = std::filesystem;

static std::string fresh_reason(const rpdata::quality::SentencePieceWords& w) {
  return w.fast() ? std::string("word path on") : "word path refused: " + w.why_not();
}

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: %s MODELS_DIR CUTOFF_CSV RUNS LID_LINES_OUT WET...\n", argv[0]);
    return 2;
  }
  fs::path models = argv[1];
  auto cutoffs = cc::read_cutoffs(argv[2]);
  int runs = std::max(1, std::atoi(argv[3]));
  std::vector<fs::path> parts(argv + 5, argv + argc);
  uint64_t gz_bytes = 0;
  for (const auto& p : parts) gz_bytes += fs::file_size(p);

  cc::CcnetLidOptions lo{models / "fasttext/lid.176.ftz", 0.5, {"en"}};
  cc::CcnetPerplexityOptions po;
  po.models["en"] = {models / "kenlm/en_wiki_sp8k.model", models / "kenlm/en_wiki_sp8k.o5.probing.bin"};
  po.cutoffs = cutoffs;
  // Load the models before timing (cc_net loads them once per process too).
  rpdata::quality::LangId::shared(lo.model);
  cc::shared_sentencepiece(po.models["en"].sp);
  cc::shared_kenlm(po.models["en"].lm);

  std::vector<double> cpu, cpu_read, cpu_lid, cpu_pp;
  uint64_t docs_in = 0, docs_lid = 0, docs_out = 0, text_bytes = 0;
  std::map<std::string, int64_t> routes;
  uint64_t pp_text_bytes = 0;
  // CCNET_CHAIN_ONLY=1 (for profiling): only the whole chain, once per run.
  const bool chain_only = std::getenv("CCNET_CHAIN_ONLY") != nullptr;
  for (int r = 0; r < runs; ++r) {
    // Reader alone (WET parse + both dedup passes), then the whole chain.
    std::clock_t t0 = std::clock();
    if (!chain_only) {
      cc::WetUnitReader reader(parts, "bench", {});
      rpdata::Batch b;
      while (reader.next(b)) {
      }
    }
    cpu_read.push_back(double(std::clock() - t0) / CLOCKS_PER_SEC);

    std::ofstream lid_lines;
    if (r == 0) lid_lines.open(argv[4]);
    cc::shared_sentencepiece(po.models["en"].sp)->drop_thread_cache();  // every run starts cold
    t0 = std::clock();
    cc::WetUnitReader reader(parts, "bench", {});
    cc::CcnetLidStep lid(lo);
    cc::CcnetPerplexityStep pp(po);
    rpdata::Batch b;
    double t_lid = 0, t_pp = 0;
    uint64_t pp_bytes = 0;
    docs_in = docs_lid = docs_out = text_bytes = 0;
    routes.clear();
    while (reader.next(b)) {
      docs_in += b.docs.size();
      for (const auto& [k, v] : b.drops) docs_in += static_cast<uint64_t>(v);
      docs_lid += b.docs.size();
      for (const auto& d : b.docs) {
        text_bytes += d.text.size();
        if (r == 0) lid_lines << rpdata::quality::lid_text_ccnet(d.text) << '\n';
      }
      std::clock_t t1 = std::clock();
      lid.process(b);
      std::clock_t t2 = std::clock();
      for (const auto& d : b.docs) pp_bytes += d.text.size();
      pp.process(b);
      t_lid += double(t2 - t1) / CLOCKS_PER_SEC;
      t_pp += double(std::clock() - t2) / CLOCKS_PER_SEC;
      docs_out += b.docs.size();
      for (const auto& d : b.docs) ++routes[d.route];
    }
    cpu.push_back(double(std::clock() - t0) / CLOCKS_PER_SEC);
    cpu_lid.push_back(t_lid);
    cpu_pp.push_back(t_pp);
    pp_text_bytes = pp_bytes;
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  };
  double c = median(cpu), cr = median(cpu_read);
  // Line 1 is parsed by the script: fields 6 = text bytes reaching lid, 8 = docs reaching lid.
  std::printf("bytes %llu gz_bytes %llu text_bytes %llu docs_lid %llu\n", (unsigned long long)gz_bytes,
              (unsigned long long)gz_bytes, (unsigned long long)text_bytes, (unsigned long long)docs_lid);
  std::printf("%-34s %8.3f s  %8.2f MB/s gz  %8.2f MB/s text  %8.0f docs/s\n", "wet reader + line dedup", cr,
              gz_bytes / cr / 1e6, text_bytes / cr / 1e6, docs_in / cr);
  std::printf("%-34s %8.3f s  %8.2f MB/s gz  %8.2f MB/s text  %8.0f docs/s\n", "whole chain (wet..bucket)", c,
              gz_bytes / c / 1e6, text_bytes / c / 1e6, docs_in / c);
  double cl = median(cpu_lid), cp = median(cpu_pp);
  if (!chain_only) {
    // Split of ccnet_perplexity: normalize, SentencePiece, KenLM on the en documents of the last run.
    std::vector<std::string> en;
    cc::WetUnitReader reader(parts, "bench", {});
    cc::CcnetLidStep lid(lo);
    rpdata::Batch b;
    while (reader.next(b)) {
      lid.process(b);
      for (auto& d : b.docs) en.push_back(std::move(d.text));
    }
    auto sp = cc::shared_sentencepiece(po.models["en"].sp);
    auto lm = cc::shared_kenlm(po.models["en"].lm);
    std::vector<std::string> norm(en.size());
    std::clock_t a = std::clock();
    for (size_t i = 0; i < en.size(); ++i) rpdata::text::normalize(en[i], norm[i]);
    double t_norm = double(std::clock() - a) / CLOCKS_PER_SEC;
    uint64_t norm_bytes = 0;
    for (const auto& n : norm) norm_bytes += n.size();
    // SentencePiece side by side: libsentencepiece's Encode (pieces joined as cc_net does) and
    // the exact word-cached path (a fresh instance per run, so its cache starts cold).
    std::vector<std::string> tok_ref(en.size()), tok_fast(en.size());
    std::vector<double> t_ref, t_fast, t_warm;
    std::vector<std::string> pieces;
    for (int r = 0; r < runs; ++r) {
      std::clock_t t0 = std::clock();
      for (size_t i = 0; i < en.size(); ++i) {
        pieces.clear();
        sp->processor().Encode(norm[i], &pieces).IgnoreError();
        tok_ref[i].clear();
        for (size_t k = 0; k < pieces.size(); ++k) (tok_ref[i] += k ? " " : "") += pieces[k];
      }
      t_ref.push_back(double(std::clock() - t0) / CLOCKS_PER_SEC);
      auto proc = std::shared_ptr<const sentencepiece::SentencePieceProcessor>(sp, &sp->processor());
      rpdata::quality::SentencePieceWords fresh(proc);
      t0 = std::clock();
      for (size_t i = 0; i < en.size(); ++i) {
        tok_fast[i].clear();
        fresh.encode_joined(norm[i], tok_fast[i]);
      }
      t_fast.push_back(double(std::clock() - t0) / CLOCKS_PER_SEC);
      t0 = std::clock();
      for (size_t i = 0; i < en.size(); ++i) {
        tok_fast[i].clear();
        fresh.encode_joined(norm[i], tok_fast[i]);
      }
      t_warm.push_back(double(std::clock() - t0) / CLOCKS_PER_SEC);
    }
    size_t differ = 0;
    for (size_t i = 0; i < en.size(); ++i) differ += tok_ref[i] != tok_fast[i];
    std::clock_t c2 = std::clock();
    float sink = 0;
    for (const auto& t : tok_fast) sink += lm->score(t);
    std::clock_t d2 = std::clock();
    double tr = median(t_ref), tf = median(t_fast), tw = median(t_warm);
    std::printf("  perplexity split: normalize %.3f s, sentencepiece %.3f s, kenlm %.3f s (%g)\n", t_norm, tf,
                double(d2 - c2) / CLOCKS_PER_SEC, double(sink) * 0);
    std::printf("  sentencepiece on %.2f MB of normalized en text: libsentencepiece Encode %.3f s %.2f MB/s | "
                "word cache (exact), cold %.3f s %.2f MB/s = %.1fx, warm (2nd pass) %.3f s %.2f MB/s = %.1fx; "
                "%zu of %zu docs differ (%s)\n",
                norm_bytes / 1e6, tr, norm_bytes / tr / 1e6, tf, norm_bytes / tf / 1e6, tr / tf, tw, norm_bytes / tw / 1e6,
                tr / tw, differ, en.size(), fresh_reason(*sp).c_str());
  }
  std::printf("%-34s %8.3f s  %8.2f MB/s text (all docs after dedup)\n", "  of which ccnet_lid", cl, text_bytes / cl / 1e6);
  std::printf("%-34s %8.3f s  %8.2f MB/s text (%.2f MB of en docs)\n", "  of which ccnet_perplexity", cp,
              pp_text_bytes / cp / 1e6, pp_text_bytes / 1e6);
  std::printf("docs: %llu WET docs, %llu after dedup (to lid), %llu out:", (unsigned long long)docs_in,
              (unsigned long long)docs_lid, (unsigned long long)docs_out);
  for (const auto& [route, n] : routes) std::printf(" %s=%lld", route.c_str(), (long long)n);
  std::printf("\n");
  return 0;
}
