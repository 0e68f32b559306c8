#include "rpdata/exec/runner.h"

#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <chrono>
#include <cstring>
#include <map>
#include <optional>
#include <mutex>
#include <thread>

#include "inputs.h"
#include "rpdata/core/error.h"
#include "rpdata/exec/layout.h"
#include "rpdata/exec/manifest.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/hash.h"
#include "rpdata/io/json_writer.h"
#include "rpdata/io/shard_writer.h"
#include "rpdata/tokenize/models.h"
#include "settings.h"
#include "stages.h"
#include "input_groups.h"

namespace rpdata::exec {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Test hook for crash safety: RPDATA_TEST_CRASH=<point>:<n> SIGKILLs this process the n-th
// time it reaches <point> (downloaded, staged, renamed, marked), so tests can kill at exact
// moments instead of guessing with timers; RPDATA_TEST_CRASH_UNIT=<name> limits it to one unit.
void crash_point(const char* point, const std::string& unit) {
  static const char* spec = std::getenv("RPDATA_TEST_CRASH");
  if (!spec) return;
  static const char* only = std::getenv("RPDATA_TEST_CRASH_UNIT");
  if (only && unit != only) return;
  static std::atomic<int> hits{0};
  std::string_view s(spec);
  auto colon = s.find(':');
  if (s.substr(0, colon) != point) return;
  int n = colon == std::string_view::npos ? 1 : std::atoi(spec + colon + 1);
  if (++hits >= n) ::raise(SIGKILL);
}

struct Shared {
  const StageSpec& stage;
  const Settings& settings;
  const RunOptions& options;
  const RunLayout& layout;
  const Plan& plan;
  io::Fetcher& fetcher;
  std::map<std::string, io::Expect> sums;
  std::vector<std::shared_ptr<const tokenize::TokenizerModel>> token_models;
  std::mutex mu;
  RunSummary summary;
  Clock::time_point started = Clock::now();
  uint64_t input_bytes_done = 0;
};

// An exclusive flock on <units>/<unit>.lock for the time one process works on a unit, so a
// requeued or duplicated task waits instead of deleting the other's temporary files.
class UnitLock {
 public:
  explicit UnitLock(const fs::path& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw IoError(std::string("cannot open lock: ") + std::strerror(errno), path.string());
    while (::flock(fd_, LOCK_EX) != 0)
      if (errno != EINTR) throw IoError(std::string("cannot lock: ") + std::strerror(errno), path.string());
  }
  ~UnitLock() { ::close(fd_); }
  UnitLock(const UnitLock&) = delete;
  UnitLock& operator=(const UnitLock&) = delete;

 private:
  int fd_ = -1;
};

// Removes one unit's shards from `dir` and from its route subfolders (never "_work").
void remove_unit_outputs(const fs::path& dir, const std::string& stem) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory() && entry.path().filename() != "_work" && is_route_name(entry.path().filename().string()))
      remove_unit_outputs(entry.path(), stem);
    else if (entry.is_regular_file() && is_unit_output(entry.path().filename().string(), stem))
      fs::remove(entry.path(), ec);
  }
}

// The merged manifest describes a complete run; once any unit is redone it is stale.
void invalidate_merged_manifest(const RunLayout& layout) {
  std::error_code ec;
  fs::remove(layout.manifest_summary(), ec);
  fs::remove(layout.manifest_rows(), ec);
}

fs::path part_path(const Shared& sh, const PlanPart& part) {
  return part.path.empty() ? sh.stage.raw_dir / part.name : fs::path(part.path);
}

// What a unit was made from: total size and one sha256 (the file's own for one file; for
// several, sha256 over "<sha256>  <name>\n" lines in part order).
struct InputIdentity {
  uint64_t size = 0;
  std::string sha256;
};

