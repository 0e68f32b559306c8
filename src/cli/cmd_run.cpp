// `rpdata run|process|download SOURCE`: the staged pipeline for one source.
#include <spdlog/spdlog.h>

#include "common.h"
#include "rpdata/core/error.h"
#include "rpdata/exec/model_download.h"
#include "rpdata/tokenize/models.h"

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

int download_tokenizer(const RunArgs& a) {
  std::filesystem::path dir = a.out;
  if (dir.empty()) {
    auto dirs = tokenize::model_search_dirs();
    if (dirs.empty()) throw ConfigError("no models directory: give --out DIR or set RPDATA_MODELS");
    dir = dirs.front();
  }
  io::FetchOptions fo;
  fo.progress = !a.no_progress;
  auto d = exec::download_neox_tokenizer(dir, a.mirror, fo);
  spdlog::info("GPT-NeoX-20B tokenizer {} {} (sha256 {}{}); verified against reference tokenizations",
               d.already_present ? "already at" : "saved to", d.path.string(), d.sha256,
               d.known_bytes ? ", identical to EleutherAI's 20B_tokenizer.json" : "");
  return 0;
}

void register_download(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "download", "Fetch one source's raw inputs into OUT/SOURCE/_work/raw, or `tokenizer` (resumable)");
  add_run_flags(*cmd, g_download, true, false, false);  // --input: a recipe's local [[inputs]] group
  cmd->footer(
      "Retries with backoff on drops, 5xx, 429 and S3 SlowDown; resumes partial files with\n"
      "HTTP Range; verifies the checksums the source publishes; renames only complete files.\n"
      "Examples:\n  rpdata download c4 --out runs/rp --limit 16 --threads 4\n"
      "  rpdata download tokenizer [--out MODELS_DIR] [--mirror URL_OR_DIR]\n"
      "      GPT-NeoX-20B's tokenizer.json into MODELS_DIR/gpt-neox-20b/ (default $RPDATA_MODELS,\n"
      "      else ~/.cache/rpdata/models), checked by reproducing reference tokenizations.");
  cmd->callback([] {
    if (g_download.source == "tokenizer") {
      g_exit_code = download_tokenizer(g_download);
      return;
    }
    if (g_download.out.empty()) throw ConfigError("--out is required for `rpdata download " + g_download.source + "`");
    g_exit_code = execute_run(g_download, true, false);
  });
}

}  // namespace rpdata::cli
