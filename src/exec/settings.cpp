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
  s.pattern = r.download.get_string("pattern", "");
  s.count = r.download.get_int("count", 0);
  s.first = r.download.get_int("first", 0);
  s.files = r.download.get_strings("files", {});
  s.files_from = r.download.get_string("files_from", "");
  s.files_suffix = r.download.get_string("files_suffix", "");
  s.exclude = r.download.get_strings("exclude", {});
  s.select_top = r.download.get_int("select_top", 0);
  s.select_by = r.download.get_string("select_by", "");
  s.listing = r.download.get_string("listing", "");
  s.units = r.download.get_int("units", 0);
  s.unit_name = r.download.get_string("unit_name", "");
  s.dumps = r.download.get_strings("dumps", {});
  if (!s.dumps.empty() && (s.listing.find("{dump}") == std::string::npos || s.unit_name.find("{dump}") == std::string::npos))
    throw ConfigError("[download] dumps: listing and unit_name must contain {dump}", r.name);
  s.list = r.download.get_strings("list", {});
  std::string list_file = r.download.get_string("list_file", "");
  s.name_suffix = r.download.get_string("name_suffix", "");
  if (!list_file.empty()) {
    if (!s.list.empty()) throw ConfigError("[download] has both list and list_file", r.name);
    std::string text;
    try {
      text = io::read_file(list_file);
    } catch (const Error& e) {
      throw ConfigError("[download] list_file: " + e.message(), list_file);
    }
    size_t pos = 0;
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
      pos = nl == std::string::npos ? text.size() : nl + 1;
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
      size_t b = line.find_first_not_of(" \t");
      if (b == std::string::npos || line[b] == '#') continue;
      s.list.push_back(line.substr(b));
    }
    if (s.list.empty()) throw ConfigError("[download] list_file has no entries", list_file);
  }
  s.languages = r.download.get_strings("languages", {});
  s.checksums = r.download.get_string("checksums", "none");
  s.checksums_file = r.download.get_string("checksums_file", "SHA256SUMS");
  s.max_attempts = static_cast<int>(r.download.get_int("max_attempts", 10));
  s.per_host_connections = static_cast<int>(r.download.get_int("per_host_connections", 4));
  s.requests_per_s = r.download.get_double("requests_per_s", 0);
  s.s3_uri = r.download.get_string("s3", "");
  s.s3_name_prefix = r.download.get_string("name_prefix", "");
  s.s3_name_suffix = r.download.get_string("name_suffix", "");
  s.s3_manifest = r.download.get_string("manifest", "");
  s.s3_endpoint = r.download.get_string("endpoint", "");
  s.s3_region = r.download.get_string("region", "us-east-1");
  s.requester_pays = r.download.get_bool("requester_pays", true);
  s.price_per_gb = r.download.get_double("price_per_gb", 0.09);
  if (!s.s3_uri.empty() && !s.s3_uri.starts_with("s3://"))
    throw ConfigError("[download] s3 must be an s3://bucket/prefix URI", r.name);
  if (s.checksums != "none" && s.checksums != "sha256sums" && s.checksums != "md5sums" &&
      s.checksums != "hf_lfs_pointer" && s.checksums != "s3_manifest" && s.checksums != "archive_org_files_xml")
    throw ConfigError("[download] checksums must be none, sha256sums, md5sums, hf_lfs_pointer, s3_manifest or "
                      "archive_org_files_xml", r.name);
  if (s.checksums == "s3_manifest" && s.s3_manifest.empty())
    throw ConfigError("[download] checksums = \"s3_manifest\" needs manifest = \"<key>\"", r.name);
  s.bucket_listing = r.download.get_string("bucket_listing", "");
  s.bucket = r.download.get_string("bucket", "");
  s.prefix = r.download.get_string("prefix", "");
  s.metadata = r.download.get_string("metadata", "");
  s.files_per_unit = r.download.get_int("files_per_unit", 0);
  if (!s.bucket_listing.empty() && s.bucket_listing != "gcs")
    throw ConfigError("[download] bucket_listing must be \"gcs\" (or absent)", r.name);
  if (s.bucket_listing == "gcs" && s.bucket.empty())
    throw ConfigError("[download] bucket_listing = \"gcs\" needs a bucket", r.name);
  if (s.files_per_unit < 0) throw ConfigError("[download] files_per_unit must not be negative", r.name);
  s.format = r.read.get_string("format", "jsonl");
  std::string on_error = r.read.get_string("on_error", "fail");
  if (on_error != "fail" && on_error != "truncate")
    throw ConfigError("[read] on_error must be fail or truncate", r.name);
  s.truncate_on_error = on_error == "truncate";
  s.reader_factory = reader_registry().configure(s.format, r.read);
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
  if (!s.files_from.empty() && (s.files_from != "checksums_file" || s.checksums != "archive_org_files_xml"))
    throw ConfigError("[download] files_from must be \"checksums_file\" with checksums = \"archive_org_files_xml\"",
                      r.name);
  if (s.select_top < 0) throw ConfigError("[download] select_top must be >= 0", r.name);
  if (s.select_top > 0 && s.select_by != "stackexchange_posts")
    throw ConfigError("[download] select_by must be \"stackexchange_posts\" when select_top is set", r.name);
  if (!s.files.empty() && !s.pattern.empty())
    throw ConfigError("[download] has both files and pattern; give one", r.name);
  if (s.pattern.empty() && s.files.empty() && s.files_from.empty() && s.listing.empty() &&
      s.bucket_listing.empty() && !s.base_url.empty())
    throw ConfigError("[download] has base_url but no pattern, files or listing", r.name);
  if (!s.listing.empty()) {
    if (!s.pattern.empty()) throw ConfigError("[download] takes pattern or listing, not both", r.name);
    if (s.units <= 0) throw ConfigError("[download] listing needs units > 0", r.name);
    if (s.unit_name.find("{index") == std::string::npos)
      throw ConfigError("[download] listing needs unit_name with {index} or {index:0N}", r.name);
  }
  return s;
}

void validate_recipe(const Recipe& recipe, bool check_model_files) {
  try {
    if (recipe.inputs.empty()) resolve_settings(recipe);
    for (const auto& g : recipe.inputs) resolve_settings(group_recipe(recipe, g));
    auto build_all = [&recipe] {
      build_steps(recipe);
      if (recipe.has_dedup) {
        parse_key_spec(recipe);
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