InputIdentity input_identity(const Shared& sh, const PlanUnit& unit, bool with_sha) {
  InputIdentity id;
  auto parts = unit_parts(unit);
  std::string lines;
  for (const auto& part : parts) {
    fs::path p = part_path(sh, part);
    id.size += fs::file_size(p);
    if (with_sha) lines += (part.sha256.empty() ? io::file_sha256_hex(p) : part.sha256) + "  " + part.name + "\n";
  }
  if (with_sha) id.sha256 = unit.parts.empty() ? lines.substr(0, 64) : io::sha256_hex(lines);
  return id;
}

// Why a completed unit must be redone, or "" if it verifies: its shards (size, or sha256
// with --verify-sha256) and the raw input it was made from, where that is still known.
std::string completed_unit_problem(Shared& sh, const PlanUnit& unit, const UnitRecord& done) {
  std::string problem = verify_unit(sh.layout, done, sh.options.verify_sha256);
  if (!problem.empty()) return problem;
  auto it = sh.sums.find(unit.name);
  if (unit.parts.empty() && it != sh.sums.end() && !it->second.sha256.empty() && !done.input_sha256.empty() &&
      it->second.sha256 != done.input_sha256)
    return "the source now publishes a different " + unit.name;
  for (const auto& part : unit_parts(unit))
    if (!fs::exists(part_path(sh, part))) return {};  // raw input deleted (--delete-raw): trust the shards
  // The apply stage's inputs carry known sha256s (intermediate shards) or are tiny (reduce
  // sidecars), and a changed reduce keeps sizes: always compare its identity by hash.
  bool sha = sh.options.verify_sha256 || sh.stage.name == "apply";
  InputIdentity id = input_identity(sh, unit, sha);
  if (id.size != done.input_size || (sha && id.sha256 != done.input_sha256))
    return "the raw input of " + unit.name + " changed since its output was made";
  return {};
}

std::vector<fs::path> obtain_input(Shared& sh, const PlanUnit& unit) {
  std::vector<fs::path> paths;
  for (const auto& part : unit_parts(unit)) {
    fs::path raw = part_path(sh, part);
    paths.push_back(raw);
    if (!part.path.empty()) continue;
    if (!sh.options.download) {
      if (!fs::exists(raw)) throw DownloadError("raw input is not downloaded (run `rpdata download` first)", raw.string());
      continue;
    }
    fs::create_directories(raw.parent_path());
    // An existing raw file is re-checked against the published checksum by the fetcher.
    download::ChecksumContext cc{sh.fetcher, "", sh.settings.planner.get(), nullptr};
    io::Expect expect = sh.settings.checksums->expect({part.name, part.url, part.path, {}}, sh.sums, cc);
    if (!part.md5.empty()) expect.md5 = part.md5;  // published by the source's listing
    if (part.size) expect.size = part.size;
    sh.fetcher.fetch(part.url, raw, expect);
  }
  return paths;
}

struct UnitOutput {
  UnitRecord rec;
  uint64_t input_read = 0;
  UnitKeys keys;  // main stage of a dedup run
};

// Reader -> steps -> shards in _work/staging, token counts as records are written.
// One writer per route ("" = the source folder), created on first use, in staging.
class RouteWriters {
 public:
  RouteWriters(const Settings& st, fs::path staging, std::string stem)
      : st_(st), staging_(std::move(staging)), stem_(std::move(stem)) {}

  io::ShardWriter& get(const std::string& route) {
    auto it = writers_.find(route);
    if (it != writers_.end()) return *it->second;
    if (!route.empty() && !is_route_name(route))
      throw Error("a step routed a document to '" + route + "' (routes are [a-z0-9_]+)");
    fs::path dir = route.empty() ? staging_ : staging_ / route;
    fs::create_directories(dir);
    if (!route.empty()) remove_unit_outputs(dir, stem_);
    auto w = std::make_unique<io::ShardWriter>(
        io::ShardWriterOptions{dir, stem_, st_.max_shard_bytes, st_.frame_docs, st_.zstd_level, true});
    return *writers_.emplace(route, std::move(w)).first->second;
  }

