// A task of a run: plan the inputs, then run this task's units of each stage on a thread
// pool (unit_run.cpp has one unit's lifecycle), then the task marker and, when every input is
// complete, the merged manifest.
#include "rpdata/exec/runner.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <optional>
#include <thread>

#include "fallbacks.h"
#include "input_groups.h"
#include "inputs.h"
#include "rpdata/core/error.h"
#include "rpdata/exec/manifest.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/json_writer.h"
#include "rpdata/quality/model_files.h"
#include "rpdata/tokenize/models.h"
#include "settings.h"
#include "stages.h"
#include "unit_run.h"

namespace rpdata::exec {
namespace fs = std::filesystem;
namespace {

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
    std::filesystem::path file = settings.models->find("[output] tokenizers", quality::tokenizer_files(name));
    if (file.empty()) continue;  // skipped (missing_models = "skip"): not counted
    models.push_back(quality::shared_tokenizer(name, file));
  }
  return models;
}

std::vector<std::string> counted_tokenizers(const Settings& settings, const RunOptions& options) {
  std::vector<std::string> names;
  for (const auto& m : load_token_models(settings, options)) names.push_back(m->name());
  return names;
}

void run_units(StageRun& sh, const std::vector<size_t>& mine) {
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
  single.make_steps = [&recipe, models = settings.models](size_t) { return build_steps(recipe, *models); };
  single.published = published;
  single.fallbacks = DownloadFallbacks::make(recipe, settings, options, layout);
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
    StageRun sh{stage, settings, options, layout, plan, fetcher, {}, std::move(token_models), {}, {}};
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
