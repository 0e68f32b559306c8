#include "settings.h"

#include <optional>

#include "stages.h"

#include "rpdata/core/error.h"
#include "rpdata/exec/runner.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/hash.h"
#include "rpdata/quality/model_files.h"
#include "rpdata/tokenize/models.h"

namespace rpdata::exec {

Settings resolve_settings(const Recipe& r) {
  Settings s;
  s.base_url = r.download.get_string("base_url", "");
  s.planner = registries().planners.configure(r.download, r.name);
  s.checksums = registries().checksums.configure(r.download, r.name);
  s.selector = registries().selectors.configure(r.download, r.name);
  s.max_attempts = static_cast<int>(r.download.get_int("max_attempts", 10));
  s.per_host_connections = static_cast<int>(r.download.get_int("per_host_connections", 4));
  s.requests_per_s = r.download.get_double("requests_per_s", 0);
  s.files_per_unit = r.download.get_int("files_per_unit", 0);
  s.metadata = r.download.get_string("metadata", "");
  if (s.files_per_unit < 0) throw ConfigError("[download] files_per_unit must not be negative", r.name);
  s.format = r.read.get_string("format", "jsonl");
  std::string on_error = r.read.get_string("on_error", "fail");
  if (on_error != "fail" && on_error != "truncate")
    throw ConfigError("[read] on_error must be fail or truncate", r.name);
  s.truncate_on_error = on_error == "truncate";
  s.reader_factory = reader_registry().configure(s.format, r.read);
  s.name_suffixes = reader_registry().find(s.format)->name_suffixes;
  s.style = io::parse_json_style(r.output.get_string("json_style", "python"));
  s.layout = io::parse_record_layout(r.output.get_string("layout", "text_meta"));
  s.max_shard_bytes = static_cast<uint64_t>(r.output.get_int("max_shard_bytes", 1ll << 30));
  s.frame_docs = r.output.get_int("frame_docs", 1000);
  s.zstd_level = static_cast<int>(r.output.get_int("zstd_level", 3));
  s.tokenizers = r.output.get_strings("tokenizers", {"neox"});
  s.require_tokenizers = r.output.get_bool("require_tokenizers", true);
  for (const auto& t : s.tokenizers)
    if (tokenize::model_relative_paths(t).empty())
      throw ConfigError("[output] tokenizers: unknown tokenizer '" + t + "' (known: neox, llama)", r.name);
  for (const Params* p : {&r.download, &r.output}) p->reject_unused();
  if (s.max_shard_bytes == 0) throw ConfigError("[output] max_shard_bytes must be positive", r.name);
  return s;
}

void validate_recipe(const Recipe& recipe, bool check_model_files) {
  try {
    if (recipe.inputs.empty()) resolve_settings(recipe);
    for (const auto& g : recipe.inputs) resolve_settings(group_recipe(recipe, g));
    auto build_all = [&recipe] {
      build_steps(recipe);
      if (recipe.has_dedup) {
        dedup_kind(recipe);
        for (const auto& sc : recipe.post_steps) step_registry().make(sc.type, sc.params);
      }
    };
    std::optional<quality::ModelFilesUnchecked> unchecked;  // `rpdata download` needs no model files
    if (!check_model_files) unchecked.emplace();
    build_all();
  } catch (const ConfigError& e) {
    if (!e.path().empty()) throw;
    throw ConfigError(e.message(), recipe.name);  // name the recipe the key came from
  }
}

std::vector<std::unique_ptr<Step>> build_steps(const Recipe& r) {
  std::vector<std::unique_ptr<Step>> steps;
  for (const auto& sc : r.steps) steps.push_back(step_registry().make(sc.type, sc.params));
  return steps;
}

std::string settings_digest(const Recipe& r, const std::vector<std::string>& tokenizers) {
  std::string canon = "source=" + r.source + ";" + r.read.canonical() + r.output.canonical();
  for (const auto& g : r.inputs)  // a multi-group recipe: each group's reader settings, in order
    canon += "inputs:" + g.name + (g.local ? ":local;" : ";") + g.read.canonical();
  for (const auto& s : r.steps) canon += "step:" + s.type + s.params.canonical();
  if (r.has_dedup) canon += "dedup:" + r.dedup.canonical();
  for (const auto& s : r.post_steps) canon += "post_step:" + s.type + s.params.canonical();
  canon += "tokens:";
  for (const auto& t : tokenizers) canon += t + ",";
  return io::sha256_hex(canon);
}

}  // namespace rpdata::exec
