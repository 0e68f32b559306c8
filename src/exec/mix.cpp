#include "rpdata/exec/mix.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>

#include "rpdata/core/error.h"
#include "rpdata/core/registry.h"
#include "rpdata/exec/runner.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/json_writer.h"

namespace rpdata::exec {
namespace fs = std::filesystem;

namespace {

// The tokenized sources of `dir`: folders with a manifest.json that lists shards.
std::vector<MixSource> read_sources(const fs::path& dir) {
  std::vector<MixSource> out;
  std::vector<fs::path> dirs;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_directory() && fs::exists(e.path() / "manifest.json")) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  const fs::path root = fs::absolute(dir).lexically_normal();
  for (const auto& d : dirs) {
    const fs::path file = d / "manifest.json";
    simdjson::dom::parser parser;
    simdjson::padded_string buf(io::read_file(file));
    simdjson::dom::element m;
    simdjson::dom::array shards;
    MixSource s;
    s.source = d.filename().string();
    if (parser.parse(buf).get(m) || m["tokens_with_eod"].get(s.tokens) || m["docs"].get(s.docs) ||
        m["shards"].get(shards))
      throw InputError("not a tokenized source's manifest (rpdata tokenize writes them)", file.string());
    for (auto sh : shards) {
      std::string_view prefix;
      int64_t tokens = 0;
      if (sh["prefix"].get(prefix) || sh["tokens_with_eod"].get(tokens))
        throw InputError("a shard row lacks prefix or tokens_with_eod", file.string());
      s.prefixes.emplace_back((root / std::string(prefix)).string(), static_cast<double>(tokens));
    }
    out.push_back(std::move(s));
  }
  if (out.empty())
    throw ConfigError("no tokenized sources in " + dir.string() + " (expected SOURCE/manifest.json from rpdata tokenize)");
  return out;
}

std::string fmt_tokens(double t) {
  char b[32];
  if (t >= 1e9) std::snprintf(b, sizeof b, "%.1fB", t / 1e9);
  else if (t >= 1e6) std::snprintf(b, sizeof b, "%.1fM", t / 1e6);
  else std::snprintf(b, sizeof b, "%.0f", t);
  return b;
}

}  // namespace

Mix plan_mix(const MixOptions& o) {
  Mix mix;
  mix.sources = read_sources(o.dataset);
  {
    const fs::path top = o.dataset / "manifest.json";
    simdjson::dom::parser parser;
    simdjson::padded_string buf(io::read_file(top));
    std::string_view tokenizer;
    if (parser.parse(buf)["tokenizer"].get(tokenizer))
      throw InputError("not a tokenized directory's manifest (rpdata tokenize writes it)", top.string());
    mix.tokenizer = std::string(tokenizer);
  }
  const auto& slices = source_infos();
  for (auto& s : mix.sources)
    for (const auto& info : slices)
      if (std::find(info.run_names.begin(), info.run_names.end(), s.source) != info.run_names.end()) s.slice = info.name;
  for (const auto& s : mix.sources) mix.tokens += s.tokens;

  if (!o.weights.empty()) {
    mix.proportions = "given weights";
    for (const auto& [name, w] : o.weights) {
      if (w < 0) throw ConfigError("--weights " + name + ": a weight must not be negative");
      if (std::none_of(mix.sources.begin(), mix.sources.end(), [&](const MixSource& s) { return s.source == name; }))
        throw ConfigError("--weights names " + name + ", which " + o.dataset.string() + " does not hold");
    }
    for (auto& s : mix.sources) {
      auto it = o.weights.find(s.source);
      s.weight = it == o.weights.end() ? 0 : it->second;
      if (it == o.weights.end()) mix.notes.push_back(s.source + " has no weight: left out");
    }
  } else if (o.proportions == "tokens") {
    mix.proportions = "the tokens present";
    for (auto& s : mix.sources) s.weight = static_cast<double>(s.tokens);
  } else if (o.proportions == "redpajama") {
    mix.proportions = "RedPajama-Data-1T's published proportions";
    // A slice's share goes to its folders by their tokens (e.g. PG-19 and Books3 runs of "book").
    std::map<std::string, int64_t> slice_tokens;
    for (const auto& s : mix.sources) slice_tokens[s.slice] += s.tokens;
    for (auto& s : mix.sources) {
      auto info = std::find_if(slices.begin(), slices.end(), [&](const SourceInfo& i) { return i.name == s.slice; });
      if (s.slice.empty() || info == slices.end()) {
        mix.notes.push_back(s.source + " is no RedPajama slice: left out (give --weights to include it)");
        continue;
      }
      int64_t all = slice_tokens[s.slice];
      s.weight = info->published_tokens * (all > 0 ? static_cast<double>(s.tokens) / static_cast<double>(all) : 0);
    }
    std::vector<std::string> missing;
    for (const auto& info : slices)
      if (!slice_tokens.count(info.name)) missing.push_back(info.name);
    if (!missing.empty()) {
      std::string names;
      for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
      mix.notes.push_back("RedPajama slices not in the mix (their share goes to the others): " + names);
    }
  } else {
    throw ConfigError("--proportions must be redpajama or tokens, got '" + o.proportions + "'");
  }

  double total = 0;
  for (const auto& s : mix.sources) total += s.weight;
  if (total <= 0) throw ConfigError("every weight is zero: nothing to mix");
  mix.budget = o.budget.value_or(static_cast<double>(mix.tokens));
  if (mix.budget <= 0) throw ConfigError("--budget must be positive");
  for (auto& s : mix.sources) {
    s.weight /= total;
    s.target = s.weight * mix.budget;
    s.epochs = s.tokens > 0 ? s.target / static_cast<double>(s.tokens) : 0;
    double shard_total = 0;
    for (const auto& p : s.prefixes) shard_total += p.second;
    for (auto& p : s.prefixes) p.second = shard_total > 0 ? s.weight * p.second / shard_total : 0;
    if (s.epochs > 1.0 + 1e-9) {
      char b[160];
      std::snprintf(b, sizeof b, "%s is repeated: %.2f epochs (%s tokens for %s present)", s.source.c_str(), s.epochs,
                    fmt_tokens(s.target).c_str(), fmt_tokens(static_cast<double>(s.tokens)).c_str());
      mix.notes.push_back(b);
    }
  }
  return mix;
}