  // Shards of every route, routes in name order; names are relative to the source folder.
  std::vector<io::ShardInfo> close() {
    std::vector<io::ShardInfo> all;
    for (auto& [route, w] : writers_)
      for (auto& info : w->close()) {
        if (!route.empty()) info.name = route + "/" + info.name;
        all.push_back(std::move(info));
      }
    return all;
  }

 private:
  const Settings& st_;
  fs::path staging_;
  std::string stem_;
  std::map<std::string, std::unique_ptr<io::ShardWriter>> writers_;
};

// Reader -> steps -> shards in _work/staging, token counts as records are written.
UnitOutput transform(Shared& sh, const PlanUnit& unit, size_t index, const std::vector<fs::path>& input,
                     const fs::path& staging) {
  const Settings& st = sh.settings;
  UnitOutput out;
  UnitRecord& rec = out.rec;
  rec.unit = unit.name;
  rec.index = index;
  std::unique_ptr<Reader> reader = st.reader_factory(ReaderInput{input, unit.name, sh.stage.source});
  auto steps = sh.stage.make_steps(index);
  RouteWriters writers(st, staging, unit_stem(unit.name, st.name_suffixes));
  writers.get("");
  const bool envelope = sh.stage.envelope;
  UnitKeys keys;
  uint32_t ordinal = 0;
  std::vector<std::pair<std::string, std::unique_ptr<tokenize::Tokenizer>>> tokenizers;
  for (const auto& m : sh.token_models) tokenizers.emplace_back(m->name(), m->make_tokenizer());
  std::map<std::string, int64_t> doc_tokens;
  Batch batch;
  std::string line;
  int64_t docs_in = 0, docs_out = 0;
  while (true) {
    try {
      if (!reader->next(batch)) break;
    } catch (const TruncatedInputError& e) {
      if (!st.truncate_on_error)
        throw TruncatedInputError(e.message() + " (to keep the documents before the cut, set [read] on_error = "
                                  "\"truncate\" in the recipe)", e.path(), e.offset());
      // The stream was cut short: what came before is intact. (Corrupt data still fails:
      // gzip's CRC covers a whole member, so bytes before a corruption are unverified.)
      spdlog::warn("{}: {}; keeping the {} documents before it (on_error = truncate)", unit.name, e.what(), docs_out);
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
      if (envelope) {  // intermediate: one stream in document order; id and route kept
        line += "{\"_id\": ";
        io::append_json_string(line, doc.id, st.style);
        line += ", \"_route\": ";
        io::append_json_string(line, doc.route, st.style);
        line += ", ";
        size_t at = line.size();
        io::append_record(line, doc, st.style, st.layout);
        line.erase(at, 1);  // the record's own "{"
      } else {
        io::append_record(line, doc, st.style, st.layout);
      }
      for (auto& [name, tok] : tokenizers) doc_tokens[name] = tok->count(doc.text);
      writers.get(envelope ? std::string() : doc.route).add(line, tokenizers.empty() ? nullptr : &doc_tokens);
      if (sh.stage.keys) document_entries(*sh.stage.keys, doc, static_cast<uint32_t>(index), ordinal, keys);
      ++ordinal;
    }
    docs_out += static_cast<int64_t>(batch.docs.size());
  }
  rec.shards = writers.close();
  rec.stats.add("docs_in", docs_in);
  rec.stats.add("docs_out", docs_out);
  rec.stats.add("input_bytes", static_cast<int64_t>(reader->bytes_read()));
  rec.stats.add("input_raw_bytes", static_cast<int64_t>(reader->raw_bytes_read()));
  int64_t out_bytes = 0;
  for (const auto& s : rec.shards) out_bytes += static_cast<int64_t>(s.bytes);
  rec.stats.add("output_bytes", out_bytes);
  if (sh.stage.carry_drops) rec.stats.add_drops(sh.stage.carry_drops(index));
  out.input_read = reader->bytes_read();
  if (sh.stage.keys) {
    finalize_unit_keys(keys);
    rec.stats.add("dedup_entries", static_cast<int64_t>(keys.entries.size()));
    out.keys = std::move(keys);
  }
  return out;
}

