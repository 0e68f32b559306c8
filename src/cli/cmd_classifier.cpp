// `rpdata classifier urls|fetch|dataset|train`: building RedPajama's CommonCrawl quality
// classifier (spec §1.7) step by step. The scoring itself is the `cc_classifier` step.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "common.h"
#include "rpdata/core/error.h"
#include "rpdata/core/splitmix.h"
#include "rpdata/io/fs.h"
#include "rpdata/quality/cc_classifier.h"
#include "rpdata/quality/classifier_corpus.h"
#include "rpdata/quality/wiki_urls.h"

namespace rpdata::cli {
namespace {

struct UrlsArgs {
  std::vector<std::string> dumps;
  std::string out;
  int64_t sample = 0;
  uint64_t seed = 0;
} g_urls;

struct FetchArgs {
  std::string urls, out;
  int threads = 4;
  int max_attempts = 3;
  long timeout_s = 5;
  int64_t max_bytes = 1 << 20;
  double per_host_rps = 1.0;
  int per_host_connections = 2;
  int64_t limit = -1;
  bool no_progress = false;
} g_fetch;

struct WetArgs {
  std::string warc, out;
} g_wet;

struct DatasetArgs {
  std::vector<std::string> wiki_warc, wiki_jsonl, cc;
  std::string out, lid;
  int64_t min_wiki_chars = 1000;
  int64_t min_len = 300;
} g_dataset;

struct TrainArgs {
  std::string input, out, fasttext_args;
  int threads = 1;
  int seed = 0;
} g_train;

void run_urls() {
  std::string out;
  // --sample: reservoir sampling (Algorithm R, splitmix64 seeded), kept in dump order.
  std::vector<std::pair<uint64_t, std::string>> reservoir;
  uint64_t seen = 0, rng = g_urls.seed;
  quality::WikiUrlStats total;
  for (const auto& dump : g_urls.dumps) {
    auto st = quality::extract_dump_urls(dump, [&](std::string_view url) {
      if (g_urls.sample > 0) {
        if (reservoir.size() < static_cast<size_t>(g_urls.sample)) {
          reservoir.emplace_back(seen, std::string(url));
        } else {
          uint64_t k = splitmix64(rng) % (seen + 1);
          if (k < static_cast<uint64_t>(g_urls.sample)) reservoir[k] = {seen, std::string(url)};
        }
      } else {
        out.append(url);
        out.push_back('\n');
      }
      ++seen;
    });
    spdlog::info("{}: {} pages, {} lines with <ref>, {} URLs ({} MB of XML)", dump, st.pages, st.ref_lines,
                 st.urls, st.bytes >> 20);
    total.urls += st.urls;
  }
  if (g_urls.sample > 0) {
    std::sort(reservoir.begin(), reservoir.end());
    for (auto& [i, u] : reservoir) out += u + "\n";
    spdlog::info("sampled {} of {} URLs (seed {})", reservoir.size(), seen, g_urls.seed);
  }
  if (g_urls.out.empty() || g_urls.out == "-") {
    std::fwrite(out.data(), 1, out.size(), stdout);
  } else {
    io::write_file_atomic(g_urls.out, out);
  }
}

std::vector<std::string> read_url_list(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError("cannot open the URL list", path);
  std::vector<std::string> urls;
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) urls.push_back(line);
    if (g_fetch.limit >= 0 && static_cast<int64_t>(urls.size()) >= g_fetch.limit) break;
  }
  return urls;
}

