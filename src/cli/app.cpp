// The rpdata command line: subcommands, logging, and the only place that prints errors and
// chooses the exit code: 0 ok, 1 a task failed, 2 usage or config error.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "common.h"
#include "rpdata/cli/app.h"
#include "rpdata/core/error.h"
#include "rpdata/exec/runner.h"

namespace {

constexpr const char* kDescription =
    "rpdata rebuilds the RedPajama-Data-1T corpus (1.2T GPT-NeoX tokens, 7 sources) from the\n"
    "raw public dumps and writes sharded zstd JSONL with verified manifests.\n"
    "\n"
    "The pipeline, per source: download raw inputs -> read records -> steps (reformat,\n"
    "dedup, filters) -> shards OUT/SOURCE/*.jsonl.zst + manifest rows -> merged manifest.\n"
    "Every stage is resumable: re-run the same command and completed inputs are verified and\n"
    "skipped. Split work with --rank/--world-size (or a Slurm job array); output bytes do not\n"
    "depend on the number of tasks or threads.\n";

constexpr const char* kFooter =
    "Examples:\n"
    "  rpdata sample --out /tmp/rp            # the whole pipeline on the bundled offline sample\n"
    "  rpdata run c4 --out runs/rp --limit 4  # first 4 C4 files from huggingface.co\n"
    "  rpdata status runs/rp                  # done / running / stale / failed per task\n"
    "  rpdata manifest runs/rp --json         # docs, bytes, shards, tokens per source\n"
    "  rpdata report runs/rp                  # token counts vs RedPajama's published ones\n"
    "  rpdata subsample runs/rp --out runs/s --fraction 0.01   # a RedPajama-Data-1T-Sample-style subset\n"
    "  rpdata count shard.jsonl.zst -j 2      # docs, bytes, GPT-NeoX tokens of any JSONL\n"
    "  rpdata recipe c4                       # the recipe, with each threshold's provenance\n"
    "  rpdata doctor c4 --out runs/rp         # preflight: hosts, checksums, credentials, models, disk\n"
    "  rpdata tokenize runs/rp --out runs/tok # GPT-NeoX / Megatron-LM .bin/.idx datasets of a run\n"
    "  rpdata mix runs/tok --budget 800e9     # per-source weights and epochs, the trainer's data paths\n"
    "Exit codes: 0 ok, 1 a task failed, 2 usage or configuration error.";

}  // namespace

namespace rpdata::cli {

int run(int argc, char** argv, const std::function<void(Registries&)>& extra_sources) {
  if (extra_sources) exec::add_source(extra_sources);
  CLI::App app{kDescription, "rpdata"};
  app.footer(kFooter);
  app.require_subcommand(1);
  app.fallthrough();  // -v/-q work after the subcommand too
  app.set_version_flag("--version", "rpdata 0.1.0");
  bool verbose = false, quiet = false;
  app.add_flag("-v,--verbose", verbose, "Debug logging");
  app.add_flag("-q,--quiet", quiet, "Warnings and errors only");
  app.parse_complete_callback([&] {
    if (verbose) spdlog::set_level(spdlog::level::debug);
    if (quiet) spdlog::set_level(spdlog::level::warn);
  });

  register_run(app);
  register_download(app);
  register_process(app);
  register_sample(app);
  register_status(app);
  register_manifest(app);
  register_steps(app);
  register_fetch(app);
  register_count(app);
  register_report(app);
  register_slurm(app);
  register_plan(app);
  register_classifier(app);
  register_models(app);
  register_doctor(app);
  register_tokenize(app);
  register_mix(app);
  register_subsample(app);

  auto logger = spdlog::stderr_color_mt("rpdata");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S %^%l%$ %v");
  try {
    g_command_line.assign(argv, argv + argc);
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const Error& e) {
    spdlog::error("{}", e.what());
    spdlog::debug("thrown at {}", e.where());
    return e.exit_code();
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  return g_exit_code;
}

}  // namespace rpdata::cli
