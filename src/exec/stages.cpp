#include "stages.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <tuple>

#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/hash.h"
#include "rpdata/io/json_writer.h"
#include "rpdata/io/jsonl_reader.h"
#include "book_ids.h"
#include "inputs.h"

namespace rpdata::exec {
namespace fs = std::filesystem;

namespace {
// <dir>/p-NNNNN<ext>: one partition's file of a round.
fs::path partition_file(const fs::path& dir, uint32_t p, const char* ext) {
  char name[32];
  std::snprintf(name, sizeof(name), "p-%05u%s", p, ext);
  return dir / name;
}
}  // namespace

fs::path DedupLayout::drop_file(uint32_t p) const { return partition_file(reduce_dir(), p, ".drops"); }
fs::path DedupLayout::drop_sidecar(uint32_t p) const { return partition_file(reduce_dir(), p, ".json"); }
fs::path DedupLayout::winners_file(uint32_t p) const { return partition_file(winners_dir(), p, ".winners"); }
fs::path DedupLayout::winners_sidecar(uint32_t p) const { return partition_file(winners_dir(), p, ".json"); }

KeySpec parse_key_spec(const Recipe& r) {
  KeySpec k;
  const Params& d = r.dedup;
  d.declare("dedup", {Key::text("kind", "exact", "exact, simhash or url_membership"),
                      Key::require("key", ParamType::kString, "the meta field holding the key (simhash: the signature)"),
                      Key::integer("partitions", 16, "reduce partitions (1..65536)"),
                      Key::flag("drop_key", false, "remove the key field after the dedup")});
  Key order = Key::text("order", "", "a meta integer: the smaller wins (default: plan order)");
  std::string kind = d.get_string("kind");
  if (kind == "exact") {
    k.kind = dedup::DedupKind::kExact;
    d.declare("kind exact", {order});
  } else if (kind == "simhash") {
    k.kind = dedup::DedupKind::kSimHash;
    d.declare("kind simhash", {order, Key::integer("max_distance", 5, "the Hamming distance of near-duplicates"),
                               Key::text("book_ids", "redpajama", "book ids \"redpajama\" or \"unique\"")});
  } else if (kind == "url_membership") {
    k.kind = dedup::DedupKind::kUrlMembership;
    d.declare("kind url_membership", {Key::text("url", "url", "the URL field"),
                                      Key::list("file_order", {}, "the routes in file order"),
                                      Key::text("scope", "run", "\"run\" or \"dump\": where digests meet")});
  } else {
    throw ConfigError("[dedup] kind must be exact, simhash or url_membership, not '" + kind + "'", r.name);
  }
  if (k.two_rounds()) {
    k.url_field = d.get_string("url");
    k.file_order = d.get_strings("file_order");
    std::string scope = d.get_string("scope");
    if (scope != "run" && scope != "dump")
      throw ConfigError("[dedup] scope must be \"run\" (across every dump of the run) or \"dump\"", r.name);
    k.scope_per_group = scope == "dump";
  }
  if (!d.has("key")) throw ConfigError("[dedup] needs key = \"<meta field>\"", r.name);
  k.field = d.get_string("key");
  k.order_field = k.two_rounds() ? "" : d.get_string("order");
  int64_t partitions = d.get_int("partitions");
  if (partitions < 1 || partitions > 65536) throw ConfigError("[dedup] partitions must be 1..65536", r.name);
  k.partitions = static_cast<uint32_t>(partitions);
  k.drop_field = d.get_bool("drop_key");
  if (k.kind == dedup::DedupKind::kSimHash) {
    k.max_distance = static_cast<int>(d.get_int("max_distance"));
    if (k.max_distance != 5)
      throw ConfigError("[dedup] max_distance: the 6-band index finds every pair only for 5", r.name);
    std::string ids = d.get_string("book_ids");
    if (ids == "redpajama") k.book_ids = dedup::BookIdMode::kRedPajama;
    else if (ids == "unique") k.book_ids = dedup::BookIdMode::kUnique;
    else throw ConfigError("[dedup] book_ids must be \"redpajama\" or \"unique\", not '" + ids + "'", r.name);
    if (!k.order_field.empty()) throw ConfigError("[dedup] book_ids orders the books; drop 'order'", r.name);
  }
  d.reject_unused();
  return k;
}

namespace {
std::string meta_string(const MetaValue& v) {
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (auto* j = std::get_if<MetaJson>(&v)) return j->json;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.17g", std::get<double>(v));
  return buf;
}

uint64_t meta_u64(const MetaValue& v, const std::string& field) {
  if (auto* i = std::get_if<int64_t>(&v)) return static_cast<uint64_t>(*i);
  if (auto* s = std::get_if<std::string>(&v)) {  // 64-bit values travel as hex strings
    char* end = nullptr;
    uint64_t x = std::strtoull(s->c_str(), &end, 16);
    if (!s->empty() && *end == '\0') return x;
  }
  throw InputError("meta field '" + field + "' is not an integer or a hex string");
}
}  // namespace

void document_entries(const KeySpec& spec, const Document& doc, uint32_t unit, uint32_t ordinal, UnitKeys& out) {
  const MetaValue* key = doc.meta.find(spec.field);
  if (!key) return;  // no key: never a duplicate
  if (spec.two_rounds()) {
    const MetaValue* url = doc.meta.find(spec.url_field);
    if (!url) return;  // no URL: no winner to be, never dropped
    uint64_t rank = 0;
    if (!spec.file_order.empty()) {
      // The unrouted ("": e.g. the optional perplexity step had no model) rank last.
      auto it = std::find(spec.file_order.begin(), spec.file_order.end(), doc.route);
      if (it == spec.file_order.end() && !doc.route.empty())
        throw InputError("document " + doc.id + " goes to route '" + doc.route + "', which [dedup] file_order lacks");
      rank = static_cast<uint64_t>(it - spec.file_order.begin());
    }
    uint64_t group = unit < spec.unit_group.size() ? spec.unit_group[unit] : 0;
    rank |= group << 32;
    std::string scope = spec.scope_per_group ? std::to_string(group) + " " : std::string();
    dedup::Entry u = dedup::exact_entry(scope + meta_string(*url), rank, unit, ordinal);
    dedup::Entry d = dedup::exact_entry(scope + meta_string(*key), rank, unit, ordinal);
    out.entries.push_back(u);
    out.digests.push_back(dedup::DigestEntry{d.h1, d.h2, u.h1, u.h2, rank, unit, ordinal});
    return;
  }
  uint64_t order = (uint64_t{unit} << 32) | ordinal;
  if (!spec.order_field.empty()) {
    const MetaValue* o = doc.meta.find(spec.order_field);
    if (!o) throw InputError("document " + doc.id + " has no order field '" + spec.order_field + "'");
    order = meta_u64(*o, spec.order_field);
  }
  if (spec.kind == dedup::DedupKind::kExact) {
    out.entries.push_back(dedup::exact_entry(meta_string(*key), order, unit, ordinal));
  } else {
    auto e = dedup::simhash_entries(meta_u64(*key, spec.field), order, unit, ordinal);
    out.entries.insert(out.entries.end(), e.begin(), e.end());
  }
}

void finalize_unit_keys(UnitKeys& keys) {
  // dedup_phase2.py: url_digest[url] = digest over a file's lines, then `for url, digest in
  // url_digest.items()`: insertion order (the URL's first line) with the last value.
  auto& v = keys.digests;
  std::sort(v.begin(), v.end(), [](const dedup::DigestEntry& a, const dedup::DigestEntry& b) {
    return std::tie(a.order, a.u1, a.u2, a.ordinal) < std::tie(b.order, b.u1, b.u2, b.ordinal);
  });
  size_t w = 0;
  for (size_t i = 0; i < v.size();) {
    size_t j = i;
    while (j < v.size() && v[j].order == v[i].order && v[j].u1 == v[i].u1 && v[j].u2 == v[i].u2) ++j;
    dedup::DigestEntry e = v[j - 1];  // last digest
    e.ordinal = v[i].ordinal;         // first position
    v[w++] = e;
    i = j;
  }
  v.resize(w);
}

namespace {

// Digest of what a round was computed from: the main stage's unit markers (which carry the
// shards' sha256) plus, for the members round, the winners' sidecars.
std::string main_inputs_digest(const Recipe& recipe, const DedupLayout& dl, const Plan& plan, const KeySpec& spec,
                               const char* stage) {
  RunLayout main = dl.main_layout();
  std::string inputs;
  size_t missing = 0;
  for (const auto& u : plan.units) {
    fs::path marker = main.unit_marker(u.name);
    if (!fs::exists(marker) || !fs::exists(dl.key_file(u.name)) ||
        (spec.two_rounds() && !fs::exists(dl.digest_file(u.name)))) {
      ++missing;
      continue;
    }
    inputs += io::file_sha256_hex(marker) + "  " + u.name + "\n";
  }
  if (missing)
    throw ConfigError(std::string("--stage ") + stage + ": the main stage of " + recipe.name + " is not complete (" +
                      std::to_string(missing) + " of " + std::to_string(plan.units.size()) +
                      " units missing); run or resubmit --stage main first");
  return io::sha256_hex(inputs);
}

struct RoundResult {
  size_t entries = 0, out = 0;
};

// This task's partitions of one round: skipped when the sidecar names the same inputs.
RunSummary run_partitions(const char* round, uint32_t partitions, const RunOptions& options, const std::string& digest,
                          const std::function<fs::path(uint32_t)>& file, const std::function<fs::path(uint32_t)>& sidecar,
                          const std::function<RoundResult(uint32_t)>& compute) {
  auto t0 = std::chrono::steady_clock::now();
  RunSummary summary;
  summary.units_total = partitions;
  auto mine = assign_units(partitions, options.task);
  summary.units_assigned = mine.size();
  for (size_t pi : mine) {
    uint32_t p = static_cast<uint32_t>(pi);
    if (fs::exists(sidecar(p)) && fs::exists(file(p)) &&
        io::read_file(sidecar(p)).find("\"inputs\": \"" + digest + "\"") != std::string::npos) {
      ++summary.units_skipped;
      continue;
    }
    try {
      fs::create_directories(file(p).parent_path());
      RoundResult r = compute(p);
      io::write_file_atomic(sidecar(p), io::JsonObject()
                                            .num("partition", p)
                                            .num("entries", static_cast<int64_t>(r.entries))
                                            .num(std::string(round) == "winners" ? "winners" : "drops",
                                                 static_cast<int64_t>(r.out))
                                            .str("sha256", io::file_sha256_hex(file(p)))
                                            .str("inputs", digest)
                                            .done() +
                                            "\n");
      spdlog::info("{} partition {}/{}: {} entries ({:.1f} MB in memory), {} {}", round, p, partitions, r.entries,
                   r.entries * sizeof(dedup::DigestEntry) / 1e6, r.out,
                   std::string(round) == "winners" ? "winning URLs" : "documents dropped");
      summary.stats.add(std::string("dedup_") + round + "_entries", static_cast<int64_t>(r.entries));
      summary.stats.add(std::string(round) == "winners" ? "dedup_winners" : "dedup_drops", static_cast<int64_t>(r.out));
      ++summary.units_processed;
    } catch (const std::exception& e) {
      spdlog::error("{} partition {}: {}", round, p, e.what());
      summary.failures.push_back(std::string(round) + " partition " + std::to_string(p) + ": " + e.what());
    }
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return summary;
}

}  // namespace

RunSummary run_winners(const Recipe& recipe, const KeySpec& spec, const DedupLayout& dl, const Plan& plan,
                       const RunOptions& options) {
  std::string digest = main_inputs_digest(recipe, dl, plan, spec, "winners");
  auto file = [&](uint32_t p) { return dl.winners_file(p); };
  auto sidecar = [&](uint32_t p) { return dl.winners_sidecar(p); };
  return run_partitions("winners", spec.partitions, options, digest, file, sidecar, [&](uint32_t p) {
    std::vector<dedup::DigestEntry> entries;
    for (const auto& u : plan.units) {
      auto part = dedup::read_digest_partition(dl.digest_file(u.name), p, spec.partitions);
      entries.insert(entries.end(), part.begin(), part.end());
    }
    RoundResult r{entries.size(), 0};
    auto won = dedup::digest_winners(entries);
    r.out = won.size();
    dedup::write_entry_file(dl.winners_file(p), std::move(won), spec.partitions);
    return r;
  });
}

RunSummary run_reduce(const Recipe& recipe, const KeySpec& spec, const DedupLayout& dl, const Plan& plan,
                      const RunOptions& options) {
  std::string digest = main_inputs_digest(recipe, dl, plan, spec, "reduce");
  if (spec.two_rounds()) {  // the members round also depends on every winners partition
    std::string winners;
    for (uint32_t q = 0; q < spec.partitions; ++q) {
      if (!fs::exists(dl.winners_sidecar(q)) || !fs::exists(dl.winners_file(q)))
        throw ConfigError("--stage reduce: the winners stage is not complete (partition " + std::to_string(q) +
                          " missing); run or resubmit --stage winners first");
      winners += io::read_file(dl.winners_sidecar(q));
    }
    digest = io::sha256_hex(digest + winners);
  }
  std::optional<BookIds> ids;
  if (spec.book_ids) ids.emplace(plan, dl.main_layout(), *spec.book_ids);
  auto file = [&](uint32_t p) { return dl.drop_file(p); };
  auto sidecar = [&](uint32_t p) { return dl.drop_sidecar(p); };
  return run_partitions("reduce", spec.partitions, options, digest, file, sidecar, [&](uint32_t p) {
    std::vector<dedup::Entry> entries;
    for (const auto& u : plan.units) {
      auto part = dedup::read_entry_partition(dl.key_file(u.name), p, spec.partitions);
      entries.insert(entries.end(), part.begin(), part.end());
    }
    if (ids)  // near-duplicates are ordered by book id (dedup.py: a smaller id wins, equal ids never drop)
      for (auto& e : entries) e.order = ids->key(e.unit, e.ordinal);
    RoundResult r{entries.size(), 0};
    std::vector<dedup::Drop> drops;
    if (spec.two_rounds()) {
      std::vector<dedup::Entry> winners;
      for (uint32_t q = 0; q < spec.partitions; ++q) {
        auto part = dedup::read_entry_partition(dl.winners_file(q), p, spec.partitions);
        winners.insert(winners.end(), part.begin(), part.end());
      }
      drops = dedup::url_member_drops(entries, winners);
    } else {
      drops = dedup::reduce_partition(entries, spec.kind, spec.max_distance);
    }
    r.out = drops.size();
    dedup::write_drop_file(dl.drop_file(p), drops);
    return r;
  });
}

Plan apply_plan(const KeySpec& spec, const DedupLayout& dl, const Plan& plan) {
  Plan ap;
  ap.recipe = plan.recipe;
  ap.source = plan.source;
  std::vector<PlanPart> sidecars;
  for (uint32_t p = 0; p < spec.partitions; ++p) {
    if (!fs::exists(dl.drop_sidecar(p)) || !fs::exists(dl.drop_file(p)))
      throw ConfigError("--stage apply: the reduce stage is not complete (partition " + std::to_string(p) +
                        " missing); run or resubmit --stage reduce first");
    sidecars.push_back({dl.drop_sidecar(p).filename().string(), "", dl.drop_sidecar(p).string(), ""});
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

namespace {

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
        // back, however long (a 70 MB book is one line), so no line limit applies.
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

}  // namespace

ReaderFactory intermediate_reader_factory() {
  return [](const ReaderInput& in) -> std::unique_ptr<Reader> { return std::make_unique<IntermediateReader>(in); };
}

std::unique_ptr<Step> make_drop_step(const KeySpec& spec, const DedupLayout& dl, uint32_t unit, const BookIds* ids) {
  auto drops_of = [&](uint32_t u) {
    std::vector<uint32_t> drops;
    for (uint32_t p = 0; p < spec.partitions; ++p) {
      auto d = dedup::read_unit_drops(dl.drop_file(p), u);
      drops.insert(drops.end(), d.begin(), d.end());
    }
    std::sort(drops.begin(), drops.end());
    drops.erase(std::unique(drops.begin(), drops.end()), drops.end());
    return drops;
  };
  std::vector<uint32_t> drops = ids ? ids->final_drops(unit, drops_of) : drops_of(unit);
  return std::make_unique<DropStep>(std::move(drops), spec.field, spec.drop_field);
}

std::vector<StageInfo> recipe_stages(const Recipe& recipe) {
  if (!recipe.has_dedup) return {{"", 0}};
  KeySpec spec = parse_key_spec(recipe);
  std::vector<StageInfo> stages{{"main", 0}};
  if (spec.two_rounds()) stages.push_back({"winners", spec.partitions});
  stages.push_back({"reduce", spec.partitions});
  stages.push_back({"apply", 0});
  return stages;
}

RunSummary run_dedup_recipe(const Recipe& recipe, const Settings& settings, Plan plan, const RunOptions& options,
                            std::function<download::Published()> published) {
  KeySpec spec = parse_key_spec(recipe);
  std::vector<std::string> groups;  // in order of first appearance (plans are group-major)
  for (const auto& u : plan.units) {
    auto it = std::find(groups.begin(), groups.end(), u.group);
    if (it == groups.end()) it = groups.insert(groups.end(), u.group);
    spec.unit_group.push_back(static_cast<uint32_t>(it - groups.begin()));
  }
  DedupLayout dl{RunLayout{options.out, recipe.source}};
  std::string stage = options.stage.empty() ? "all" : options.stage;
  if (stage == "all" && options.task.world_size > 1)
    throw ConfigError("recipe " + recipe.name +
                      " has a cross-unit [dedup]: with several tasks run --stage main, then " +
                      std::string(spec.two_rounds() ? "--stage winners, then " : "") + "--stage reduce, then "
                      "--stage apply, each on every task (rpdata slurm submit chains them)");
  if (stage == "all" && !options.process) stage = "main";  // `rpdata download`
  // The raw plan at the top level from the start, so `rpdata status` sees the run in any stage.
  fs::create_directories(dl.final_layout.work_dir());
  publish_plan(dl.final_layout, plan);
  std::string names;
  for (const auto& s : recipe_stages(recipe)) names += (names.empty() ? "\"" : ", \"") + s.name + "\"";
  io::write_file_atomic(dl.stages_dir() / "dedup.json", io::JsonObject()
                                                            .num("partitions", spec.partitions)
                                                            .str("key", spec.field)
                                                            .raw("stages", "[" + names + "]")
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
    main.source = recipe.source;
    main.make_steps = [&recipe, models = settings.models](size_t) { return build_steps(recipe, *models); };
    main.envelope = true;
    main.keys = spec;
    main.keys_dir = dl.keys_dir();
    main.count_tokens = false;
    main.published = published;
    fs::create_directories(dl.keys_dir());
    main.raw_dir = dl.final_layout.raw_dir();  // raw downloads stay in OUT/<source>/_work/raw
    last = run_stage(main, plan, options);
    if (!last.failures.empty() || stage == "main" || !options.process) return last;
  }
  if (stage == "winners" && !spec.two_rounds())
    throw ConfigError("--stage winners: only [dedup] kind = \"url_membership\" has a winners stage");
  if (spec.two_rounds() && (stage == "all" || stage == "winners")) {
    RunOptions ro = options;
    if (stage == "all") ro.task = TaskSpec{0, 1};
    last = run_winners(recipe, spec, dl, plan, ro);
    if (!last.failures.empty() || stage == "winners") return last;
  }
  if (stage == "all" || stage == "reduce") {
    RunOptions ro = options;
    if (stage == "all") ro.task = TaskSpec{0, 1};
    last = run_reduce(recipe, spec, dl, plan, ro);
    if (!last.failures.empty() || stage == "reduce") return last;
  }
  if (stage == "all" || stage == "apply") {
    StageSpec apply;
    apply.name = "apply";
    apply.layout = dl.final_layout;
    apply.settings = settings;
    apply.settings.reader_factory = intermediate_reader_factory();
    apply.source = recipe.source;
    Plan ap = apply_plan(spec, dl, plan);
    std::shared_ptr<const BookIds> ids;
    if (spec.book_ids) ids = std::make_shared<const BookIds>(plan, dl.main_layout(), *spec.book_ids);
    apply.make_steps = [&recipe, &dl, spec, ids, models = settings.models](size_t unit) {
      std::vector<std::unique_ptr<Step>> steps;
      steps.push_back(make_drop_step(spec, dl, static_cast<uint32_t>(unit), ids.get()));
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
