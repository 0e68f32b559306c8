#include "rpdata/exec/runner.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "rpdata/core/error.h"
#include "rpdata/exec/layout.h"
#include "rpdata/exec/manifest.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/json_writer.h"
#include "rpdata/io/jsonl_reader.h"
#include "rpdata/io/shard_writer.h"
#include "rpdata/sources/c4/c4.h"

namespace rpdata::exec {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Every recipe key, read once up front so unknown keys fail before any work.
struct Settings {
  // [download]
  std::string base_url;
  std::string pattern;
  int64_t count = 0, first = 0;
  std::string checksums;       // none | sha256sums | hf_lfs_pointer
  std::string checksums_file;  // for sha256sums, relative to base_url
  int max_attempts = 10;
  int per_host_connections = 4;
  double requests_per_s = 0;
  // [read]
  std::string format;
  bool truncate_on_error = false;  // [read] on_error = "truncate": keep docs before corruption
  io::JsonlReaderOptions reader;
  // [output]
  io::JsonStyle style = io::JsonStyle::kPython;
  io::RecordLayout layout = io::RecordLayout::kTextMeta;
  uint64_t max_shard_bytes = 0;
  int64_t frame_docs = 0;
  int zstd_level = 3;
};

Settings resolve_settings(const Recipe& r) {
  Settings s;
  s.base_url = r.download.get_string("base_url", "");
  s.pattern = r.download.get_string("pattern", "");
  s.count = r.download.get_int("count", 0);
  s.first = r.download.get_int("first", 0);
  s.checksums = r.download.get_string("checksums", "none");
  s.checksums_file = r.download.get_string("checksums_file", "SHA256SUMS");
  s.max_attempts = static_cast<int>(r.download.get_int("max_attempts", 10));
  s.per_host_connections = static_cast<int>(r.download.get_int("per_host_connections", 4));
  s.requests_per_s = r.download.get_double("requests_per_s", 0);
  if (s.checksums != "none" && s.checksums != "sha256sums" && s.checksums != "hf_lfs_pointer")
    throw ConfigError("[download] checksums must be none, sha256sums or hf_lfs_pointer", r.name);
  s.format = r.read.get_string("format", "jsonl");
  if (s.format != "jsonl") throw ConfigError("[read] format '" + s.format + "' is not supported (jsonl)", r.name);
  std::string on_error = r.read.get_string("on_error", "fail");
  if (on_error != "fail" && on_error != "truncate")
    throw ConfigError("[read] on_error must be fail or truncate", r.name);
  s.truncate_on_error = on_error == "truncate";
  s.reader.text_field = r.read.get_string("text_field", "text");
  s.reader.max_line_bytes = static_cast<uint64_t>(r.read.get_int("max_line_bytes", 64ll << 20));
  s.reader.batch_docs = static_cast<size_t>(r.read.get_int("batch_docs", 1024));
  s.reader.source = r.source;
  s.style = io::parse_json_style(r.output.get_string("json_style", "python"));
  s.layout = io::parse_record_layout(r.output.get_string("layout", "text_meta"));
  s.max_shard_bytes = static_cast<uint64_t>(r.output.get_int("max_shard_bytes", 1ll << 30));
  s.frame_docs = r.output.get_int("frame_docs", 1000);
  s.zstd_level = static_cast<int>(r.output.get_int("zstd_level", 3));
  for (const Params* p : {&r.download, &r.read, &r.output}) p->reject_unused();
  if (s.max_shard_bytes == 0) throw ConfigError("[output] max_shard_bytes must be positive", r.name);
  return s;
}

std::vector<std::unique_ptr<Step>> build_steps(const Recipe& r) {
  std::vector<std::unique_ptr<Step>> steps;
  for (const auto& sc : r.steps) steps.push_back(step_registry().make(sc.type, sc.params));
  return steps;
}

std::string format_pattern(const std::string& pattern, int64_t index) {
  // Supports "{index}" and "{index:0N}" (zero-padded width N).
  auto open = pattern.find("{index");
  if (open == std::string::npos) throw ConfigError("[download] pattern must contain {index} or {index:05}");
  auto close = pattern.find('}', open);
  std::string spec = pattern.substr(open + 6, close - open - 6);
  std::string num = std::to_string(index);
  if (!spec.empty()) {
    if (spec.size() < 3 || spec[0] != ':' || spec[1] != '0')
      throw ConfigError("[download] pattern spec '{index" + spec + "}' must be {index:0N}");
    size_t width = std::stoul(spec.substr(2));
    if (num.size() < width) num.insert(0, width - num.size(), '0');
  }
  return pattern.substr(0, open) + num + pattern.substr(close + 1);
}

std::string as_url(const std::string& base) {
  if (base.find("://") != std::string::npos) return base;
  return "file://" + fs::absolute(base).lexically_normal().string();
}

Plan build_plan(const Recipe& r, const Settings& s, const RunOptions& o) {
  Plan plan;
  plan.recipe = r.name;
  plan.source = r.source;
  if (!o.inputs.empty()) {
    for (const auto& p : o.inputs) {
      if (!fs::is_regular_file(p)) throw ConfigError("--input " + p.string() + " is not a file");
      plan.units.push_back({p.filename().string(), "", fs::absolute(p).lexically_normal().string()});
    }
  } else {
    std::string base = o.mirror.empty() ? s.base_url : as_url(o.mirror);
    if (base.empty()) throw ConfigError("recipe has no [download] base_url; give --mirror or --input", r.name);
    while (!base.empty() && base.back() == '/') base.pop_back();
    if (s.count <= 0) throw ConfigError("[download] count must be positive", r.name);
    for (int64_t i = 0; i < s.count; ++i) {
      std::string name = format_pattern(s.pattern, s.first + i);
      plan.units.push_back({name, base + "/" + name, ""});
    }
  }
  if (o.limit >= 0 && static_cast<size_t>(o.limit) < plan.units.size()) plan.units.resize(static_cast<size_t>(o.limit));
  std::map<std::string, int> seen;
  for (const auto& u : plan.units)
    if (seen[u.name]++) throw ConfigError("two inputs share the name '" + u.name + "'; names must be unique");
  return plan;
}

// Publishes the plan, or checks that an existing run dir was made with the same inputs.
void publish_plan(const RunLayout& layout, const Plan& plan) {
  if (fs::exists(layout.plan_file())) {
    Plan old = read_plan(layout.plan_file());
    bool same = old.units.size() == plan.units.size();
    for (size_t i = 0; same && i < plan.units.size(); ++i) same = old.units[i].name == plan.units[i].name;
    if (!same)
      throw ConfigError("output directory " + layout.source_dir().string() +
                        " holds a run with a different input list (" + std::to_string(old.units.size()) +
                        " inputs); use another --out or remove it");
    return;
  }
  io::write_file_atomic(layout.plan_file(), plan_to_json(plan));
}

std::map<std::string, io::Expect> parse_sha256sums(const std::string& text) {
  std::map<std::string, io::Expect> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto sp = line.find(' ');
    if (sp != 64) continue;
    std::string name = line.substr(sp + 1);
    if (!name.empty() && (name[0] == ' ' || name[0] == '*')) name.erase(0, 1);
    out[name].sha256 = line.substr(0, 64);
  }
  return out;
}