void run_fetch() {
  auto urls = read_url_list(g_fetch.urls);
  quality::PageFetchOptions o;
  o.threads = g_fetch.threads;
  o.max_body_bytes = static_cast<uint64_t>(g_fetch.max_bytes);
  o.fetch.max_attempts = g_fetch.max_attempts;
  o.fetch.connect_timeout_s = g_fetch.timeout_s;
  o.fetch.low_speed_bytes_per_s = 1;
  o.fetch.low_speed_time_s = g_fetch.timeout_s;  // wget --timeout=5: read timeout too
  o.fetch.backoff_initial_s = 1.0;
  o.fetch.backoff_max_s = 10.0;
  o.fetch.per_host_connections = g_fetch.per_host_connections;
  o.fetch.per_host_requests_per_s = g_fetch.per_host_rps;
  o.fetch.progress = false;
  ProgressLine progress("fetch", !g_fetch.no_progress);
  auto st = quality::fetch_pages_to_warc(urls, g_fetch.out, o,
                                         [&](uint64_t done, uint64_t total) { progress.update(done, total); });
  spdlog::info("{}: {} of {} URLs archived ({} truncated at {} bytes, {} MB of payload), {} failed",
               g_fetch.out, st.written, st.urls, st.truncated, g_fetch.max_bytes, st.bytes >> 20, st.failed);
  for (const auto& [kind, n] : st.failures) spdlog::info("  failed: {} x {}", n, kind);
}

void run_wet() {
  auto st = quality::warc_to_wet(g_wet.warc, g_wet.out);
  spdlog::info("{}: {} conversion records", g_wet.out, st.pages);
  for (const auto& [reason, n] : st.drops) spdlog::info("  not converted, {}: {}", reason, n);
}

std::vector<std::filesystem::path> paths(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

void run_dataset() {
  quality::CorpusOptions o;
  o.min_wiki_chars = g_dataset.min_wiki_chars;
  o.min_len = g_dataset.min_len;
  o.lid_model = g_dataset.lid;
  if (g_dataset.wiki_warc.empty() && g_dataset.wiki_jsonl.empty())
    throw ConfigError("give the positives: --wiki-warc and/or --wiki-jsonl");
  auto st = quality::build_training_corpus(paths(g_dataset.wiki_warc), paths(g_dataset.wiki_jsonl),
                                           paths(g_dataset.cc), g_dataset.out, o);
  spdlog::info("{}: {} __label__wiki (of {} wiki records), {} __label__cc ({} per file from {} files)",
               g_dataset.out, st.wiki_written, st.wiki_records, st.cc_written, st.per_file, st.cc_files);
  for (const auto& [reason, n] : st.drops) spdlog::info("  dropped {}: {}", reason, n);
}

void run_train() {
  quality::TrainOptions o;
  o.threads = g_train.threads;
  o.seed = g_train.seed;
  std::istringstream ss(g_train.fasttext_args);
  for (std::string a; ss >> a;) o.extra_args.push_back(a);
  auto r = quality::train_supervised(g_train.input, g_train.out, o);
  spdlog::info("{}: {} words, {} labels, {} tokens (thread {}, seed {})", g_train.out, r.words, r.labels,
               r.tokens, o.threads, o.seed);
}

}  // namespace

