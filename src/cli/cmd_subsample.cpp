// `rpdata subsample RUN_DIR --out DIR --fraction F`: a RedPajama-Data-1T-Sample-style subset of
// a finished run (exec/subsample.h), and a table of the files written.
#include <filesystem>

#include "common.h"
#include "rpdata/exec/subsample.h"
#include "rpdata/tokenize/models.h"

namespace rpdata::cli {
namespace {
exec::SubsampleOptions g_opt;
std::string g_run_dir, g_out, g_model;

int run_subsample() {
  g_opt.run_dir = g_run_dir;
  g_opt.out_dir = g_out;
  g_opt.tokenizer_model = g_model;
  // A run made by `rpdata sample` keeps the tokenizer it counted with in RUN_DIR/_models.
  if (std::filesystem::is_directory(g_opt.run_dir / "_models")) tokenize::prefer_model_dir(g_opt.run_dir / "_models");
  exec::SubsampleResult r = exec::subsample(g_opt);
  std::vector<std::vector<std::string>> rows{{"file", "docs", "of", "bytes", "neox tokens"}};
  for (const auto& f : r.files) {
    auto tokens = f.tokens.find("neox");
    rows.push_back({f.name, std::to_string(f.docs), std::to_string(f.docs_read),
                    human_bytes(static_cast<double>(f.bytes)),
                    tokens == f.tokens.end() ? "-" : std::to_string(tokens->second)});
  }
  print_table(rows);
  if (!r.partial_sources.empty()) {
    std::string names;
    for (const auto& s : r.partial_sources) names += (names.empty() ? "" : ", ") + s;
    std::printf("partial (--allow-partial): %s\n", names.c_str());
  }
  if (!r.no_tokens_reason.empty()) std::printf("tokens: %s\n", r.no_tokens_reason.c_str());
  std::printf("written: %s/manifest.json\n", g_out.c_str());
  return 0;
}
}  // namespace

void register_subsample(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "subsample", "Make a RedPajama-Data-1T-Sample-style subset of a finished run (one JSONL per slice)");
  cmd->add_option("run_dir", g_run_dir, "Run directory (rpdata run/sample --out)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--out,-o", g_out, "Output directory: <slice>_sample.jsonl files and manifest.json")->required();
  cmd->add_option("--fraction,-f", g_opt.fraction, "Share of the records to keep, in (0, 1]")
      ->required()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--seed", g_opt.seed, "Selection seed: another seed selects other records")->capture_default_str();
  cmd->add_option("--sources", g_opt.sources, "Only these run sources (comma-separated; default: all)")
      ->delimiter(',');
  cmd->add_option("--threads,-j", g_opt.threads, "Shards read at once (the output does not depend on it)")
      ->check(at_least(1))
      ->capture_default_str();
  cmd->add_flag("--allow-partial", g_opt.allow_partial,
                "Take what an unfinished run has done (recorded in the manifest); refused otherwise");
  cmd->add_option("--model", g_model,
                  "GPT-NeoX-20B tokenizer.json for the token counts (default: RUN_DIR/_models, $RPDATA_MODELS, "
                  "~/.cache); absent: no counts");
  cmd->footer(
      "Record LINE of shard SHARD of source SOURCE is kept iff a 64-bit hash of (seed, SOURCE,\n"
      "SHARD, LINE) is below fraction * 2^64 (docs/subsample.md): the same records for any\n"
      "--threads, and every record at --fraction 1. Records keep the run's bytes, in manifest\n"
      "order, one file per slice as the published sample names them (a source may split its\n"
      "slice, e.g. one file per crawl).\n"
      "Each shard is checked against the run's sha256 while it is read; nothing is published\n"
      "unless every shard verifies.\n"
      "Examples:\n"
      "  rpdata sample --out /tmp/rp && rpdata subsample /tmp/rp --out /tmp/rp_sample --fraction 0.1\n"
      "  rpdata subsample runs/rp --out runs/rp_1pct --fraction 0.01 --seed 7 --threads 2\n"
      "  rpdata subsample runs/rp --out runs/rp_part --fraction 0.01 --allow-partial   # a run still going");
  cmd->callback([] { g_exit_code = run_subsample(); });
}

}  // namespace rpdata::cli
