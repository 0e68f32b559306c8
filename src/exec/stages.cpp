#include "stages.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>

#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/hash.h"
#include "rpdata/io/json_writer.h"
#include "rpdata/io/jsonl_reader.h"
#include "fallbacks.h"
#include "inputs.h"

namespace rpdata::exec {
namespace fs = std::filesystem;

namespace {
// <dir>/p-NNNNN<ext>: one partition's file of a round.
fs::path partition_file(const fs::path& dir, uint32_t p, const std::string& ext) {
  char name[32];
  std::snprintf(name, sizeof(name), "p-%05u", p);
  return dir / (name + ext);
}

constexpr int kIntermediateZstdLevel = 1;

bool is_reduce(const std::string& round) { return round == "reduce"; }
// What a round's partitions count: the reduce's drops, else the round's own records.
std::string counted(const std::string& round) { return is_reduce(round) ? "drops" : round; }
}  // namespace

fs::path DedupLayout::unit_file(const std::string& unit, std::string_view ext) const {
  return keys_dir() / (unit + std::string(ext));
}
fs::path DedupLayout::round_file(const std::string& round, uint32_t p) const {
  return partition_file(stages_dir() / round, p, "." + counted(round));
}
fs::path DedupLayout::round_sidecar(const std::string& round, uint32_t p) const {
  return partition_file(stages_dir() / round, p, ".json");
}

std::unique_ptr<dedup::DedupKind> dedup_kind(const Recipe& recipe) {
  return registries().dedup_kinds.configure(recipe.dedup, recipe.name);
}

namespace {

// The stages of a dedup run: main, the kind's rounds, apply.
std::vector<std::string> stage_names(const dedup::DedupKind& kind) {
  std::vector<std::string> names{"main"};
  for (const auto& r : kind.rounds()) names.push_back(r);
  names.push_back("apply");
  return names;
}

std::string list_stages(const std::vector<std::string>& names, const char* sep) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : sep) + ("--stage " + n);
  return out;
}

// What the kind's rounds and apply stage see of the run: units by plan index.
dedup::DedupRun dedup_run(const DedupLayout& dl, const Plan& plan) {
  dedup::DedupRun run;
  std::vector<std::string> groups;  // in order of first appearance (plans are group-major)
  for (const auto& u : plan.units) {
    auto it = std::find(groups.begin(), groups.end(), u.group);
    if (it == groups.end()) it = groups.insert(groups.end(), u.group);
    run.unit_group.push_back(static_cast<uint32_t>(it - groups.begin()));
  }
  run.unit_file = [dl, &plan](uint32_t u, std::string_view ext) { return dl.unit_file(plan.units[u].name, ext); };
  run.round_file = [dl](std::string_view round, uint32_t p) { return dl.round_file(std::string(round), p); };
  run.unit_docs = [dl, &plan](uint32_t u) {
    fs::path marker = dl.main_layout().unit_marker(plan.units[u].name);
    int64_t n = read_unit_record(marker).stats.get("docs_out");
    if (n < 0) throw InputError("main-stage marker has a negative docs_out", marker.string());
    return static_cast<uint64_t>(n);
  };
  return run;
}

// Digest of what round `rounds[index]` is computed from: the main stage's unit markers (which
// carry the shards' sha256), then each earlier round's sidecars. Throws ConfigError naming the
// stage to run when one of them is not complete.
std::string round_inputs_digest(const Recipe& recipe, const dedup::DedupKind& kind, const DedupLayout& dl,
                                const Plan& plan, const std::vector<std::string>& rounds, size_t index) {
  const std::string& stage = rounds[index];
  RunLayout main = dl.main_layout();
  std::string inputs;
  size_t missing = 0;
  for (const auto& u : plan.units) {
    fs::path marker = main.unit_marker(u.name);
    bool complete = fs::exists(marker);
    for (const auto& ext : kind.unit_files()) complete = complete && fs::exists(dl.unit_file(u.name, ext));
    if (!complete) {
      ++missing;
      continue;
    }
    inputs += io::file_sha256_hex(marker) + "  " + u.name + "\n";
  }
  if (missing)
    throw ConfigError("--stage " + stage + ": the main stage of " + recipe.name + " is not complete (" +
                      std::to_string(missing) + " of " + std::to_string(plan.units.size()) +
                      " units missing); run or resubmit --stage main first");
  std::string digest = io::sha256_hex(inputs);
  for (size_t k = 0; k < index; ++k) {
    std::string sidecars;
    for (uint32_t q = 0; q < kind.keys().partitions; ++q) {
      if (!fs::exists(dl.round_sidecar(rounds[k], q)) || !fs::exists(dl.round_file(rounds[k], q)))
        throw ConfigError("--stage " + stage + ": the " + rounds[k] + " stage is not complete (partition " +
                          std::to_string(q) + " missing); run or resubmit --stage " + rounds[k] + " first");
      sidecars += io::read_file(dl.round_sidecar(rounds[k], q));
    }
    digest = io::sha256_hex(digest + sidecars);
  }
  return digest;
}

