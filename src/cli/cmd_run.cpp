// `rpdata run|process|download SOURCE`: the staged pipeline for one source.
#include "common.h"

namespace rpdata::cli {
namespace {
RunArgs g_run, g_process, g_download;
}

void register_run(CLI::App& app) {
  auto* cmd = app.add_subcommand("run", "Download and process one source into OUT/SOURCE (resumable)");
  add_run_flags(*cmd, g_run, true, true);
  cmd->footer(
      "Examples:\n"
      "  rpdata run c4 --out runs/rp --limit 2                 # first 2 of 1024 C4 files\n"
      "  rpdata run c4 --out runs/rp --rank 3 --world-size 64  # one task of 64\n"
      "  rpdata run c4 --out runs/rp --mirror /data/c4/en      # a local copy of allenai/c4 en\n"
      "  rpdata run c4 --out runs/rp --input c4-train.00000-of-01024.json.gz\n"
      "Re-running the same command skips inputs whose shards verify and redoes the rest;\n"
      "the output is byte-identical whatever the --world-size or --threads.");
  cmd->callback([] { g_exit_code = execute_run(g_run, true, true); });
}

void register_process(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "process", "Process raw inputs already downloaded (or given with --input); never touches the network");
  add_run_flags(*cmd, g_process, true, true);
  cmd->footer("Example:\n  rpdata download c4 --out runs/rp --limit 8 && rpdata process c4 --out runs/rp --limit 8");
  cmd->callback([] { g_exit_code = execute_run(g_process, false, true); });
}

void register_download(CLI::App& app) {
  auto* cmd = app.add_subcommand("download", "Fetch one source's raw inputs into OUT/SOURCE/_work/raw (resumable)");
  add_run_flags(*cmd, g_download, false, false);
  cmd->footer(
      "Retries with backoff on drops, 5xx, 429 and S3 SlowDown; resumes partial files with\n"
      "HTTP Range; verifies the checksums the source publishes; renames only complete files.\n"
      "Example:\n  rpdata download c4 --out runs/rp --limit 16 --threads 4");
  cmd->callback([] { g_exit_code = execute_run(g_download, true, false); });
}

}  // namespace rpdata::cli
