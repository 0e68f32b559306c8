// `rpdata sample --out DIR`: the main job on the bundled offline sample. It installs the
// bundled models into DIR/_models, generates each source's raw sample into a local mirror
// (DIR/_mirror/<source>) with the stand-in models the source trains from it, then runs the
// sample recipe through the real downloader (file:// URLs) and pipeline, and prints the table.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>

#include "common.h"
#include "rpdata/exec/bundled_models.h"
#include "rpdata/exec/runner.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/hash.h"
#include "rpdata/tokenize/models.h"

namespace rpdata::cli {
namespace {
namespace fs = std::filesystem;
std::string g_out;
int g_threads = 1;
bool g_no_progress = false;
std::vector<std::string> g_only;
// Each sample's generator options (--<source>-<key>), filled with their defaults.
std::map<std::string, SampleSource::Options> g_options;

int run_sample() {
  int rc = 0;
  // The sample's models: the bundled ones (models/README.md) and those each source trains
  // from its sample, searched before any other model dir so every user sees the same table.
  fs::path models = fs::path(g_out) / "_models";
  exec::install_bundled_models(exec::bundled_models_dir(), models);
  tokenize::prefer_model_dir(models);
  for (const auto& src : exec::sample_sources()) {
    if (!g_only.empty() && std::find(g_only.begin(), g_only.end(), src.source) == g_only.end()) continue;
    fs::path mirror = fs::path(g_out) / "_mirror" / src.source;
    // A sample run killed while writing leaves its temporaries: they are this command's.
    if (size_t n = io::remove_stale_temp_siblings(mirror))
      spdlog::info("sample: removed {} temporary file(s) of an interrupted run from {}", n, mirror.string());
    const SampleSource::Options& options = g_options[src.source];
    auto names = src.write(mirror, options);
    std::string sums;
    for (const auto& n : names) sums += io::file_sha256_hex(mirror / n) + "  " + n + "\n";
    io::write_file_atomic(mirror / "SHA256SUMS", sums);
    spdlog::info("sample: wrote {} {} raw files to {}", names.size(), src.source, mirror.string());
    if (src.make_models) src.make_models(models);

    RunArgs a;
    a.source = src.source;
    a.recipe = src.recipe;
    a.limit = src.limit(options);
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
  for (const auto& src : exec::sample_sources()) known += (known.empty() ? "" : ", ") + src.source;
  cmd->add_option("--only", g_only, "Run only these sources (" + known + ")")->delimiter(',')->check([](const std::string& v) {
    for (const auto& src : exec::sample_sources())
      if (src.source == v) return std::string();
    return "no sample for source '" + v + "'";
  });
  for (const auto& src : exec::sample_sources())
    for (const auto& opt : src.options) {
      int64_t& value = g_options[src.source][opt.key];
      value = opt.value;
      auto* flag = cmd->add_option("--" + src.source + "-" + opt.key, value, opt.doc)->capture_default_str();
      if (opt.max == INT64_MAX) flag->check(at_least(opt.min));
      else flag->check(CLI::Range(opt.min, opt.max));
    }
  cmd->footer(
      "Generates a small deterministic excerpt of each source in its real raw format (with a\n"
      "SHA256SUMS), serves it from a local mirror and runs the same code path as `rpdata run`.\n"
      "Example:\n  rpdata sample --out /tmp/rp-sample");
  cmd->callback([] { g_exit_code = run_sample(); });
}

}  // namespace rpdata::cli