// This task's partitions of one round: skipped when the sidecar names the same inputs.
RunSummary run_partitions(const std::string& round, uint32_t partitions, const RunOptions& options,
                          const std::string& digest, const DedupLayout& dl,
                          const std::function<dedup::RoundCounts(uint32_t)>& compute) {
  auto t0 = std::chrono::steady_clock::now();
  RunSummary summary;
  summary.units_total = partitions;
  auto mine = assign_units(partitions, options.task);
  summary.units_assigned = mine.size();
  for (size_t pi : mine) {
    uint32_t p = static_cast<uint32_t>(pi);
    fs::path file = dl.round_file(round, p), sidecar = dl.round_sidecar(round, p);
    if (fs::exists(sidecar) && fs::exists(file) &&
        io::read_file(sidecar).find("\"inputs\": \"" + digest + "\"") != std::string::npos) {
      ++summary.units_skipped;
      continue;
    }
    try {
      fs::create_directories(file.parent_path());
      dedup::RoundCounts r = compute(p);
      io::write_file_atomic(sidecar, io::JsonObject()
                                         .num("partition", p)
                                         .num("entries", static_cast<int64_t>(r.entries))
                                         .num(counted(round), static_cast<int64_t>(r.out))
                                         .str("sha256", io::file_sha256_hex(file))
                                         .str("inputs", digest)
                                         .done() +
                                         "\n");
      spdlog::info("{} partition {}/{}: {} entries ({:.1f} MB in memory), {} {}", round, p, partitions, r.entries,
                   r.memory / 1e6, r.out, is_reduce(round) ? "documents dropped" : round);
      summary.stats.add("dedup_" + round + "_entries", static_cast<int64_t>(r.entries));
      summary.stats.add("dedup_" + counted(round), static_cast<int64_t>(r.out));
      ++summary.units_processed;
    } catch (const std::exception& e) {
      spdlog::error("{} partition {}: {}", round, p, e.what());
      summary.failures.push_back(round + " partition " + std::to_string(p) + ": " + e.what());
    }
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return summary;
}

// One of the kind's rounds for this task's partitions.
RunSummary run_round(const Recipe& recipe, const dedup::DedupKind& kind, size_t index, const DedupLayout& dl,
                     const Plan& plan, const dedup::DedupRun& run, const RunOptions& options) {
  auto rounds = kind.rounds();
  const std::string& round = rounds[index];
  std::string digest = round_inputs_digest(recipe, kind, dl, plan, rounds, index);
  uint32_t partitions = kind.keys().partitions;
  if (!is_reduce(round)) {
    dedup::DedupKind::Round compute = kind.round(round, run);
    return run_partitions(round, partitions, options, digest, dl,
                          [&](uint32_t p) { return compute(p, dl.round_file(round, p)); });
  }
  dedup::DedupKind::Reduce reduce = kind.reduce(run);
  return run_partitions(round, partitions, options, digest, dl, [&](uint32_t p) {
    dedup::RoundCounts counts;
    std::vector<dedup::Drop> drops = reduce(p, counts);
    counts.out = drops.size();
    dedup::write_drop_file(dl.round_file(round, p), drops);
    return counts;
  });
}

// The apply stage's units: each main-stage unit's intermediate shards (+ the reduce sidecars,
// so a changed reduce redoes the unit). Throws ConfigError when reduce is incomplete.
Plan apply_plan(uint32_t partitions, const DedupLayout& dl, const Plan& plan) {
  Plan ap;
  ap.recipe = plan.recipe;
  ap.source = plan.source;
  std::vector<PlanPart> sidecars;
  for (uint32_t p = 0; p < partitions; ++p) {
    fs::path sidecar = dl.round_sidecar("reduce", p);
    if (!fs::exists(sidecar) || !fs::exists(dl.round_file("reduce", p)))
      throw ConfigError("--stage apply: the reduce stage is not complete (partition " + std::to_string(p) +
                        " missing); run or resubmit --stage reduce first");
    sidecars.push_back({sidecar.filename().string(), "", sidecar.string(), ""});
  }
  RunLayout main = dl.main_layout();
  for (const auto& u : plan.units) {
    fs::path marker = main.unit_marker(u.name);
    if (!fs::exists(marker))
      throw ConfigError("--stage apply: the main stage has no output for " + u.name + "; run --stage main first");
    UnitRecord rec = read_unit_record(marker);
    PlanUnit unit{u.name, "", "", {}};
    for (const auto& s : rec.shards)
      unit.parts.push_back({"main/" + s.name, "", (main.source_dir() / s.name).string(), s.sha256});
    unit.parts.insert(unit.parts.end(), sidecars.begin(), sidecars.end());
    ap.units.push_back(std::move(unit));
  }
  return ap;
}

// Reads the intermediate shards among a unit's parts, in order (sidecars are skipped).
class IntermediateReader final : public Reader {
 public:
  explicit IntermediateReader(const ReaderInput& in) : in_(in) {
    for (const auto& p : in.parts)
      if (p.string().ends_with(".jsonl.zst")) shards_.push_back(p);
  }
  bool next(Batch& batch) override {
    while (true) {
      if (!cur_) {
        if (k_ >= shards_.size()) return false;
        io::JsonlReaderOptions o;
        o.envelope = true;
        // These shards are the main stage's own output: any record it wrote must be read
        // back, however long (a 70 MB document is one line), so no line limit applies.
        o.max_line_bytes = std::numeric_limits<uint64_t>::max();
        o.source = in_.source;
        o.id_prefix = in_.unit;
        cur_ = std::make_unique<io::JsonlReader>(shards_[k_], o);
      }
      if (cur_->next(batch)) {
        if (!batch.drops.empty())
          throw InputError("intermediate shard has an unreadable record (damaged?); redo --stage main",
                           shards_[k_].string());
        return true;
      }
      done_ += cur_->bytes_read();
      raw_done_ += cur_->raw_bytes_read();
      cur_.reset();
      ++k_;
    }
  }
  uint64_t bytes_read() const override { return done_ + (cur_ ? cur_->bytes_read() : 0); }
  uint64_t raw_bytes_read() const override { return raw_done_ + (cur_ ? cur_->raw_bytes_read() : 0); }

 private:
  ReaderInput in_;
  std::vector<fs::path> shards_;
  size_t k_ = 0;
  std::unique_ptr<io::JsonlReader> cur_;
  uint64_t done_ = 0, raw_done_ = 0;
};

// Drops the documents the reduce chose, by position in the unit's intermediate output.
class DropStep final : public Step {
 public:
  DropStep(std::vector<uint32_t> drops, std::string field, bool drop_field)
      : drops_(std::move(drops)), field_(std::move(field)), drop_field_(drop_field) {}
  std::string_view name() const override { return "dedup"; }
  void process(Batch& batch) override {
    size_t w = 0;
    for (size_t r = 0; r < batch.docs.size(); ++r, ++ordinal_) {
      while (next_ < drops_.size() && drops_[next_] < ordinal_) ++next_;
      if (next_ < drops_.size() && drops_[next_] == ordinal_) {
        ++batch.drops["dedup:duplicate"];
        continue;
      }
      if (drop_field_) batch.docs[r].meta.erase(field_);
      if (w != r) batch.docs[w] = std::move(batch.docs[r]);
      ++w;
    }
    batch.docs.resize(w);
  }

 private:
  std::vector<uint32_t> drops_;
  std::string field_;
  bool drop_field_;
  size_t next_ = 0;
  uint32_t ordinal_ = 0;
};

ReaderFactory intermediate_reader_factory() {
  return [](const ReaderInput& in) -> std::unique_ptr<Reader> { return std::make_unique<IntermediateReader>(in); };
}

// The reduce's drops of one unit: its ordinals in every partition's drop file, sorted, unique.
std::vector<uint32_t> reduce_drops(const DedupLayout& dl, uint32_t partitions, uint32_t unit) {
  std::vector<uint32_t> drops;
  for (uint32_t p = 0; p < partitions; ++p) {
    auto d = dedup::read_unit_drops(dl.round_file("reduce", p), unit);
    drops.insert(drops.end(), d.begin(), d.end());
  }
  std::sort(drops.begin(), drops.end());
  drops.erase(std::unique(drops.begin(), drops.end()), drops.end());
  return drops;
}

}  // namespace

