// `rpdata mix DATASET`: per-source weights, epochs and the trainer's data settings.
#include <spdlog/spdlog.h>

#include <cstdio>

#include "common.h"
#include "rpdata/core/error.h"
#include "rpdata/exec/mix.h"
#include "rpdata/io/fs.h"

namespace rpdata::cli {
namespace {
exec::MixOptions g_opt;
std::string g_dataset, g_out;
std::vector<std::string> g_weights;
std::optional<double> g_budget;

int run_mix() {
  g_opt.dataset = g_dataset;
  g_opt.budget = g_budget;
  for (const auto& w : g_weights) {
    size_t eq = w.find('=');
    double v = 0;
    size_t used = 0;
    try {
      if (eq != std::string::npos) v = std::stod(w.substr(eq + 1), &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (eq == std::string::npos || eq == 0 || used == 0 || used != w.size() - eq - 1)
      throw ConfigError("--weights " + w + ": expected SOURCE=WEIGHT, e.g. c4=0.15");
    g_opt.weights[w.substr(0, eq)] = v;
  }
  exec::Mix mix = exec::plan_mix(g_opt);
  std::filesystem::path out = g_out.empty() ? std::filesystem::path(g_dataset) / "mix" : std::filesystem::path(g_out);
  io::write_file_atomic(out / "mix.json", exec::mix_json(mix));
  io::write_file_atomic(out / "neox.yml", exec::neox_config(mix));
  io::write_file_atomic(out / "megatron_data_path.txt", exec::megatron_data_path(mix));
  std::fputs(exec::mix_table(mix).c_str(), stdout);
  std::printf("wrote %s/{neox.yml, megatron_data_path.txt, mix.json}\n", out.string().c_str());
  return 0;
}
}  // namespace

void register_mix(CLI::App& app) {
  auto* cmd = app.add_subcommand("mix", "Weight a tokenized directory's sources into a training mixture (GPT-NeoX, "
                                        "Megatron-LM)");
  cmd->add_option("dataset", g_dataset, "A tokenized directory (the --out of rpdata tokenize)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--budget", g_budget, "Tokens to train on, e.g. 800e9 (default: the tokens present)");
  cmd->add_option("--proportions", g_opt.proportions,
                  "Weights: redpajama (each slice's share of RedPajama-Data-1T's published tokens) or tokens "
                  "(the tokens present)")
      ->check(CLI::IsMember({"redpajama", "tokens"}))
      ->capture_default_str();
  cmd->add_option("--weights", g_weights, "Own weights instead, SOURCE=WEIGHT (normalized; sources not named are "
                                          "left out)")
      ->delimiter(',');
  cmd->add_option("--out,-o", g_out, "Where the files go (default: DATASET/mix)");
  cmd->footer(
      "Each source gets weight w (normalized); a budget of B tokens takes w*B of them, which is\n"
      "w*B/tokens epochs of that source (a note says which sources repeat). Within a source the\n"
      "weight is split over its shards by their tokens. Writes neox.yml (GPT-NeoX's\n"
      "train_data_paths / train_data_weights), megatron_data_path.txt (Megatron-LM's --data-path\n"
      "W1 PREFIX1 W2 PREFIX2 ...) and mix.json. docs/training.md has a worked example.\n"
      "Examples:\n"
      "  rpdata mix /data/rp-neox --budget 800e9        # RedPajama-INCITE's 800B tokens, RedPajama's proportions\n"
      "  rpdata mix /data/rp-neox --weights commoncrawl=0.6,c4=0.2,github=0.1,wikipedia=0.1");
  cmd->callback([] { g_exit_code = run_mix(); });
}

}  // namespace rpdata::cli
