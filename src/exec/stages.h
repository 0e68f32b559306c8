// Internal to exec: one per-unit stage of a run, and the cross-unit dedup stages.
// A recipe without [dedup] is one stage writing the final shards. With [dedup] it is three:
//   main   per unit: raw input -> [[steps]] -> intermediate shards (rpdata's envelope records,
//          _work/stages/main) + one dedup entry file per unit (_work/stages/keys)
//   (winners, kind = url_membership only: per digest partition, the first URL of each digest,
//          written partitioned by URL to _work/stages/winners)
//   reduce per partition: every unit's slice of entries -> drops (_work/stages/reduce)
//   apply  per unit: intermediate shards minus drops -> [[post_steps]] -> final shards
// Each stage is resumable on its own (markers as for single-stage runs) and deterministic:
// document order is (unit in plan order, position), never the task or thread count.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rpdata/dedup/shuffle.h"
#include "rpdata/dedup/simhash.h"
#include "rpdata/exec/layout.h"
#include "rpdata/exec/manifest.h"
#include "rpdata/io/http_fetch.h"
#include "rpdata/exec/runner.h"
#include "settings.h"

namespace rpdata::exec {

struct KeySpec {
  dedup::DedupKind kind = dedup::DedupKind::kExact;
  std::string field;        // meta field holding the key (exact) or the 64-bit signature (simhash)
  std::string order_field;  // optional meta integer: smaller wins (default: plan order)
  uint32_t partitions = 16;
  int max_distance = 5;
  bool drop_field = false;  // remove the key field from the records after the dedup
  // simhash: [dedup] book_ids, how near-duplicates are ordered (exec/book_ids.h): "redpajama"
  // (default; ids restart in every [[inputs]] group and a book takes the flag of the last
  // book with its id) or "unique" (one id per book, plan order).
  std::optional<dedup::BookIdMode> book_ids;
  // kUrlMembership: the URL field, and the rank of each route ("file" = unit x route; files
  // are ordered by this rank, then by unit: RedPajama's sorted-glob order of en_head_NNNN
  // before en_middle_NNNN).
  std::string url_field;
  std::vector<std::string> file_order;
  // Files rank by (unit group, route, unit): a multi-dump run's dumps in [download] dumps
  // order, as a sorted glob over dump folders. scope_per_group: digests and URLs only meet
  // within their group (RedPajama per dump); else across the run (across dumps).
  std::vector<uint32_t> unit_group;  // per plan unit, filled by run_dedup_recipe
  bool scope_per_group = false;
  bool two_rounds() const { return kind == dedup::DedupKind::kUrlMembership; }
};

// Per-unit dedup keys collected while the main stage writes a unit.
struct UnitKeys {
  std::vector<dedup::Entry> entries;         // keyed by `field` (or by URL for kUrlMembership)
  std::vector<dedup::DigestEntry> digests;   // kUrlMembership: one per record, finalized per file
};

struct StageSpec {
  std::string name;  // "" for a single-stage run, else "main" or "apply"
  RunLayout layout;  // where this stage's shards, markers and task markers go
  std::filesystem::path raw_dir;  // where downloaded raw parts live
  Settings settings;
  std::string source;  // Document::source
  std::function<std::vector<std::unique_ptr<Step>>(size_t unit_index)> make_steps;
  bool envelope = false;       // write intermediate records (_id, _route kept)
  std::optional<KeySpec> keys;  // write the unit's dedup entry file (main stage)
  std::filesystem::path keys_dir;
  bool count_tokens = true;
  // Apply stage: the unit's drop counts of earlier stages (main's reader and [[steps]]), so the
  // final manifest accounts for every document.
  std::function<DropCounts(size_t unit_index)> carry_drops;
  // The checksum table downloads are checked against (download::Checksums), loaded when the
  // stage starts; unset for stages that download nothing.
  std::function<download::Published()> published;
};

// The three layouts of a dedup run under OUT/<source>/_work/stages.
struct DedupLayout {
  RunLayout final_layout;
  std::filesystem::path stages_dir() const { return final_layout.work_dir() / "stages"; }
  RunLayout main_layout() const { return RunLayout{stages_dir(), "main"}; }
  std::filesystem::path keys_dir() const { return stages_dir() / "keys"; }
  std::filesystem::path reduce_dir() const { return stages_dir() / "reduce"; }
  std::filesystem::path winners_dir() const { return stages_dir() / "winners"; }
  std::filesystem::path key_file(const std::string& unit) const { return keys_dir() / (unit + ".keys"); }
  std::filesystem::path digest_file(const std::string& unit) const { return keys_dir() / (unit + ".digests"); }
  std::filesystem::path winners_file(uint32_t p) const;
  std::filesystem::path winners_sidecar(uint32_t p) const;
  std::filesystem::path drop_file(uint32_t p) const;
  std::filesystem::path drop_sidecar(uint32_t p) const;
};

KeySpec parse_key_spec(const Recipe& r);

// The dedup entries of one document (none if it has no key), ordinal = position in the unit.
void document_entries(const KeySpec& spec, const Document& doc, uint32_t unit, uint32_t ordinal, UnitKeys& out);
// kUrlMembership, at the end of a unit: one digest entry per (file, URL) as RedPajama's
// per-file {url: digest} dict: the URL's LAST digest in the file, at its FIRST position.
void finalize_unit_keys(UnitKeys& keys);

// Runs a recipe with [dedup]: the stage named by options.stage ("" / "all": main, reduce and
// apply in turn, one task only).
// `published`: the checksum table of the main stage's downloads.
RunSummary run_dedup_recipe(const Recipe& recipe, const Settings& settings, Plan plan, const RunOptions& options,
                            std::function<download::Published()> published = {});

// Runs one per-unit stage for this task (the former run_source body).
RunSummary run_stage(const StageSpec& stage, const Plan& plan, const RunOptions& options);

// The reduce stage: this task's partitions. Throws ConfigError when the main stage is not
// complete for every unit.
RunSummary run_reduce(const Recipe& recipe, const KeySpec& spec, const DedupLayout& dl, const Plan& plan,
                      const RunOptions& options);
// kUrlMembership's first round (stage "winners"), per digest partition: the winning URLs,
// re-partitioned by URL for the reduce (members) round.
RunSummary run_winners(const Recipe& recipe, const KeySpec& spec, const DedupLayout& dl, const Plan& plan,
                       const RunOptions& options);

// The apply stage's units: each main-stage unit's intermediate shards (+ the reduce sidecars,
// so a changed reduce redoes the unit). Throws ConfigError when reduce is incomplete.
Plan apply_plan(const KeySpec& spec, const DedupLayout& dl, const Plan& plan);

// Reader over intermediate shards; the first step of the apply stage drops the reduce's
// choices (and the key field if asked).
ReaderFactory intermediate_reader_factory();
// `ids`: with book ids, the final flags (a RedPajama book inherits its id's last holder's flag).
class BookIds;
std::unique_ptr<Step> make_drop_step(const KeySpec& spec, const DedupLayout& dl, uint32_t unit,
                                     const BookIds* ids = nullptr);

}  // namespace rpdata::exec
