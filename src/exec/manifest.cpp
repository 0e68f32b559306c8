#include "rpdata/exec/manifest.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>

#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/hash.h"
#include "rpdata/io/json_writer.h"

namespace rpdata::exec {
namespace fs = std::filesystem;
namespace {

void str(std::string& out, std::string_view s) { io::append_json_string(out, s, io::JsonStyle::kPython); }

void kv(std::string& out, std::string_view key, std::string_view value, bool comma = true) {
  if (comma) out += ", ";
  str(out, key);
  out += ": ";
  str(out, value);
}

void kv_int(std::string& out, std::string_view key, int64_t value, bool comma = true) {
  if (comma) out += ", ";
  str(out, key);
  out += ": " + std::to_string(value);
}

void int_map(std::string& out, const std::map<std::string, int64_t>& m) {
  out += '{';
  bool first = true;
  for (const auto& [k, v] : m) {
    kv_int(out, k, v, !first);
    first = false;
  }
  out += '}';
}

std::string shard_row(const io::ShardInfo& s, const std::string& prefix) {
  std::string out = "{";
  kv(out, "path", prefix + s.name, false);
  kv_int(out, "docs", s.docs);
  kv_int(out, "bytes", static_cast<int64_t>(s.bytes));
  kv_int(out, "compressed_bytes", static_cast<int64_t>(s.compressed_bytes));
  kv(out, "sha256", s.sha256);
  kv_int(out, "frames", s.frames);
  out += ", \"tokens\": ";
  int_map(out, s.tokens);
  out += '}';
  return out;
}

simdjson::dom::element parse(simdjson::dom::parser& parser, simdjson::padded_string& buf,
                             const fs::path& path) {
  buf = simdjson::padded_string(io::read_file(path));
  simdjson::dom::element root;
  if (parser.parse(buf).get(root)) throw InputError("not valid JSON", path.string());
  return root;
}

std::string get_str(simdjson::dom::element e, const char* key, const fs::path& path) {
  std::string_view v;
  if (e[key].get_string().get(v)) throw InputError(std::string("missing string '") + key + "'", path.string());
  return std::string(v);
}

int64_t get_int(simdjson::dom::element e, const char* key, const fs::path& path) {
  int64_t v;
  if (e[key].get_int64().get(v)) throw InputError(std::string("missing integer '") + key + "'", path.string());
  return v;
}

std::map<std::string, int64_t> get_int_map(simdjson::dom::element e, const char* key) {
  std::map<std::string, int64_t> out;
  simdjson::dom::object obj;
  if (e[key].get_object().get(obj)) return out;
  for (auto field : obj) {
    int64_t v;
    if (!field.value.get_int64().get(v)) out[std::string(field.key)] = v;
  }
  return out;
}

}  // namespace

std::string stats_to_json(const Stats& s) {
  std::string out = "{\"counters\": ";
  int_map(out, s.counters);
  out += ", \"drops\": ";
  int_map(out, s.drops);
  out += '}';
  return out;
}

std::string plan_to_json(const Plan& plan) {
  std::string out = "{";
  kv(out, "recipe", plan.recipe, false);
  kv(out, "source", plan.source);
  kv(out, "settings_digest", plan.settings_digest);
  out += ", \"units\": [";
  for (size_t i = 0; i < plan.units.size(); ++i) {
    out += i ? ",\n  {" : "\n  {";
    kv(out, "name", plan.units[i].name, false);
    kv(out, "url", plan.units[i].url);
    kv(out, "path", plan.units[i].path);
    out += '}';
  }
  out += "]}\n";
  return out;
}

Plan read_plan(const fs::path& path) {
  simdjson::dom::parser parser;
  simdjson::padded_string buf;
  auto root = parse(parser, buf, path);
  Plan plan;
  plan.recipe = get_str(root, "recipe", path);
  plan.source = get_str(root, "source", path);
  plan.settings_digest = get_str(root, "settings_digest", path);
  simdjson::dom::array units;
  if (root["units"].get_array().get(units)) throw InputError("plan has no units", path.string());
  for (auto u : units)
    plan.units.push_back({get_str(u, "name", path), get_str(u, "url", path), get_str(u, "path", path)});
  return plan;
}

std::string unit_record_to_json(const UnitRecord& r, double seconds) {
  std::string out = "{";
  kv(out, "unit", r.unit, false);
  kv_int(out, "index", static_cast<int64_t>(r.index));
  kv_int(out, "input_size", static_cast<int64_t>(r.input_size));
  kv(out, "input_sha256", r.input_sha256);
  out += ", \"seconds\": ";
  io::append_python_float(out, seconds);
  out += ", \"shards\": [";
  for (size_t i = 0; i < r.shards.size(); ++i) {
    if (i) out += ", ";
    out += shard_row(r.shards[i], "");
  }
  out += "], \"stats\": " + stats_to_json(r.stats) + "}\n";
  return out;
}

UnitRecord read_unit_record(const fs::path& path) {
  simdjson::dom::parser parser;
  simdjson::padded_string buf;
  auto root = parse(parser, buf, path);
  UnitRecord r;
  r.unit = get_str(root, "unit", path);
  r.index = static_cast<size_t>(get_int(root, "index", path));
  r.input_size = static_cast<uint64_t>(get_int(root, "input_size", path));
  r.input_sha256 = get_str(root, "input_sha256", path);
  simdjson::dom::array shards;
  if (root["shards"].get_array().get(shards)) throw InputError("marker has no shards", path.string());
  for (auto s : shards) {
    io::ShardInfo info;
    info.name = get_str(s, "path", path);
    info.docs = get_int(s, "docs", path);
    info.bytes = static_cast<uint64_t>(get_int(s, "bytes", path));
    info.compressed_bytes = static_cast<uint64_t>(get_int(s, "compressed_bytes", path));
    info.sha256 = get_str(s, "sha256", path);
    info.frames = get_int(s, "frames", path);
    info.tokens = get_int_map(s, "tokens");
    r.shards.push_back(std::move(info));
  }
  simdjson::dom::element stats;
  if (!root["stats"].get(stats)) {
    r.stats.counters = get_int_map(stats, "counters");
    r.stats.drops = get_int_map(stats, "drops");
  }
  return r;
}

std::string verify_unit(const RunLayout& layout, const UnitRecord& r, bool sha256) {
  for (const auto& s : r.shards) {
    fs::path p = layout.source_dir() / s.name;
    std::error_code ec;
    auto size = fs::file_size(p, ec);
    if (ec) return s.name + " is missing";
    if (size != s.compressed_bytes)
      return s.name + " has " + std::to_string(size) + " bytes, manifest says " + std::to_string(s.compressed_bytes);
    if (sha256 && io::file_sha256_hex(p) != s.sha256) return s.name + " sha256 does not match the manifest";
  }
  return {};
}

SourceTotals merge_manifest(const RunLayout& layout, bool write) {
  Plan plan = read_plan(layout.plan_file());
  SourceTotals t;
  t.source = plan.source;
  t.units = static_cast<int64_t>(plan.units.size());
  std::string rows;
  for (const auto& unit : plan.units) {
    fs::path marker = layout.unit_marker(unit.name);
    if (!fs::exists(marker)) continue;
    UnitRecord r = read_unit_record(marker);
    ++t.units_done;
    for (const auto& s : r.shards) {
      rows += shard_row(s, layout.source + "/") + "\n";
      t.docs += s.docs;
      t.bytes += s.bytes;
      t.compressed_bytes += s.compressed_bytes;
      ++t.shards;
      for (const auto& [k, v] : s.tokens) t.tokens[k] += v;
    }
    for (const auto& [k, v] : r.stats.drops) t.drops[k] += v;
  }
  if (write && t.complete()) {
    std::string summary = "{";
    kv(summary, "source", t.source, false);
    kv(summary, "recipe", plan.recipe);
    kv_int(summary, "inputs", t.units);
    kv_int(summary, "docs", t.docs);
    kv_int(summary, "bytes", static_cast<int64_t>(t.bytes));
    kv_int(summary, "compressed_bytes", static_cast<int64_t>(t.compressed_bytes));
    kv_int(summary, "shards", t.shards);
    summary += ", \"tokens\": ";
    int_map(summary, t.tokens);
    summary += ", \"drops\": ";
    int_map(summary, t.drops);
    summary += "}\n";
    io::write_file_atomic(layout.manifest_rows(), rows);
    io::write_file_atomic(layout.manifest_summary(), summary);
  }
  return t;
}

std::vector<std::string> run_sources(const fs::path& out) {
  std::vector<std::string> sources;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(out, ec)) {
    if (entry.is_directory() && fs::exists(entry.path() / "_work" / "plan.json"))
      sources.push_back(entry.path().filename().string());
  }
  std::sort(sources.begin(), sources.end());
  return sources;
}

}  // namespace rpdata::exec