// Expected sha256/size for one input, from what the source publishes.
io::Expect expected_for(const Settings& s, const PlanUnit& unit, io::Fetcher& fetcher,
                        const std::map<std::string, io::Expect>& sums) {
  if (s.checksums == "sha256sums" || (s.checksums == "hf_lfs_pointer" && !sums.empty())) {
    auto it = sums.find(unit.name);
    if (it == sums.end()) throw DownloadError("no checksum published for " + unit.name, unit.url);
    return it->second;
  }
  if (s.checksums == "hf_lfs_pointer") {
    auto pos = unit.url.find("/resolve/");
    if (pos == std::string::npos) return {};
    std::string pointer = fetcher.get(unit.url.substr(0, pos) + "/raw/" + unit.url.substr(pos + 9));
    io::Expect e;
    std::istringstream in(pointer);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("oid sha256:", 0) == 0) e.sha256 = line.substr(11);
      if (line.rfind("size ", 0) == 0) e.size = std::stoull(line.substr(5));
    }
    return e;
  }
  return {};
}

void remove_stale_outputs(const RunLayout& layout, const std::string& stem) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(layout.source_dir(), ec)) {
    std::string name = entry.path().filename().string();
    bool ours = name.rfind(stem + "-", 0) == 0 || name.rfind("." + stem + "-", 0) == 0;
    if (ours && entry.is_regular_file()) fs::remove(entry.path(), ec);
  }
}

struct Shared {
  const Recipe& recipe;
  const Settings& settings;
  const RunOptions& options;
  const RunLayout& layout;
  const Plan& plan;
  io::Fetcher& fetcher;
  std::map<std::string, io::Expect> sums;
  std::mutex mu;
  RunSummary summary;
  Clock::time_point started = Clock::now();
  uint64_t input_bytes_done = 0;
};