void log_progress(Shared& sh, uint64_t input_read) {
  // Called under sh.mu. ETA from this run's rate (inputs are similar in size).
  size_t done = sh.summary.units_processed + sh.summary.units_skipped + sh.summary.failures.size();
  sh.input_bytes_done += input_read;
  double elapsed = since(sh.started);
  size_t left = sh.summary.units_assigned - done;
  double eta = sh.summary.units_processed ? elapsed / static_cast<double>(sh.summary.units_processed) * left : 0;
  spdlog::info("progress: {}/{} inputs of this task, {:.1f} MB/s of raw input, ETA {:.0f}s", done,
               sh.summary.units_assigned, elapsed > 0 ? sh.input_bytes_done / 1e6 / elapsed : 0.0, eta);
}

double thread_cpu_seconds() {
  struct rusage ru {};
  ::getrusage(RUSAGE_THREAD, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// Downloads (if needed) and processes one input. Shards are written in _work/staging and
// moved into place only when all are complete; the unit's marker is written last.
void run_unit(Shared& sh, size_t index) {
  const PlanUnit& unit = sh.plan.units[index];
  const RunLayout& layout = sh.layout;
  UnitLock lock(layout.units_dir() / (unit.name + ".lock"));
  fs::path marker = layout.unit_marker(unit.name);
  if (fs::exists(marker)) {
    std::string problem = completed_unit_problem(sh, unit, read_unit_record(marker));
    if (problem.empty()) {
      std::lock_guard guard(sh.mu);
      ++sh.summary.units_skipped;
      return;
    }
    spdlog::warn("{}: completed output does not verify ({}); redoing it", unit.name, problem);
    invalidate_merged_manifest(layout);
    fs::remove(marker);
  }
  auto t0 = Clock::now();
  double cpu0 = thread_cpu_seconds();
  std::vector<fs::path> input = obtain_input(sh, unit);
  crash_point("downloaded", unit.name);
  if (!sh.options.process) return;
  invalidate_merged_manifest(layout);

  const std::string stem = unit_stem(unit.name, sh.settings.name_suffixes);
  const fs::path staging = layout.work_dir() / "staging";
  fs::create_directories(staging);
  remove_unit_outputs(staging, stem);
  remove_unit_outputs(layout.source_dir(), stem);
  InputIdentity id = input_identity(sh, unit, true);
  if (id.size == 0) spdlog::warn("{}: empty input {}", unit.name, input[0].string());

  UnitOutput out = transform(sh, unit, index, input, staging);
  out.rec.input_size = id.size;
  out.rec.input_sha256 = id.sha256;
  crash_point("staged", unit.name);
  for (const auto& s : out.rec.shards) {
    fs::create_directories((layout.source_dir() / s.name).parent_path());
    io::rename_durable(staging / (s.name + ".idx"), layout.source_dir() / (s.name + ".idx"));
    io::rename_durable(staging / s.name, layout.source_dir() / s.name);
    crash_point("renamed", unit.name);
  }
  if (sh.stage.keys) {
    if (sh.stage.keys->two_rounds())
      dedup::write_digest_file(sh.stage.keys_dir / (unit.name + ".digests"), std::move(out.keys.digests),
                               sh.stage.keys->partitions);
    dedup::write_entry_file(sh.stage.keys_dir / (unit.name + ".keys"), std::move(out.keys.entries),
                            sh.stage.keys->partitions);
  }
  double secs = since(t0);
  out.rec.cpu_seconds = thread_cpu_seconds() - cpu0;
  io::write_file_atomic(marker, unit_record_to_json(out.rec, secs));
  crash_point("marked", unit.name);
  if (sh.options.delete_raw)
    for (const auto& part : unit_parts(unit))
      if (part.path.empty()) fs::remove(part_path(sh, part));
  spdlog::info("{}: {} docs in, {} out, {} shard(s), {:.1f} MB in {:.2f}s", unit.name, out.rec.stats.get("docs_in"),
               out.rec.stats.get("docs_out"), out.rec.shards.size(), out.input_read / 1e6, secs);
  std::lock_guard guard(sh.mu);
  ++sh.summary.units_processed;
  sh.summary.stats.merge(out.rec.stats);
  log_progress(sh, out.input_read);
}

int64_t max_rss_mb() {
  struct rusage ru {};
  ::getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;  // Linux reports KiB
}

std::string hostname() {
  char buf[256] = {0};
  ::gethostname(buf, sizeof(buf) - 1);
  return buf;
}

// Temporary files of writers that were killed (older than an hour, so never a live one).
void remove_abandoned_temps(const std::vector<fs::path>& dirs) {
  auto cutoff = fs::file_time_type::clock::now() - std::chrono::hours(1);
  for (const auto& dir : dirs) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      std::string name = e.path().filename().string();
      if (name.size() > 1 && name[0] == '.' && name.find(".tmp.") != std::string::npos &&
          e.last_write_time(ec) < cutoff)
        fs::remove(e.path(), ec);
    }
  }
}