std::string mix_table(const Mix& mix) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-14s %14s %9s %14s %8s\n", "source", "tokens", "weight", "target", "epochs");
  out += line;
  for (const auto& s : mix.sources) {
    std::snprintf(line, sizeof line, "%-14s %14lld %8.4f%% %14.0f %8.3f\n", s.source.c_str(),
                  static_cast<long long>(s.tokens), 100 * s.weight, s.target, s.epochs);
    out += line;
  }
  std::snprintf(line, sizeof line, "%-14s %14lld %9s %14.0f\n", "total", static_cast<long long>(mix.tokens), "",
                mix.budget);
  out += line;
  out += "weights: " + mix.proportions + "; tokens include one end-of-document token per document\n";
  for (const auto& n : mix.notes) out += "note: " + n + "\n";
  return out;
}

std::string mix_json(const Mix& mix) {
  io::JsonObject sources;
  for (const auto& s : mix.sources) {
    io::JsonObject o;
    o.str("slice", s.slice).num("docs", s.docs).num("tokens", s.tokens).real("weight", s.weight);
    o.real("target_tokens", s.target).real("epochs", s.epochs);
    sources.raw(s.source, o.done());
  }
  return io::JsonObject()
             .str("proportions", mix.proportions)
             .real("budget_tokens", mix.budget)
             .num("tokens", mix.tokens)
             .raw("sources", sources.done())
             .raw("notes", io::json_strings(mix.notes))
             .done() +
         "\n";
}

std::string neox_config(const Mix& mix) {
  std::vector<std::string> paths;
  std::string weights = "[";
  for (const auto& s : mix.sources)
    for (const auto& [prefix, w] : s.prefixes) {
      if (w <= 0) continue;
      paths.push_back(prefix);
      std::string v;
      io::append_python_float(v, w);
      weights += (weights.size() > 1 ? ", " : "") + v;
    }
  char budget[64];
  std::snprintf(budget, sizeof budget, "%.0f", mix.budget);
  return "# GPT-NeoX data settings written by `rpdata mix` (" + mix.proportions + ", a budget of " + budget +
         " tokens).\n"
         "# Merge into your model config; set train_iters so that train_iters * train_batch_size *\n"
         "# seq_length is about the budget, and give valid_data_paths / test_data_paths of your own.\n"
         "{\n"
         "  \"train_data_paths\": " +
         io::json_strings(paths) + ",\n  \"train_data_weights\": " + weights +
         "],\n"
         "  \"tokenizer_type\": \"" + (mix.tokenizer == "neox" ? "HFTokenizer" : "SPMTokenizer") + "\",\n"
         "  \"data_impl\": \"mmap\"\n"
         "}\n";
}

std::string megatron_data_path(const Mix& mix) {
  std::string out;
  for (const auto& s : mix.sources)
    for (const auto& [prefix, w] : s.prefixes) {
      if (w <= 0) continue;
      std::string v;
      io::append_python_float(v, w);
      out += (out.empty() ? "" : " ") + v + " " + prefix;
    }
  return out + "\n";
}

}  // namespace rpdata::exec
