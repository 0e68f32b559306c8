#include "rpdata/exec/plan_estimate.h"

#include <simdjson.h>

#include <algorithm>

#include "rpdata/core/error.h"
#include "rpdata/exec/layout.h"
#include "rpdata/exec/manifest.h"
#include "rpdata/exec/runner.h"
#include "rpdata/io/fs.h"

namespace rpdata::exec {
namespace fs = std::filesystem;
namespace {

struct Measured {
  int64_t units = 0;
  double input_bytes = 0, seconds = 0, output_bytes = 0;
};

// Sums the unit markers of one stage layout: raw input size, seconds, compressed output.
Measured measure(const RunLayout& layout) {
  Measured m;
  std::error_code ec;
  simdjson::dom::parser parser;
  for (const auto& e : fs::directory_iterator(layout.units_dir(), ec)) {
    if (e.path().extension() != ".json") continue;
    auto buf = simdjson::padded_string(io::read_file(e.path()));
    simdjson::dom::element root;
    if (parser.parse(buf).get(root)) continue;
    int64_t size = 0;
    double secs = 0, cpu = 0;
    if (root["input_size"].get_int64().get(size) || root["seconds"].get_double().get(secs)) continue;
    // CPU time when recorded (wall time on a busy machine overstates the cost).
    if (!root["cpu_seconds"].get_double().get(cpu) && cpu > 0) secs = cpu;
    ++m.units;
    m.input_bytes += static_cast<double>(size);
    m.seconds += secs;
    simdjson::dom::array shards;
    if (!root["shards"].get_array().get(shards))
      for (auto s : shards) {
        int64_t cb = 0;
        if (!s["compressed_bytes"].get_int64().get(cb)) m.output_bytes += static_cast<double>(cb);
      }
  }
  return m;
}

double max_rss(const RunLayout& layout) {
  double best = 0;
  std::error_code ec;
  simdjson::dom::parser parser;
  for (const auto& e : fs::directory_iterator(layout.tasks_dir(), ec)) {
    if (!e.path().string().ends_with(".stats.json")) continue;
    auto buf = simdjson::padded_string(io::read_file(e.path()));
    simdjson::dom::element root;
    int64_t rss = 0;
    if (!parser.parse(buf).get(root) && !root["max_rss_mb"].get_int64().get(rss))
      best = std::max(best, static_cast<double>(rss));
  }
  return best;
}

}  // namespace

Keys plan_keys() {
  return {Key::number("raw_bytes", 0, "the full raw input's size in bytes"),
          Key::text("raw_bytes_from", "recipe [plan]", "where raw_bytes comes from"),
          Key::number("mb_per_core_s", 0, "MB of raw input per core-second, as measured"),
          Key::text("mb_per_core_s_from", "recipe [plan]", "where the rate was measured"),
          Key::number("output_ratio", 0, "output bytes per raw byte"),
          Key::number("peak_rss_mb", 0, "peak resident memory per task, MB"),
          Key::number("egress_usd_per_gb", 0, "download price, USD per GB"),
          Key::text("egress_from", "", "where the price comes from"),
          Key::number("largest_unit_bytes", 0,
                      "raw bytes of the run's largest unit as planned (one input file or one group of files), "
                      "before the reader format cuts it"),
          Key::text("largest_unit_from", "recipe [plan]", "which unit that is and where its size comes from")};
}

namespace {

// The largest unit after the reader format's cut (ReaderType::splitter) and its CPU time at
// the estimate's overall rate.
void estimate_largest_unit(const Recipe& r, PlanEstimate& p) {
  p.largest_input_bytes = r.plan.get_double("largest_unit_bytes");
  p.largest_input_from = r.plan.get_string("largest_unit_from");
  if (p.largest_input_bytes <= 0) return;
  const ReaderType* type = nullptr;
  const Params* read = &r.read;
  if (!r.inputs.empty()) read = &r.inputs.front().read;  // a multi-group recipe: its first group's format
  if (const ParamValue* f = read->given("format"); f && std::holds_alternative<std::string>(*f))
    type = reader_registry().find(std::get<std::string>(*f));
  p.largest_unit_bytes = p.largest_input_bytes;
  if (type && type->splitter) {
    auto splitter = reader_registry().splitter(type->name, *read);
    p.largest_unit_how = splitter->how;
    if (splitter->max_unit_bytes > 0) {
      p.splittable = true;
      p.largest_unit_bytes = std::min(p.largest_input_bytes, static_cast<double>(splitter->max_unit_bytes));
      p.largest_unit_how += " of at most " + std::to_string(splitter->max_unit_bytes) + " bytes";
    } else {
      p.largest_unit_how += " (off: unit_max_bytes = 0)";
    }
  } else if (type) {
    p.largest_unit_how = type->unsplittable.empty() ? "read whole" : "cannot be cut: " + type->unsplittable;
  }
  double cpu_s_per_byte = p.raw_bytes > 0 ? p.cpu_hours * 3600 / p.raw_bytes : 0;
  p.largest_unit_cpu_minutes = p.largest_unit_bytes * cpu_s_per_byte / 60;
}

}  // namespace


PlanEstimate estimate_plan(const Recipe& r, const PlanRequest& q) {
  PlanEstimate p;
  p.source = r.source;
  p.tasks = std::max(1, q.tasks);
  p.inputs = recipe_input_count(r);
  r.plan.declare("plan", plan_keys());
  double recipe_rate = r.plan.get_double("mb_per_core_s");
  std::string recipe_rate_from = r.plan.get_string("mb_per_core_s_from");
  double recipe_ratio = r.plan.get_double("output_ratio");
  double recipe_rss = r.plan.get_double("peak_rss_mb");
  double usd_per_gb = r.plan.get_double("egress_usd_per_gb");
  p.egress_from = r.plan.get_string("egress_from");
  p.raw_bytes = q.raw_bytes ? *q.raw_bytes : r.plan.get_double("raw_bytes");
  p.raw_bytes_from = q.raw_bytes ? "--input-bytes" : r.plan.get_string("raw_bytes_from");
  if (p.raw_bytes <= 0)
    throw ConfigError("no raw size for " + r.name + ": give --input-bytes (the recipe has no [plan] raw_bytes)");

  double ratio = recipe_ratio;
  std::vector<std::pair<std::string, RunLayout>> stages;
  if (q.from) {
    RunLayout final_layout{*q.from, r.source};
    if (!fs::exists(final_layout.plan_file()))
      throw ConfigError("--from " + q.from->string() + " has no run of " + r.source);
    if (r.has_dedup) {
      stages.push_back({"main", RunLayout{final_layout.work_dir() / "stages", "main"}});
      stages.push_back({"apply", final_layout});
    } else {
      stages.push_back({"process", final_layout});
    }
    double in = 0, out = 0;
    for (const auto& [name, layout] : stages) {
      Measured m = measure(layout);
      if (m.units == 0 || m.seconds <= 0) continue;
      StageEstimate s{name, m.input_bytes / 1e6 / m.seconds,
                      "run " + q.from->string() + " (" + std::to_string(m.units) + " units)", 0};
      if (m.input_bytes / static_cast<double>(m.units) < 20e6)
        s.measured_by += "; units average " + std::to_string(static_cast<int>(m.input_bytes / m.units / 1e3)) +
                         " KB, so fixed per-unit costs weigh: probe with real-size inputs";
      if (name != "apply") in += m.input_bytes;
      if (name != "main") out += m.output_bytes;
      if (name == "apply") {  // apply reads intermediate shards; express per raw byte
        Measured main = measure(stages.front().second);
        s.mb_per_core_s = main.input_bytes / 1e6 / m.seconds;
      }
      p.stages.push_back(s);
    }
    if (in > 0 && out > 0) ratio = out / in;
    double rss = std::max(max_rss(final_layout), r.has_dedup ? max_rss(stages.front().second) : 0.0);
    if (rss > 0) p.peak_rss_mb = rss, p.peak_rss_from = "run " + q.from->string();
  }
  if (p.stages.empty()) {
    if (recipe_rate <= 0)
      throw ConfigError("no measured throughput for " + r.name +
                        ": run a sample first and pass --from RUN_DIR (or set [plan] mb_per_core_s)");
    p.stages.push_back({"process", recipe_rate, recipe_rate_from, 0});
  }
  if (p.peak_rss_mb <= 0) p.peak_rss_mb = recipe_rss, p.peak_rss_from = "recipe [plan]";
  for (auto& s : p.stages) {
    s.cpu_hours = p.raw_bytes / 1e6 / s.mb_per_core_s / 3600;
    p.cpu_hours += s.cpu_hours;
  }
  estimate_largest_unit(r, p);
  p.wall_hours = std::max(p.cpu_hours / p.tasks, p.largest_unit_cpu_minutes / 60);
  p.output_bytes = p.raw_bytes * ratio;
  // Peak disk: every raw input kept (unless deleted as units finish), the output, and for
  // [dedup] runs the intermediate shards (about the size of the output before dedup).
  p.scratch_bytes = (q.delete_raw ? 0 : p.raw_bytes) + p.output_bytes * (r.has_dedup ? 2 : 1);
  p.egress_usd = p.raw_bytes / 1e9 * usd_per_gb;
  return p;
}

}  // namespace rpdata::exec
