// `rpdata sample --out DIR`: the main job on the bundled offline sample. It generates each
// source's raw sample into a local mirror (DIR/_mirror/<source>), then runs the sample
// recipe through the real downloader (file:// URLs) and pipeline, and prints the table.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <functional>

#include "common.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/hash.h"
#include "rpdata/quality/cc_classifier.h"
#include "rpdata/tokenize/models.h"
#include "rpdata/sources/arxiv/arxiv.h"
#include "rpdata/sources/books/books.h"
#include "rpdata/sources/c4/c4.h"
#include "rpdata/sources/stackexchange/stackexchange.h"
#include "rpdata/sources/commoncrawl/sample.h"
#include "rpdata/sources/github/sample.h"
#include "rpdata/sources/wikipedia/wikipedia.h"

namespace rpdata::cli {
namespace {
namespace fs = std::filesystem;
std::string g_out;
int g_threads = 1;
sources::c4::SampleOptions g_c4;
bool g_no_progress = false;
std::vector<std::string> g_only;

// One source of the bundled sample: its sample recipe and the generator that writes its raw
// files (in the source's real format) into a mirror folder, returning their names. Sources
// add one line here.
struct SampleSource {
  std::string source;
  std::string recipe;
  std::function<std::vector<std::string>(const fs::path& mirror)> write;
  int64_t limit = -1;  // inputs of the recipe to run (-1: all)
  // Models the sample recipe needs that no one publishes offline, made into OUT/_models.
  std::function<void(const fs::path& models)> make_models;
  std::vector<std::string> inputs = {};  // local inputs (--input) written by `write`, relative to the mirror
};

// The CC sample's quality classifier (RedPajama's model.bin is not available offline): trained
// here as RedPajama trained theirs (fastText supervised, defaults, one thread: reproducible).
void train_sample_classifier(const fs::path& models) {
  fs::path train = models / "classifier" / "sample_train.txt";
  fs::path model = models / "classifier" / "sample_model.bin";
  sources::commoncrawl::write_classifier_training(train);
  quality::TrainOptions o;
  o.extra_args = {"-epoch", "50"};  // 160 lines: fastText's 5 epochs leave it near 50/50
  auto r = quality::train_supervised(train, model, o);
  spdlog::info("sample: trained the CC quality classifier {} ({} words, {} labels)", model.string(), r.words, r.labels);
}

std::vector<SampleSource> sample_sources() {
  return {
      {"c4", "sample/c4", [](const fs::path& m) { return sources::c4::write_sample(m, g_c4); }, g_c4.files},
      {"arxiv", "sample/arxiv", [](const fs::path& m) { return sources::arxiv::write_sample(m, {}); }},
      {"stackexchange", "sample/stackexchange", [](const fs::path& m) { return sources::stackexchange::write_sample(m); }},
      {"commoncrawl", "sample/commoncrawl", [](const fs::path& m) { return sources::commoncrawl::write_sample(m); }, -1,
       train_sample_classifier},
      {"book", "sample/book", [](const fs::path& m) { return sources::books::write_sample(m); }, -1, {}, {"books3"}},
      {"github", "sample/github", [](const fs::path& m) { return sources::github::write_sample(m); }},
      {"wikipedia", "sample/wikipedia",
       [](const fs::path& m) { return sources::wikipedia::write_sample(m, {{"de", "en", "uk"}}); }},
  };
}

int run_sample() {
  int rc = 0;
  for (const auto& src : sample_sources()) {
    if (!g_only.empty() && std::find(g_only.begin(), g_only.end(), src.source) == g_only.end()) continue;
    fs::path mirror = fs::path(g_out) / "_mirror" / src.source;
    // A sample run killed while writing leaves its temporaries: they are this command's.
    if (size_t n = io::remove_stale_temp_siblings(mirror))
      spdlog::info("sample: removed {} temporary file(s) of an interrupted run from {}", n, mirror.string());
    auto names = src.write(mirror);
    std::string sums;
    for (const auto& n : names) sums += io::file_sha256_hex(mirror / n) + "  " + n + "\n";
    io::write_file_atomic(mirror / "SHA256SUMS", sums);
    spdlog::info("sample: wrote {} {} raw files to {}", names.size(), src.source, mirror.string());
    if (src.make_models) {
      fs::path models = fs::path(g_out) / "_models";
      src.make_models(models);
      tokenize::add_model_search_dir(models);
    }

    RunArgs a;
    a.source = src.source;
    a.recipe = src.recipe;
    a.limit = src.limit;
    a.out = g_out;
    a.mirror = mirror.string();
    for (const auto& in : src.inputs) a.inputs.push_back((mirror / in).string());
    a.threads = g_threads;
    a.no_progress = g_no_progress;
    rc = std::max(rc, execute_run(a, true, true));
  }
  print_run_table(g_out);
  return rc;
}
}  // namespace

void register_sample(CLI::App& app) {
  auto* cmd = app.add_subcommand("sample", "Run the main job on the bundled offline sample and print its table");
  cmd->add_option("--out,-o", g_out, "Run directory")->required();
  cmd->add_option("--threads,-j", g_threads, "Inputs processed in parallel")->check(at_least(1));
  cmd->add_flag("--no-progress", g_no_progress, "No progress bar");
  std::string known;
  for (const auto& src : sample_sources()) known += (known.empty() ? "" : ", ") + src.source;
  cmd->add_option("--only", g_only, "Run only these sources (" + known + ")")->delimiter(',')->check([](const std::string& v) {
    for (const auto& src : sample_sources())
      if (src.source == v) return std::string();
    return "no sample for source '" + v + "'";
  });
  cmd->add_option("--c4-files", g_c4.files, "C4 sample: number of raw files (at most 4 in the recipe)")
      ->check(CLI::Range(1, 4))
      ->capture_default_str();
  cmd->add_option("--c4-docs", g_c4.docs_per_file, "C4 sample: documents per raw file")
      ->check(at_least(1))
      ->capture_default_str();
  cmd->footer(
      "Generates a small deterministic excerpt of each source in its real raw format\n"
      "(C4: c4-train.0000N-of-01024.json.gz; arXiv: arXiv_src_2303_001.tar; CommonCrawl: WET segments +\n"
      "wet.paths.gz; StackExchange: <site>.7z; Books: a PG-19 bucket mirror + local Books3 files; Wikipedia: de/en/uk\n"
      "multistream dumps + md5sums; + SHA256SUMS), serves it from a local mirror and\n"
      "runs the same code path as `rpdata run`. Example:\n  rpdata sample --out /tmp/rp-sample");
  cmd->callback([] { g_exit_code = run_sample(); });
}

}  // namespace rpdata::cli