fs::path obtain_input(Shared& sh, const PlanUnit& unit) {
  if (!unit.path.empty()) return unit.path;
  fs::path raw = sh.layout.raw_dir() / unit.name;
  if (fs::exists(raw)) return raw;
  if (!sh.options.download)
    throw DownloadError("raw input is not downloaded (run `rpdata download` first)", raw.string());
  io::Expect expect = expected_for(sh.settings, unit, sh.fetcher, sh.sums);
  sh.fetcher.fetch(unit.url, raw, expect);
  return raw;
}

// Downloads (if needed) and processes one input; writes its marker last.
void run_unit(Shared& sh, size_t index) {
  const PlanUnit& unit = sh.plan.units[index];
  const RunLayout& layout = sh.layout;
  fs::path marker = layout.unit_marker(unit.name);
  if (fs::exists(marker)) {
    UnitRecord done = read_unit_record(marker);
    std::string problem = verify_unit(layout, done, sh.options.verify_sha256);
    if (problem.empty()) {
      std::lock_guard lock(sh.mu);
      ++sh.summary.units_skipped;
      return;
    }
    spdlog::warn("{}: completed output does not verify ({}); redoing it", unit.name, problem);
    fs::remove(marker);
  }
  auto t0 = Clock::now();
  fs::path input = obtain_input(sh, unit);
  if (!sh.options.process) return;

  std::string stem = sources::c4::output_stem(unit.name);
  remove_stale_outputs(layout, stem);
  io::JsonlReaderOptions ropt = sh.settings.reader;
  ropt.id_prefix = unit.name;
  io::JsonlReader reader(input, ropt);
  auto steps = build_steps(sh.recipe);
  io::ShardWriter writer({layout.source_dir(), stem, sh.settings.max_shard_bytes, sh.settings.frame_docs,
                          sh.settings.zstd_level, true});
  UnitRecord rec;
  rec.unit = unit.name;
  rec.index = index;
  Batch batch;
  std::string line;
  int64_t docs_in = 0, docs_out = 0;
  while (true) {
    try {
      if (!reader.next(batch)) break;
    } catch (const InputError& e) {
      if (!sh.settings.truncate_on_error) throw;
      // Keep what was read before the damage; record it so the manifest shows the loss.
      spdlog::warn("{}: {}; keeping the {} documents before it (on_error = truncate)", unit.name, e.what(),
                   docs_out);
      rec.stats.add("truncated_inputs", 1);
      rec.stats.add("truncated_at_byte", static_cast<int64_t>(e.offset().value_or(0)));
      break;
    }
    for (const auto& [k, v] : batch.drops) docs_in += v;
    docs_in += static_cast<int64_t>(batch.docs.size());
    rec.stats.add_drops(batch.drops);
    for (auto& step : steps) {
      batch.drops.clear();
      step->process(batch);
      rec.stats.add_drops(batch.drops);
    }
    for (const Document& doc : batch.docs) {
      line.clear();
      io::append_record(line, doc, sh.settings.style, sh.settings.layout);
      writer.add(line);
    }
    docs_out += static_cast<int64_t>(batch.docs.size());
  }
  rec.shards = writer.close();
  rec.stats.add("docs_in", docs_in);
  rec.stats.add("docs_out", docs_out);
  rec.stats.add("input_bytes", static_cast<int64_t>(reader.bytes_read()));
  rec.stats.add("input_raw_bytes", static_cast<int64_t>(reader.raw_bytes_read()));
  int64_t out_bytes = 0;
  for (const auto& s : rec.shards) out_bytes += static_cast<int64_t>(s.bytes);
  rec.stats.add("output_bytes", out_bytes);
  double secs = since(t0);
  io::write_file_atomic(marker, unit_record_to_json(rec, secs));
  if (sh.options.delete_raw && unit.path.empty()) fs::remove(layout.raw_dir() / unit.name);
  spdlog::info("{}: {} docs in, {} out, {} shard(s), {:.1f} MB in {:.2f}s ({:.1f} MB/s)", unit.name, docs_in,
               docs_out, rec.shards.size(), reader.bytes_read() / 1e6, secs,
               secs > 0 ? reader.bytes_read() / 1e6 / secs : 0.0);
  std::lock_guard lock(sh.mu);
  ++sh.summary.units_processed;
  sh.summary.stats.merge(rec.stats);
  // Task progress with an ETA from this run's rate (inputs are similar in size).
  size_t done = sh.summary.units_processed + sh.summary.units_skipped + sh.summary.failures.size();
  sh.input_bytes_done += reader.bytes_read();
  double elapsed = since(sh.started);
  size_t left = sh.summary.units_assigned - done;
  double eta = sh.summary.units_processed ? elapsed / static_cast<double>(sh.summary.units_processed) * left : 0;
  spdlog::info("progress: {}/{} inputs of this task, {:.1f} MB/s of raw input, ETA {:.0f}s", done,
               sh.summary.units_assigned, elapsed > 0 ? sh.input_bytes_done / 1e6 / elapsed : 0.0, eta);
}