std::vector<std::shared_ptr<const tokenize::TokenizerModel>> load_token_models(const Settings& settings,
                                                                                const RunOptions& options) {
  std::vector<std::shared_ptr<const tokenize::TokenizerModel>> models;
  for (const auto& name : options.tokenizers.value_or(settings.tokenizers)) {
    if (name == "none") continue;
    if (!settings.require_tokenizers && tokenize::find_model_file(name).empty()) {
      spdlog::warn("tokenizer '{}' has no model file (rpdata download tokenizer, or RPDATA_MODELS); "
                   "its token counts are off",
                   name);
      continue;
    }
    models.push_back(tokenize::load_model(name));
  }
  return models;
}

std::vector<std::string> counted_tokenizers(const Settings& settings, const RunOptions& options) {
  std::vector<std::string> names;
  for (const auto& m : load_token_models(settings, options)) names.push_back(m->name());
  return names;
}

void run_units(Shared& sh, const std::vector<size_t>& mine) {
  std::atomic<size_t> next{0};
  auto worker = [&] {
    while (true) {
      size_t k = next.fetch_add(1);
      if (k >= mine.size()) return;
      size_t index = mine[k];
      const std::string& name = sh.plan.units[index].name;
      try {
        run_unit(sh, index);
      } catch (const std::exception& e) {
        auto* err = dynamic_cast<const Error*>(&e);
        spdlog::error("{}: {}{}", name, e.what(), err ? " [" + err->where() + "]" : "");
        std::lock_guard lock(sh.mu);
        sh.summary.failures.push_back(name + ": " + e.what());
      }
    }
  };
  int nthreads = std::max(1, std::min<int>(sh.options.threads, static_cast<int>(mine.size())));
  std::vector<std::thread> pool;
  for (int i = 1; i < nthreads; ++i) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
}

}  // namespace

