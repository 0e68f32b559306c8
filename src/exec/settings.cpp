#include "settings.h"

#include "rpdata/core/error.h"
#include "rpdata/exec/runner.h"
#include "rpdata/io/hash.h"
#include "rpdata/tokenize/models.h"

namespace rpdata::exec {

Settings resolve_settings(const Recipe& r) {
  Settings s;
  s.base_url = r.download.get_string("base_url", "");
  s.pattern = r.download.get_string("pattern", "");
  s.count = r.download.get_int("count", 0);
  s.first = r.download.get_int("first", 0);
  s.languages = r.download.get_strings("languages", {});
  s.checksums = r.download.get_string("checksums", "none");
  s.checksums_file = r.download.get_string("checksums_file", "SHA256SUMS");
  s.max_attempts = static_cast<int>(r.download.get_int("max_attempts", 10));
  s.per_host_connections = static_cast<int>(r.download.get_int("per_host_connections", 4));
  s.requests_per_s = r.download.get_double("requests_per_s", 0);
  if (s.checksums != "none" && s.checksums != "sha256sums" && s.checksums != "md5sums" && s.checksums != "hf_lfs_pointer")
    throw ConfigError("[download] checksums must be none, sha256sums, md5sums or hf_lfs_pointer", r.name);
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
  if (s.pattern.empty() && !s.base_url.empty()) throw ConfigError("[download] has base_url but no pattern", r.name);
  return s;
}

std::vector<std::unique_ptr<Step>> build_steps(const Recipe& r) {
  std::vector<std::unique_ptr<Step>> steps;
  for (const auto& sc : r.steps) steps.push_back(step_registry().make(sc.type, sc.params));
  return steps;
}

std::string settings_digest(const Recipe& r, const std::vector<std::string>& tokenizers) {
  std::string canon = "source=" + r.source + ";" + r.read.canonical() + r.output.canonical();
  for (const auto& s : r.steps) canon += "step:" + s.type + s.params.canonical();
  if (r.has_dedup) canon += "dedup:" + r.dedup.canonical();
  for (const auto& s : r.post_steps) canon += "post_step:" + s.type + s.params.canonical();
  canon += "tokens:";
  for (const auto& t : tokenizers) canon += t + ",";
  return io::sha256_hex(canon);
}

}  // namespace rpdata::exec
