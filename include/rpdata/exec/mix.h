// `rpdata mix`: the training mixture of a tokenized directory (`rpdata tokenize --out`): per
// source a weight (RedPajama-Data-1T's published proportions, the tokens present, or the
// user's), the tokens a budget then takes from it and the epochs that implies, and the files a
// trainer reads:
//   GPT-NeoX:    "train_data_paths" / "train_data_weights" (megatron/data/data_utils.py's
//                build_weighted_datasets normalizes the weights and draws that share of samples)
//   Megatron-LM: --data-path W1 PREFIX1 W2 PREFIX2 ... (BlendedDataset, weights normalized)
// A source's weight is split over its shards by their tokens, so each source is read evenly.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rpdata::exec {

struct MixOptions {
  std::filesystem::path dataset;  // a `rpdata tokenize --out` directory
  // "redpajama": each slice's published share of RedPajama-Data-1T (renormalized over the
  // slices present); "tokens": the tokens present (every source read once per epoch).
  std::string proportions = "redpajama";
  std::map<std::string, double> weights;  // source -> weight; given: replaces `proportions`
  std::optional<double> budget;           // tokens to train on; default: the tokens present
};

struct MixSource {
  std::string source;   // the tokenized directory's folder
  std::string slice;    // the RedPajama slice it belongs to ("" when none)
  int64_t tokens = 0;   // with EOD, what a trainer reads
  int64_t docs = 0;
  double weight = 0;    // normalized over the sources in the mix
  double target = 0;    // tokens the budget takes from it
  double epochs = 0;    // target / tokens
  std::vector<std::pair<std::string, double>> prefixes;  // absolute data prefix, its weight
};

struct Mix {
  std::string tokenizer;    // the datasets' (their manifest.json): "neox", "llama"
  std::string proportions;  // how the weights were chosen, for the files' headers
  double budget = 0;
  int64_t tokens = 0;       // present in the mix's sources
  std::vector<MixSource> sources;
  std::vector<std::string> notes;  // left-out sources, repeated sources
};

// ConfigError for a directory without tokenized sources, an unknown proportions name, a
// weight for a source not there, negative weights or all zero.
Mix plan_mix(const MixOptions& options);

std::string mix_table(const Mix& mix);     // the human-readable table
std::string mix_json(const Mix& mix);      // mix.json
std::string neox_config(const Mix& mix);   // GPT-NeoX config fragment (YAML/JSON)
std::string megatron_data_path(const Mix& mix);  // the --data-path argument list, one line

}  // namespace rpdata::exec
