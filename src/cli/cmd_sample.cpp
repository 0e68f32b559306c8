// `rpdata sample --out DIR`: the main job on the bundled offline sample. It generates each
// source's raw sample into a local mirror (DIR/_mirror/<source>), then runs the sample
// recipe through the real downloader (file:// URLs) and pipeline, and prints the table.
#include <spdlog/spdlog.h>

#include <filesystem>

#include "common.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/hash.h"
#include "rpdata/sources/c4/c4.h"

namespace rpdata::cli {
namespace {
std::string g_out;
int g_threads = 1;
sources::c4::SampleOptions g_c4;
bool g_no_progress = false;

int run_sample() {
  namespace fs = std::filesystem;
  fs::path mirror = fs::path(g_out) / "_mirror" / "c4";
  auto names = sources::c4::write_sample(mirror, g_c4);
  std::string sums;
  for (const auto& n : names) sums += io::file_sha256_hex(mirror / n) + "  " + n + "\n";
  io::write_file_atomic(mirror / "SHA256SUMS", sums);
  spdlog::info("sample: wrote {} C4 raw files to {}", names.size(), mirror.string());

  RunArgs a;
  a.source = "c4";
  a.recipe = "sample/c4";
  a.limit = g_c4.files;
  a.out = g_out;
  a.mirror = mirror.string();
  a.threads = g_threads;
  a.no_progress = g_no_progress;
  int rc = execute_run(a, true, true);
  print_run_table(g_out);
  return rc;
}
}  // namespace

void register_sample(CLI::App& app) {
  auto* cmd = app.add_subcommand("sample", "Run the main job on the bundled offline sample and print its table");
  cmd->add_option("--out,-o", g_out, "Run directory")->required();
  cmd->add_option("--threads,-j", g_threads, "Inputs processed in parallel")->check(at_least(1));
  cmd->add_flag("--no-progress", g_no_progress, "No progress bar");
  cmd->add_option("--c4-files", g_c4.files, "C4 sample: number of raw files (at most 4 in the recipe)")
      ->check(CLI::Range(1, 4))
      ->capture_default_str();
  cmd->add_option("--c4-docs", g_c4.docs_per_file, "C4 sample: documents per raw file")
      ->check(at_least(1))
      ->capture_default_str();
  cmd->footer(
      "Generates a small deterministic excerpt of each source in its real raw format\n"
      "(C4: c4-train.0000N-of-01024.json.gz + SHA256SUMS), serves it from a local mirror and\n"
      "runs the same code path as `rpdata run`. Example:\n  rpdata sample --out /tmp/rp-sample");
  cmd->callback([] { g_exit_code = run_sample(); });
}

}  // namespace rpdata::cli