std::vector<StageInfo> recipe_stages(const Recipe& recipe) {
  if (!recipe.has_dedup) return {{"", 0}};
  auto kind = dedup_kind(recipe);
  std::vector<StageInfo> stages{{"main", 0}};
  for (const auto& r : kind->rounds()) stages.push_back({r, kind->keys().partitions});
  stages.push_back({"apply", 0});
  return stages;
}

RunSummary run_dedup_recipe(const Recipe& recipe, const Settings& settings, Plan plan, const RunOptions& options,
                            std::function<download::Published()> published) {
  std::unique_ptr<dedup::DedupKind> kind = dedup_kind(recipe);
  const dedup::DedupKeys& keys = kind->keys();
  const std::vector<std::string> rounds = kind->rounds(), names = stage_names(*kind);
  DedupLayout dl{RunLayout{options.out, recipe.source}};
  const dedup::DedupRun run = dedup_run(dl, plan);
  std::string stage = options.stage.empty() ? "all" : options.stage;
  if (stage != "all" && std::find(names.begin(), names.end(), stage) == names.end())
    throw ConfigError("--stage " + stage + ": recipe " + recipe.name + " has the stages " +
                      list_stages(names, ", ") + " (or all of them in turn)");
  if (stage == "all" && options.task.world_size > 1)
    throw ConfigError("recipe " + recipe.name + " has a cross-unit [dedup]: with several tasks run " +
                      list_stages(names, ", then ") +
                      ", each on every task (rpdata slurm submit chains them)");
  if (stage == "all" && !options.process) stage = "main";  // `rpdata download`
  // The raw plan at the top level from the start, so `rpdata status` sees the run in any stage.
  fs::create_directories(dl.final_layout.work_dir());
  publish_plan(dl.final_layout, plan);
  std::string quoted;
  for (const auto& n : names) quoted += (quoted.empty() ? "\"" : ", \"") + n + "\"";
  io::write_file_atomic(dl.stages_dir() / "dedup.json", io::JsonObject()
                                                            .num("partitions", keys.partitions)
                                                            .str("key", keys.field)
                                                            .raw("stages", "[" + quoted + "]")
                                                            .done() +
                                                            "\n");
  RunSummary last;
  if (stage == "all" || stage == "main") {
    StageSpec main;
    main.name = "main";
    main.layout = dl.main_layout();
    main.settings = settings;
    main.settings.style = io::JsonStyle::kCompact;
    main.settings.layout = io::RecordLayout::kTextMeta;
    // The intermediate shards are read back once, by the apply stage: compressing them at
    // zstd level 1 costs about a third less CPU than level 3 (the recipes' level) for ~10 %
    // more disk. The final shards keep the recipe's level.
    main.settings.zstd_level = kIntermediateZstdLevel;
    main.source = recipe.source;
    main.make_steps = [&recipe, models = settings.models](size_t) { return build_steps(recipe, *models); };
    main.envelope = true;
    main.fallbacks = DownloadFallbacks::make(recipe, settings, options, dl.final_layout);
    main.unit_keys = [&kind, &run](uint32_t unit) { return kind->unit_keys(unit, run); };
    main.count_tokens = false;
    main.published = published;
    fs::create_directories(dl.keys_dir());
    main.raw_dir = dl.final_layout.raw_dir();  // raw downloads stay in OUT/<source>/_work/raw
    last = run_stage(main, plan, options);
    if (!last.failures.empty() || stage == "main" || !options.process) return last;
  }
  for (size_t k = 0; k < rounds.size(); ++k) {
    if (stage != "all" && stage != rounds[k]) continue;
    RunOptions ro = options;
    if (stage == "all") ro.task = TaskSpec{0, 1};
    last = run_round(recipe, *kind, k, dl, plan, run, ro);
    if (!last.failures.empty() || stage == rounds[k]) return last;
  }
  if (stage == "all" || stage == "apply") {
    StageSpec apply;
    apply.name = "apply";
    apply.layout = dl.final_layout;
    apply.settings = settings;
    apply.settings.reader_factory = intermediate_reader_factory();
    apply.source = recipe.source;
    Plan ap = apply_plan(keys.partitions, dl, plan);
    dedup::DedupKind::UnitDrops drops =
        kind->apply_drops(run, [&dl, &keys](uint32_t unit) { return reduce_drops(dl, keys.partitions, unit); });
    apply.make_steps = [&recipe, &keys, drops, models = settings.models](size_t unit) {
      std::vector<std::unique_ptr<Step>> steps;
      steps.push_back(std::make_unique<DropStep>(drops(static_cast<uint32_t>(unit)), keys.field, keys.drop_field));
      for (const auto& sc : recipe.post_steps) steps.push_back(step_registry().make(sc.type, sc.params, *models));
      return steps;
    };
    apply.carry_drops = [&dl, &plan](size_t unit) {
      return read_unit_record(dl.main_layout().unit_marker(plan.units[unit].name)).stats.drops;
    };
    RunOptions ao = options;
    ao.download = false;
    ao.delete_raw = false;
    ap.settings_digest = plan.settings_digest;
    last = run_stage(apply, ap, ao);
  }
  return last;
}

}  // namespace rpdata::exec