RunSummary run_source(const Recipe& recipe, const RunOptions& options) {
  validate_recipe(recipe, options.process);  // step types, every key (and models), before any work
  // A recipe with [[inputs]] groups: one plan over all groups, each read with its own settings.
  std::optional<GroupedInputs> grouped;
  if (!recipe.inputs.empty()) grouped = plan_input_groups(recipe, options);
  Settings settings = grouped ? grouped->settings : resolve_settings(recipe);
  RunLayout layout{options.out, recipe.source};
  PlanExtras extras;
  Plan plan = grouped ? std::move(grouped->plan) : build_plan(recipe, settings, options, layout, &extras);
  RunOptions opts = options;
  if (extras.listed.before_fetch) {  // before anything is written: e.g. what this task's downloads cost
    std::vector<const PlanUnit*> todo;
    for (size_t k : assign_units(plan.units.size(), options.task)) todo.push_back(&plan.units[k]);
    extras.listed.before_fetch(todo, layout.raw_dir(), options.yes);
  }
  if (extras.listed.fetch) opts.fetch = *extras.listed.fetch;  // e.g. with a request signer
  // What downloads are checked against: the groups' table, or what the source publishes,
  // loaded once by the stage that downloads (`rpdata process` never touches the network).
  const bool any_units = !plan.units.empty();
  std::function<download::Published()> published = [&]() -> download::Published {
    if (grouped) return grouped->published;
    if (options.inputs.empty() && options.download && any_units) return checksum_table(settings, options, extras);
    return {};
  };
  plan.settings_digest = settings_digest(recipe, counted_tokenizers(settings, options));
  if (recipe.has_dedup) return run_dedup_recipe(recipe, settings, std::move(plan), opts, published);
  if (!options.stage.empty() && options.stage != "all")
    throw ConfigError("--stage " + options.stage + ": recipe " + recipe.name + " has one stage (no [dedup])");
  StageSpec single;
  single.layout = layout;
  single.raw_dir = single.layout.raw_dir();
  single.settings = settings;
  single.source = recipe.source;
  single.make_steps = [&recipe](size_t) { return build_steps(recipe); };
  single.published = published;
  return run_stage(single, plan, opts);
}

RunSummary run_stage(const StageSpec& stage, const Plan& plan, const RunOptions& options) {
  auto t0 = Clock::now();
  const Settings& settings = stage.settings;
  const RunLayout& layout = stage.layout;
  auto token_models = stage.count_tokens ? load_token_models(settings, options)
                                         : std::vector<std::shared_ptr<const tokenize::TokenizerModel>>{};
  fs::create_directories(layout.units_dir());
  fs::create_directories(layout.tasks_dir());
  if (stage.name != "apply") publish_plan(layout, plan);  // apply: the raw plan, published by the caller
  remove_abandoned_temps({layout.units_dir(), layout.tasks_dir(), layout.work_dir(), layout.source_dir()});

  const std::string label = options.task.label();
  const fs::path tasks = layout.tasks_dir();
  fs::path running = tasks / (label + ".running");
  fs::remove(tasks / (label + ".done"));
  fs::remove(tasks / (label + ".failed"));
  io::write_file_atomic(running, io::JsonObject().num("pid", ::getpid()).str("host", hostname()).done() + "\n");
  try {
    io::Fetcher fetcher(fetch_options(settings, options));
    Shared sh{stage, settings, options, layout, plan, fetcher, {}, std::move(token_models), {}, {}};
    sh.summary.units_total = plan.units.size();
    std::vector<size_t> mine = assign_units(plan.units.size(), options.task);
    sh.summary.units_assigned = mine.size();

    if (stage.published) sh.sums = stage.published();
    run_units(sh, mine);

    RunSummary summary = std::move(sh.summary);
    summary.seconds = since(t0);
    std::string stats = io::JsonObject()
                            .str("task", label)
                            .num("units_assigned", static_cast<int64_t>(summary.units_assigned))
                            .num("units_skipped", static_cast<int64_t>(summary.units_skipped))
                            .num("units_processed", static_cast<int64_t>(summary.units_processed))
                            .num("max_rss_mb", max_rss_mb())
                            .raw("stats", stats_to_json(summary.stats))
                            .done() +
                        "\n";
    io::write_file_atomic(tasks / (label + ".stats.json"), stats);
    if (!summary.failures.empty()) {
      std::string text;
      for (const auto& f : summary.failures) text += f + "\n";
      io::write_file_atomic(tasks / (label + ".failed"), text);
    } else if (options.process) {
      io::write_file_atomic(tasks / (label + ".done"), stats);
      summary.manifest_written = merge_manifest(layout, stage.name != "main").complete();
    }
    fs::remove(running);
    return summary;
  } catch (const std::exception& e) {
    // A task-level failure (no checksums file, disk full, ...) is recorded like any other.
    std::error_code ec;
    io::write_file_atomic(tasks / (label + ".failed"), std::string(e.what()) + "\n");
    fs::remove(running, ec);
    throw;
  }
}

}  // namespace rpdata::exec
