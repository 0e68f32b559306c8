// `rpdata tokenize RUN_DIR --out DIR`: a finished run -> GPT-NeoX / Megatron-LM indexed datasets.
#include <spdlog/spdlog.h>

#include "common.h"
#include "rpdata/exec/tokenize_dataset.h"

namespace rpdata::cli {
namespace {
exec::TokenizeOptions g_opt;
std::string g_run, g_out, g_model;
std::optional<int> g_rank, g_world, g_eod;
bool g_no_progress = false;

int run_tokenize() {
  g_opt.run_dir = g_run;
  g_opt.out = g_out;
  g_opt.model_file = g_model;
  g_opt.task = exec::resolve_task(g_rank, g_world);
  if (g_eod) g_opt.eod_id = *g_eod;
  ProgressLine progress("tokenize", !g_no_progress);
  exec::TokenizeSummary s = exec::tokenize_run(g_opt, [&](int64_t d, int64_t t) {
    progress.update(static_cast<uint64_t>(d), static_cast<uint64_t>(t));
  });
  spdlog::info("tokenize: {} output shard(s) of this task: {} made, {} already done, {} failed{}", s.shards_done +
               s.shards_skipped + s.failed, s.shards_done, s.shards_skipped, s.failed,
               s.finished_sources.empty() ? "" : "; finished: " + [&] {
                 std::string names;
                 for (const auto& n : s.finished_sources) names += (names.empty() ? "" : ", ") + n;
                 return names;
               }() + " (manifest.json)");
  return s.failed ? 1 : 0;
}
}  // namespace

void register_tokenize(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "tokenize", "Tokenize a finished run into the indexed datasets GPT-NeoX and Megatron-LM train from (.bin/.idx)");
  cmd->add_option("run_dir", g_run, "Run directory (the --out of rpdata run or sample)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--out,-o", g_out, "Where the datasets go: OUT/SOURCE/SOURCE-NNNNN_text_document.{bin,idx}")
      ->required();
  cmd->add_option("--tokenizer,-t", g_opt.tokenizer, "neox (GPT-NeoX-20B, what RedPajama-INCITE trained on) or llama")
      ->check(CLI::IsMember({"neox", "llama"}))
      ->capture_default_str();
  cmd->add_option("--model", g_model, "Tokenizer model file (default: found under $RPDATA_MODELS or ~/.cache)");
  cmd->add_option("--sources", g_opt.sources, "Only these sources of the run (default: all)")->delimiter(',');
  cmd->add_option("--threads,-j", g_opt.threads, "Output shards made in parallel")
      ->check(at_least(1))
      ->capture_default_str();
  cmd->add_option("--rank", g_rank, "This task's rank, 0-based (default SLURM_ARRAY_TASK_ID or 0)")->check(at_least(0));
  cmd->add_option("--world-size", g_world, "Number of tasks (default SLURM_ARRAY_TASK_COUNT or 1)")->check(at_least(1));
  cmd->add_option("--shard-bytes", g_opt.shard_bytes,
                  "An output shard takes consecutive run shards up to this many JSONL bytes (at least one)")
      ->check(at_least(1))
      ->capture_default_str();
  cmd->add_option("--eod-id", g_eod, "End-of-document id appended to each document (default: the tokenizer's: "
                                     "<|endoftext|> for neox, </s> for llama)")
      ->check(at_least(0));
  cmd->add_flag("--allow-partial", g_opt.allow_partial,
                "Tokenize the finished inputs of an unfinished source (recorded as partial in the manifests)");
  cmd->add_flag("--no-progress", g_no_progress, "No progress bar");
  cmd->footer(
      "Each document becomes one sequence of its token ids followed by one end-of-document id, as\n"
      "GPT-NeoX's tools/datasets/preprocess_data.py --append-eod writes them (MMIDIDX v1, uint16 ids\n"
      "when the vocabulary has fewer than 65500 ids, else int32). Input shards are checked against\n"
      "the run's sha256; each source's total must equal the run's token count plus one EOD per\n"
      "document. Resumable: re-run the same command and finished shards are skipped; the output does\n"
      "not depend on --threads or the task count. Then `rpdata mix` writes the training mixture.\n"
      "Examples:\n"
      "  rpdata tokenize /tmp/rp --out /tmp/rp-neox -j 2\n"
      "  rpdata tokenize runs/rp --out /data/rp-neox --rank 3 --world-size 16   # one task of 16\n"
      "  rpdata tokenize runs/rp --out /data/rp-llama --tokenizer llama --sources arxiv,wikipedia");
  cmd->callback([] { g_exit_code = run_tokenize(); });
}

}  // namespace rpdata::cli
