#include "settings.h"

#include <optional>

#include "stages.h"

#include "rpdata/core/error.h"
#include "rpdata/exec/plan_estimate.h"
#include "rpdata/exec/runner.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/hash.h"
#include "rpdata/quality/model_files.h"
#include "rpdata/tokenize/models.h"

namespace rpdata::exec {

Keys run_download_keys() {
  return {Key::text("base_url", "", "where the inputs are (--mirror replaces it; empty: --input only)"),
          Key::integer("max_attempts", 10, "attempts per download before the unit fails"),
          Key::integer("per_host_connections", 4, "concurrent connections per host"),
          Key::number("requests_per_s", 0, "requests per second per host (0: unlimited)"),
          Key::integer("files_per_unit", 0, "--input files per unit (0: one unit per file)"),
          Key::text("metadata", "", "an --input file every unit also reads, by name")};
}

Keys run_read_keys() {
  return {Key::text("format", "jsonl", "the input format (rpdata steps lists them)"),
          Key::text("on_error", "fail", "a truncated or corrupt input: \"fail\" the unit, or \"truncate\" "
                                        "(keep the documents before the damage)")};
}

Keys run_output_keys() {
  return {Key::text("json_style", "python", "record JSON: python (json.dumps), python_utf8, compact or jq_compact"),
          Key::text("layout", "text_meta", "record fields: text_meta, meta_text, flat or flat_text_before_last"),
          Key::integer("max_shard_bytes", 1ll << 30, "uncompressed bytes per output shard"),
          Key::integer("frame_docs", 1000, "documents per zstd frame"),
          Key::integer("zstd_level", 3, "zstd compression level"),
          Key::list("tokenizers", {"neox"}, "tokenizers counted while writing (neox, llama; skipped: not counted)")};
}

Settings resolve_settings(const Recipe& r, bool check_model_files) {
  return resolve_settings(r, std::make_shared<quality::RunModels>(check_model_files
                                                                      ? quality::parse_missing_models(r.missing_models)
                                                                      : quality::MissingModels::kUnchecked));
}

Settings resolve_settings(const Recipe& r, std::shared_ptr<const ModelLookup> models) {
  Settings s;
  s.models = std::move(models);
  r.download.declare("run", run_download_keys());
  r.read.declare("run", run_read_keys());
  r.output.declare("run", run_output_keys());
  s.base_url = r.download.get_string("base_url");
  s.planner = registries().planners.configure(r.download, r.name);
  s.checksums = registries().checksums.configure(r.download, r.name);
  s.selector = registries().selectors.configure(r.download, r.name);
  s.max_attempts = static_cast<int>(r.download.get_int("max_attempts"));
  s.per_host_connections = static_cast<int>(r.download.get_int("per_host_connections"));
  s.requests_per_s = r.download.get_double("requests_per_s");
  s.files_per_unit = r.download.get_int("files_per_unit");
  s.metadata = r.download.get_string("metadata");
  if (s.files_per_unit < 0) throw ConfigError("[download] files_per_unit must not be negative", r.name);
  s.format = r.read.get_string("format");
  std::string on_error = r.read.get_string("on_error");
  if (on_error != "fail" && on_error != "truncate")
    throw ConfigError("[read] on_error must be fail or truncate", r.name);
  s.truncate_on_error = on_error == "truncate";
  s.splitter = reader_registry().splitter(s.format, r.read);
  s.reader_factory = reader_registry().configure(s.format, r.read, *s.models);
  s.name_suffixes = reader_registry().find(s.format)->name_suffixes;
  s.style = io::parse_json_style(r.output.get_string("json_style"));
  s.layout = io::parse_record_layout(r.output.get_string("layout"));
  s.max_shard_bytes = static_cast<uint64_t>(r.output.get_int("max_shard_bytes"));
  s.frame_docs = r.output.get_int("frame_docs");
  s.zstd_level = static_cast<int>(r.output.get_int("zstd_level"));
  s.tokenizers = r.output.get_strings("tokenizers");
  for (const auto& t : s.tokenizers)
    if (tokenize::model_relative_paths(t).empty())
      throw ConfigError("[output] tokenizers: unknown tokenizer '" + t + "' (known: neox, llama)", r.name);
  for (const Params* p : {&r.download, &r.output}) p->reject_unused();
  if (s.max_shard_bytes == 0) throw ConfigError("[output] max_shard_bytes must be positive", r.name);
  return s;
}

void validate_recipe(const Recipe& recipe, bool check_model_files) {
  try {
    recipe.plan.declare("plan", plan_keys());
    recipe.plan.reject_unknown();
    std::shared_ptr<const ModelLookup> models;
    if (recipe.inputs.empty()) models = resolve_settings(recipe, check_model_files).models;
    for (const auto& g : recipe.inputs) models = resolve_settings(group_recipe(recipe, g), check_model_files).models;
    build_steps(recipe, *models);
    if (recipe.has_dedup) {
      dedup_kind(recipe);
      for (const auto& sc : recipe.post_steps) step_registry().make(sc.type, sc.params, *models);
    }
  } catch (const ConfigError& e) {
    if (!e.path().empty()) throw;
    throw ConfigError(e.message(), recipe.name);  // name the recipe the key came from
  }
}

std::vector<quality::ModelUse> recipe_models(const Recipe& recipe) {
  auto models = std::make_shared<quality::RecordingModels>();
  std::vector<std::string> tokenizers;
  try {
    if (recipe.inputs.empty()) tokenizers = resolve_settings(recipe, models).tokenizers;
    for (const auto& g : recipe.inputs) tokenizers = resolve_settings(group_recipe(recipe, g), models).tokenizers;
    build_steps(recipe, *models);
    for (const auto& sc : recipe.post_steps) step_registry().make(sc.type, sc.params, *models);
  } catch (const ConfigError& e) {
    if (!e.path().empty()) throw;
    throw ConfigError(e.message(), recipe.name);
  }
  for (const auto& t : tokenizers)
    if (t != "none") models->find("[output] tokenizers", quality::tokenizer_files(t));
  return models->uses();
}

std::vector<std::unique_ptr<Step>> build_steps(const Recipe& r, const ModelLookup& models) {
  std::vector<std::unique_ptr<Step>> steps;
  for (const auto& sc : r.steps) steps.push_back(step_registry().make(sc.type, sc.params, models));
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
