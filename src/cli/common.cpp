#include "common.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <cstdio>

#include "rpdata/core/error.h"
#include "rpdata/exec/manifest.h"
#include "rpdata/exec/recipe.h"
#include "rpdata/exec/runner.h"

namespace rpdata::cli {

int g_exit_code = 0;
std::vector<std::string> g_command_line;

CLI::Validator at_least(long min) {
  return CLI::Validator(
      [min](std::string& v) -> std::string {
        try {
          size_t used = 0;
          long x = std::stol(v, &used);
          if (used == v.size() && x >= min) return {};
        } catch (const std::exception&) {
        }
        return "must be an integer >= " + std::to_string(min) + ", got '" + v + "'";
      },
      ">=" + std::to_string(min));
}

namespace {
// The built-in production recipes, one "SOURCE [--recipe NAME]: description" line each, for
// the help of SOURCE.
std::string production_recipes() {
  std::string out;
  for (const auto& name : exec::builtin_recipe_names()) {
    if (name.rfind("sample/", 0) == 0) continue;
    exec::Recipe r = exec::parse_recipe(exec::builtin_recipe_text(name), name);
    std::string how = r.source == name ? name : r.source + " --recipe " + name;
    out += "\n    " + how + ": " + r.description;
  }
  return out;
}
}  // namespace

void add_run_flags(CLI::App& cmd, RunArgs& a, bool with_inputs, bool with_delete, bool out_required,
                   bool with_task) {
  cmd.add_option("source", a.source, "Source to build, named by its built-in recipe:" + production_recipes())
      ->required();
  cmd.add_option("--out,-o", a.out, "Run directory; shards land in OUT/SOURCE/")->required(out_required);
  cmd.add_option("--recipe", a.recipe,
                 "Recipe: a built-in name (c4, sample/c4) or a .toml path; default: the SOURCE recipe");
  cmd.add_option("--set", a.sets,
                 "Override one recipe key, SECTION.KEY=VALUE (download, read, output, plan, dedup; VALUE as "
                 "in TOML), e.g. --set download.until=2303 stops arXiv at RedPajama's snapshot; repeatable");
  for (const auto& f : exec::registries().run_flags)
    cmd.add_option("--" + f.flag, a.source_flags[f.flag], f.doc)->type_name(f.value_name);
  cmd.add_option("--mirror", a.mirror,
                 "Fetch raw inputs from this base URL or local directory instead of the recipe's host");
  cmd.add_option("--limit", a.limit, "Only the first N inputs of the recipe (a partial run)")
      ->check(at_least(0));
  if (with_task) {
    cmd.add_option("--rank", a.rank, "This task's rank, 0-based (default SLURM_ARRAY_TASK_ID or 0)")
        ->check(at_least(0));
    cmd.add_option("--world-size", a.world_size, "Number of tasks (default SLURM_ARRAY_TASK_COUNT or 1)")
        ->check(at_least(1));
    cmd.add_option("--stage", a.stage,
                   "Recipes with a cross-unit [dedup] run in stages: main (per input), the dedup kind's rounds "
                   "(per hash partition: reduce, or e.g. winners then reduce), "
                   "apply (per input). With several tasks run each stage on every task in turn. Default: all "
                   "of them (one task)");
  }
  cmd.add_option("--threads,-j", a.threads, "Inputs processed in parallel within this task")
      ->check(at_least(1))
      ->capture_default_str();
  cmd.add_flag("--verify-sha256", a.verify_sha256,
               "Re-hash completed shards before skipping them (default: size check)");
  cmd.add_flag("--no-progress", a.no_progress, "No progress bar, even on a terminal");
  cmd.add_flag("--yes,-y", a.yes,
               "Proceed with a download that costs money (arXiv's requester-pays S3 bucket: the cost "
               "estimate is printed first)");
  cmd.add_option("--tokenizers", a.tokenizers,
                 "Token counts to record per shard: neox, llama, or none (default: the recipe's)")
      ->delimiter(',')
      ->check(CLI::IsMember({"neox", "llama", "none"}));
  if (with_inputs)
    cmd.add_option("--input,-i", a.inputs,
                   "Local raw input files to use instead of downloading (directories too, for recipes "
                   "with [download] files_per_unit, e.g. books3; for a recipe with a local [[inputs]] group, e.g. book, "
                   "they feed that group and the others still download)")
        ->check(CLI::ExistingPath);
  if (with_delete)
    cmd.add_flag("--delete-raw", a.delete_raw, "Delete each downloaded raw input once its output is complete");
}

std::vector<std::string> task_args(const RunArgs& a) {
  namespace fs = std::filesystem;
  auto absolute = [](const std::string& p) { return fs::absolute(p).lexically_normal().string(); };
  std::vector<std::string> out{a.source};
  if (!a.out.empty()) out.insert(out.end(), {"--out", absolute(a.out)});
  if (!a.recipe.empty())  // a recipe file is named absolutely
    out.insert(out.end(), {"--recipe", exec::builtin_recipe_text(a.recipe).empty() ? absolute(a.recipe) : a.recipe});
  for (const auto& s : a.sets) out.insert(out.end(), {"--set", s});
  for (const auto& [flag, value] : a.source_flags)
    if (!value.empty()) out.insert(out.end(), {"--" + flag, value});
  if (!a.mirror.empty())
    out.insert(out.end(), {"--mirror", a.mirror.find("://") == std::string::npos ? absolute(a.mirror) : a.mirror});
  if (a.limit >= 0) out.insert(out.end(), {"--limit", std::to_string(a.limit)});
  if (a.threads != 1) out.insert(out.end(), {"--threads", std::to_string(a.threads)});
  if (a.verify_sha256) out.push_back("--verify-sha256");
  if (a.no_progress) out.push_back("--no-progress");
  if (a.yes) out.push_back("--yes");
  if (!a.tokenizers.empty()) {
    std::string t;
    for (const auto& x : a.tokenizers) t += (t.empty() ? "" : ",") + x;
    out.insert(out.end(), {"--tokenizers", t});
  }
  for (const auto& in : a.inputs) out.insert(out.end(), {"--input", absolute(in)});
  if (a.delete_raw) out.push_back("--delete-raw");
  return out;
}

exec::Recipe load_run_recipe(const RunArgs& a) {
  exec::Recipe r = exec::load_recipe(a.recipe.empty() ? a.source : a.recipe);
  if (r.source != a.source)
    throw ConfigError("recipe '" + r.name + "' builds source '" + r.source + "', not '" + a.source + "'");
  for (const auto& s : a.sets) exec::apply_override(r, s);
  exec::apply_run_flags(r, a.source_flags);
  return r;
}

exec::RunOptions make_run_options(const RunArgs& a) {
  exec::RunOptions o;
  o.out = a.out;
  o.mirror = a.mirror;
  for (const auto& p : a.inputs) o.inputs.emplace_back(p);
  o.limit = a.limit;
  o.task = exec::resolve_task(a.rank, a.world_size);
  o.threads = a.threads;
  o.delete_raw = a.delete_raw;
  o.verify_sha256 = a.verify_sha256;
  o.yes = a.yes;
  o.stage = a.stage;
  o.fetch.progress = !a.no_progress;
  if (!a.tokenizers.empty()) o.tokenizers = a.tokenizers;
  return o;
}

int execute_run(const RunArgs& a, bool download, bool process) {
  exec::Recipe recipe = load_run_recipe(a);
  exec::RunOptions o = make_run_options(a);
  o.download = download;
  o.process = process;
  spdlog::info("{} {}: recipe {}, task {} of {}, {} thread(s), out {}", process ? "run" : "download", a.source,
               recipe.name, o.task.rank, o.task.world_size, o.threads, a.out);
  exec::RunSummary s = exec::run_source(recipe, o);
  spdlog::info("{}: {} input(s) in plan, {} assigned to this task: {} processed, {} already complete, {} failed "
               "({:.1f}s)",
               a.source, s.units_total, s.units_assigned, s.units_processed, s.units_skipped, s.failures.size(),
               s.seconds);
  for (const auto& f : s.failures) spdlog::error("failed: {}", f);
  if (s.manifest_written) spdlog::info("{}: all inputs complete; manifest written to {}/{}/manifest.json", a.source,
                                       a.out, a.source);
  return s.failures.empty() ? 0 : 1;
}

ProgressLine::ProgressLine(std::string label, bool enabled)
    : label_(std::move(label)), enabled_(enabled), tty_(::isatty(2) != 0) {}

ProgressLine::~ProgressLine() {
  if (drawn_) std::fputs("\r\033[K", stderr);
}

void ProgressLine::update(uint64_t done, uint64_t total) {
  if (!enabled_) return;
  using namespace std::chrono;
  static const auto start = steady_clock::now();
  double now = duration<double>(steady_clock::now() - start).count();
  if (now - last_ < (tty_ ? 0.2 : 30.0) && done < total) return;
  last_ = now;
  double pct = total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 0;
  if (tty_) {
    int width = 30, fill = static_cast<int>(pct / 100 * width);
    std::fprintf(stderr, "\r\033[K%s [%s%s] %5.1f%% %.1f/%.1f MB", label_.c_str(), std::string(fill, '#').c_str(),
                 std::string(width - fill, '.').c_str(), pct, done / 1e6, total / 1e6);
    drawn_ = true;
  } else {
    spdlog::info("{}: {:.1f}% ({:.1f} of {:.1f} MB)", label_, pct, done / 1e6, total / 1e6);
  }
}

std::string human_bytes(double b) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int u = 0;
  while (b >= 1000 && u < 4) {
    b /= 1000;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), u ? "%.1f %s" : "%.0f %s", b, units[u]);
  return buf;
}

