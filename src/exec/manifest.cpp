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

std::string shard_row(const io::ShardInfo& s, const std::string& prefix) {
  return io::JsonObject()
      .str("path", prefix + s.name)
      .num("docs", s.docs)
      .num("bytes", static_cast<int64_t>(s.bytes))
      .num("compressed_bytes", static_cast<int64_t>(s.compressed_bytes))
      .str("sha256", s.sha256)
      .num("frames", s.frames)
      .counts("tokens", s.tokens)
      .done();
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
  return io::JsonObject().counts("counters", s.counters).counts("drops", s.drops).done();
}

std::string plan_to_json(const Plan& plan) {
  std::string units = "[";
  for (size_t i = 0; i < plan.units.size(); ++i) {
    const PlanUnit& u = plan.units[i];
    io::JsonObject o;
    o.str("name", u.name).str("url", u.url).str("path", u.path);
    if (!u.group.empty()) o.str("group", u.group);
    if (!u.parts.empty()) {
      std::string parts = "[";
      for (size_t k = 0; k < u.parts.size(); ++k) {
        const PlanPart& p = u.parts[k];
        io::JsonObject po;
        po.str("name", p.name).str("url", p.url).str("path", p.path);
        if (!p.md5.empty()) po.str("md5", p.md5);
        if (p.size) po.num("size", static_cast<int64_t>(p.size));
        parts += (k ? ", " : "") + po.done();
      }
      o.raw("parts", parts + "]");
    }
    if (u.slice) {
      const InputSlice& sl = *u.slice;
      o.raw("slice", io::JsonObject()
                         .str("of", sl.of)
                         .num("begin", static_cast<int64_t>(sl.begin))
                         .num("end", static_cast<int64_t>(sl.end))
                         .num("first_record", sl.first_record)
                         .num("records", sl.records)
                         .done());
    }
    units += (i ? ",\n  " : "\n  ") + o.done();
  }
  units += "]";
  return io::JsonObject()
             .str("recipe", plan.recipe)
             .str("source", plan.source)
             .str("settings_digest", plan.settings_digest)
             .raw("overrides", io::json_strings(plan.overrides))
             .raw("deviations", io::json_strings(plan.deviations))
             .raw("notes", io::json_strings(plan.notes))
             .raw("units", units)
             .done() +
         "\n";
}

Plan read_plan(const fs::path& path) {
  simdjson::dom::parser parser;
  simdjson::padded_string buf;
  auto root = parse(parser, buf, path);
  Plan plan;
  plan.recipe = get_str(root, "recipe", path);
  plan.source = get_str(root, "source", path);
  plan.settings_digest = get_str(root, "settings_digest", path);
  for (auto [key, list] : {std::pair{"overrides", &plan.overrides}, std::pair{"deviations", &plan.deviations},
                          std::pair{"notes", &plan.notes}}) {
    simdjson::dom::array a;
    if (!root[key].get_array().get(a))  // absent in plans written before these were recorded
      for (auto v : a) {
        std::string_view sv;
        if (v.get(sv)) throw InputError(std::string("plan's ") + key + " are not strings", path.string());
        list->emplace_back(sv);
      }
  }
  simdjson::dom::array units;
  if (root["units"].get_array().get(units)) throw InputError("plan has no units", path.string());
  for (auto u : units) {
    PlanUnit unit{get_str(u, "name", path), get_str(u, "url", path), get_str(u, "path", path), {}};
    std::string_view group;
    if (!u["group"].get(group)) unit.group = std::string(group);
    simdjson::dom::array parts;
    if (!u["parts"].get_array().get(parts))
      for (auto p : parts) {
        PlanPart part{get_str(p, "name", path), get_str(p, "url", path), get_str(p, "path", path), {}, {}, 0};
        std::string_view md5;
        int64_t size = 0;
        if (!p["md5"].get(md5)) part.md5 = std::string(md5);
        if (!p["size"].get(size) && size > 0) part.size = static_cast<uint64_t>(size);
        unit.parts.push_back(std::move(part));
      }
    simdjson::dom::element slice;
    if (!u["slice"].get(slice)) {
      InputSlice sl;
      sl.of = get_str(slice, "of", path);
      int64_t begin = get_int(slice, "begin", path), end = get_int(slice, "end", path);
      sl.first_record = get_int(slice, "first_record", path);
      sl.records = get_int(slice, "records", path);
      if (begin < 0 || end < 0) throw InputError("plan's unit " + unit.name + " has a negative byte range", path.string());
      sl.begin = static_cast<uint64_t>(begin);
      sl.end = static_cast<uint64_t>(end);
      unit.slice = std::move(sl);
    }
    plan.units.push_back(std::move(unit));
  }
  return plan;
}

std::string unit_record_to_json(const UnitRecord& r, double seconds) {
  std::string shards = "[";
  for (size_t i = 0; i < r.shards.size(); ++i) shards += (i ? ", " : "") + shard_row(r.shards[i], "");
  shards += "]";
  return io::JsonObject()
             .str("unit", r.unit)
             .num("index", static_cast<int64_t>(r.index))
             .num("input_size", static_cast<int64_t>(r.input_size))
             .str("input_sha256", r.input_sha256)
             .real("seconds", seconds)
             .real("cpu_seconds", r.cpu_seconds)
             .raw("shards", shards)
             .raw("stats", stats_to_json(r.stats))
             .done() +
         "\n";
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

std::vector<std::pair<PlanUnit, UnitRecord>> done_units(const RunLayout& layout, const Plan& plan) {
  std::vector<std::pair<PlanUnit, UnitRecord>> done;
  for (const auto& unit : plan.units) {
    fs::path marker = layout.unit_marker(unit.name);
    if (fs::exists(marker)) done.emplace_back(unit, read_unit_record(marker));
  }
  return done;
}

SourceTotals merge_manifest(const RunLayout& layout, bool write) {
  Plan plan = read_plan(layout.plan_file());
  SourceTotals t;
  t.source = plan.source;
  t.units = static_cast<int64_t>(plan.units.size());
  std::string rows;
  for (const auto& [unit, r] : done_units(layout, plan)) {
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
    io::JsonObject o;
    o.str("source", t.source).str("recipe", plan.recipe);
    // What the run changed and how its inputs differ from RedPajama's, when anything (the plan's).
    if (!plan.overrides.empty()) o.raw("overrides", io::json_strings(plan.overrides));
    if (!plan.deviations.empty()) o.raw("deviations", io::json_strings(plan.deviations));
    std::string summary = o.num("inputs", t.units)
                              .num("docs", t.docs)
                              .num("bytes", static_cast<int64_t>(t.bytes))
                              .num("compressed_bytes", static_cast<int64_t>(t.compressed_bytes))
                              .num("shards", t.shards)
                              .counts("tokens", t.tokens)
                              .counts("drops", t.drops)
                              .done() +
                          "\n";
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