std::string hostname() {
  char buf[256] = {0};
  ::gethostname(buf, sizeof(buf) - 1);
  return buf;
}

}  // namespace

void validate_recipe(const Recipe& recipe) {
  try {
    resolve_settings(recipe);
    build_steps(recipe);
  } catch (const ConfigError& e) {
    if (!e.path().empty()) throw;
    throw ConfigError(e.message(), recipe.name);  // name the recipe the key came from
  }
}

RunSummary run_source(const Recipe& recipe, const RunOptions& options) {
  auto t0 = Clock::now();
  validate_recipe(recipe);  // step types and every key, before any work
  Settings settings = resolve_settings(recipe);
  RunLayout layout{options.out, recipe.source};
  Plan plan = build_plan(recipe, settings, options);
  fs::create_directories(layout.units_dir());
  fs::create_directories(layout.tasks_dir());
  publish_plan(layout, plan);

  io::FetchOptions fopt = options.fetch;
  fopt.max_attempts = settings.max_attempts;
  fopt.per_host_connections = settings.per_host_connections;
  fopt.per_host_requests_per_s = settings.requests_per_s;
  io::Fetcher fetcher(fopt);

  Shared sh{recipe, settings, options, layout, plan, fetcher, {}, {}, {}};
  sh.summary.units_total = plan.units.size();
  std::vector<size_t> mine = assign_units(plan.units.size(), options.task);
  sh.summary.units_assigned = mine.size();

  const std::string label = options.task.label();
  fs::path running = layout.tasks_dir() / (label + ".running");
  fs::remove(layout.tasks_dir() / (label + ".done"));
  fs::remove(layout.tasks_dir() / (label + ".failed"));
  io::write_file_atomic(running, "{\"pid\": " + std::to_string(::getpid()) + ", \"host\": \"" + hostname() + "\"}\n");

  bool need_sums = options.inputs.empty() && options.download &&
                   (settings.checksums == "sha256sums" ||
                    (settings.checksums == "hf_lfs_pointer" && !plan.units.empty() &&
                     plan.units[0].url.find("/resolve/") == std::string::npos));
  if (need_sums) {
    std::string base = plan.units.empty() ? "" : plan.units[0].url.substr(0, plan.units[0].url.rfind('/'));
    try {
      sh.sums = parse_sha256sums(fetcher.get(base + "/" + settings.checksums_file));
    } catch (const DownloadError& e) {
      if (settings.checksums == "sha256sums") throw;
      spdlog::warn("mirror publishes no {} ({}); downloads are checked by length only", settings.checksums_file,
                   e.what());
    }
  }

  std::atomic<size_t> next{0};
  auto worker = [&] {
    while (true) {
      size_t k = next.fetch_add(1);
      if (k >= mine.size()) return;
      size_t index = mine[k];
      try {
        run_unit(sh, index);
      } catch (const Error& e) {
        spdlog::error("{}: {} [{}]", plan.units[index].name, e.what(), e.where());
        std::lock_guard lock(sh.mu);
        sh.summary.failures.push_back(plan.units[index].name + ": " + e.what());
      } catch (const std::exception& e) {
        spdlog::error("{}: {}", plan.units[index].name, e.what());
        std::lock_guard lock(sh.mu);
        sh.summary.failures.push_back(plan.units[index].name + ": " + e.what());
      }
    }
  };
  int nthreads = std::max(1, std::min<int>(options.threads, static_cast<int>(mine.size())));
  std::vector<std::thread> pool;
  for (int i = 1; i < nthreads; ++i) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();

  RunSummary& summary = sh.summary;
  summary.seconds = since(t0);
  std::string stats = "{\"task\": \"" + label + "\", \"units_assigned\": " + std::to_string(summary.units_assigned) +
                      ", \"units_skipped\": " + std::to_string(summary.units_skipped) +
                      ", \"units_processed\": " + std::to_string(summary.units_processed) +
                      ", \"stats\": " + stats_to_json(summary.stats) + "}\n";
  io::write_file_atomic(layout.tasks_dir() / (label + ".stats.json"), stats);
  if (!summary.failures.empty()) {
    std::string text;
    for (const auto& f : summary.failures) text += f + "\n";
    io::write_file_atomic(layout.tasks_dir() / (label + ".failed"), text);
  } else if (options.process) {
    io::write_file_atomic(layout.tasks_dir() / (label + ".done"), stats);
    summary.manifest_written = merge_manifest(layout, true).complete();
  }
  fs::remove(running);
  return summary;
}

}  // namespace rpdata::exec