void print_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& r : rows)
    for (size_t c = 0; c + 1 < r.size(); ++c) {
      if (width.size() <= c) width.resize(c + 1);
      width[c] = std::max(width[c], r[c].size());
    }
  for (const auto& r : rows) {
    std::string line;
    for (size_t c = 0; c < r.size(); ++c) {
      line += r[c];
      if (c + 1 < r.size()) line += std::string(width[c] - r[c].size() + 2, ' ');
    }
    std::printf("%s\n", line.c_str());
  }
}

void print_run_table(const std::string& out) {
  auto sources = exec::run_sources(out);
  std::printf("%-15s %12s %12s %12s %8s %10s  %s\n", "source", "docs", "bytes", "compressed", "shards",
              "inputs", "tokens");
  int64_t docs = 0;
  uint64_t bytes = 0, comp = 0;
  int64_t shards = 0;
  for (const auto& source : sources) {
    exec::SourceTotals t = exec::merge_manifest({out, source}, false);
    std::string tokens;
    for (const auto& [k, v] : t.tokens) tokens += (tokens.empty() ? "" : " ") + k + "=" + std::to_string(v);
    if (tokens.empty()) tokens = "- (token counting not enabled)";
    std::string inputs = std::to_string(t.units_done) + "/" + std::to_string(t.units);
    std::printf("%-15s %12lld %12s %12s %8lld %10s  %s\n", source.c_str(), static_cast<long long>(t.docs),
                human_bytes(static_cast<double>(t.bytes)).c_str(),
                human_bytes(static_cast<double>(t.compressed_bytes)).c_str(), static_cast<long long>(t.shards),
                inputs.c_str(), tokens.c_str());
    docs += t.docs;
    bytes += t.bytes;
    comp += t.compressed_bytes;
    shards += t.shards;
  }
  std::printf("%-15s %12lld %12s %12s %8lld\n", "total", static_cast<long long>(docs),
              human_bytes(static_cast<double>(bytes)).c_str(), human_bytes(static_cast<double>(comp)).c_str(),
              static_cast<long long>(shards));
}

}  // namespace rpdata::cli