void register_classifier(CLI::App& app) {
  auto* cmd = app.add_subcommand("classifier",
                                 "Build RedPajama's CommonCrawl quality classifier: Wikipedia <ref> URLs -> "
                                 "fetched pages (WARC) -> fastText training file -> model.bin");
  cmd->require_subcommand(1);
  cmd->footer(
      "Steps (spec §1.7):\n"
      "  rpdata classifier urls enwiki-...-pages-articles-multistream.xml.bz2 --sample 300000 --out urls.txt\n"
      "  rpdata classifier fetch urls.txt --out wiki_pages.warc.gz\n"
      "  rpdata classifier wet wiki_pages.warc.gz --out wiki_pages.warc.wet.gz   # optional: run cc_net on it\n"
      "  rpdata classifier dataset --wiki-warc wiki_pages.warc.gz --cc en_head_0000.json.gz ... --out train.txt\n"
      "  rpdata classifier train train.txt --out model.bin\n"
      "Then a recipe step `cc_classifier` (model = \"model.bin\") scores documents.");

  auto* urls = cmd->add_subcommand("urls", "URLs in <ref> tags of a Wikipedia XML dump (extract_urls.py's rule)");
  urls->add_option("dump", g_urls.dumps, "pages-articles XML (.bz2, .gz, .xz, .zst or plain)")->required();
  urls->add_option("--out", g_urls.out, "URL list (default: stdout)");
  urls->add_option("--sample", g_urls.sample, "Keep a uniform random sample of N URLs (in dump order)")
      ->check(at_least(1));
  urls->add_option("--seed", g_urls.seed, "Seed of --sample");
  urls->callback(run_urls);

  auto* fetch = cmd->add_subcommand("fetch", "Fetch a URL list into a WARC of response records");
  fetch->add_option("urls", g_fetch.urls, "One URL per line")->required();
  fetch->add_option("--out", g_fetch.out, "WARC file (.warc.gz, one gzip member per record)")->required();
  fetch->add_option("--threads", g_fetch.threads, "Concurrent fetches")->check(at_least(1));
  fetch->add_option("--max-attempts", g_fetch.max_attempts, "Tries per URL")->check(at_least(1));
  fetch->add_option("--timeout", g_fetch.timeout_s, "Connect and stall timeout, seconds (wget --timeout=5)")
      ->check(at_least(1));
  fetch->add_option("--max-bytes", g_fetch.max_bytes, "Payload cut (WARC-Truncated: length)")->check(at_least(1));
  fetch->add_option("--per-host-rps", g_fetch.per_host_rps, "Requests per second per host (0 = unlimited)");
  fetch->add_option("--per-host-connections", g_fetch.per_host_connections, "Concurrent requests per host")
      ->check(at_least(1));
  fetch->add_option("--limit", g_fetch.limit, "Only the first N URLs")->check(at_least(0));
  fetch->add_flag("--no-progress", g_fetch.no_progress, "No progress display");
  fetch->callback(run_fetch);

  auto* wet = cmd->add_subcommand("wet", "Fetched pages (WARC) -> WET text records, input for the cc_net pipeline");
  wet->add_option("warc", g_wet.warc, "WARC of fetched pages")->required();
  wet->add_option("--out", g_wet.out, "WET file (.warc.wet.gz)")->required();
  wet->callback(run_wet);

  auto* dataset = cmd->add_subcommand("dataset", "fastText training file (create_corpus.py's rules)");
  dataset->add_option("--wiki-warc", g_dataset.wiki_warc, "Fetched pages (WARC); text extracted here");
  dataset->add_option("--wiki-jsonl", g_dataset.wiki_jsonl, "cc_net output of the fetched pages (raw_content)");
  dataset->add_option("--cc", g_dataset.cc, "cc_net head/middle JSONL files, in order")->required();
  dataset->add_option("--out", g_dataset.out, "Training file")->required();
  dataset->add_option("--lid", g_dataset.lid, "fastText LID model: WARC pages must be English (cc_net)");
  dataset->add_option("--min-wiki-chars", g_dataset.min_wiki_chars, "Shortest __label__wiki raw_content");
  dataset->add_option("--min-len", g_dataset.min_len, "cc_net min_len for WARC pages");
  dataset->callback(run_dataset);

  auto* train = cmd->add_subcommand("train", "fastText supervised training with the CLI's defaults");
  train->add_option("input", g_train.input, "Training file (__label__x text per line)")->required();
  train->add_option("--out", g_train.out, "model.bin")->required();
  train->add_option("--threads", g_train.threads, "Training threads (1 = reproducible)")->check(at_least(1));
  train->add_option("--seed", g_train.seed, "fastText seed");
  train->add_option("--fasttext-args", g_train.fasttext_args,
                    "Extra fastText flags, e.g. \"-epoch 25 -wordNgrams 2\" (RedPajama used none)");
  train->callback(run_train);
}

}  // namespace rpdata::cli
