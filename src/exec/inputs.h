// Internal to exec: the ordered input list of a run (plan), its identity checks against an
// existing run directory, URLs for mirrors, published checksums, and the exact file names
// one input's outputs may have (so cleanup never touches another input's files).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "rpdata/exec/manifest.h"
#include "rpdata/exec/runner.h"
#include "rpdata/io/http_fetch.h"
#include "rpdata/download/builtin.h"
#include "rpdata/download/url.h"
#include "settings.h"

namespace rpdata::exec {

using download::as_url;
using download::percent_encode_segment;
using download::parse_md5sums;
using download::parse_sha256sums;

// The fetch options of the recipe's downloads: `options.fetch` with [download]'s politeness.
io::FetchOptions fetch_options(const Settings& settings, const RunOptions& options);

// The download base: --mirror as a URL, else the recipe's base_url, without a trailing '/'
// ("" when neither is given).
std::string download_base(const Settings& s, const RunOptions& o);

// What planning found besides the units, and the checksum table once loaded.
struct PlanExtras {
  download::Planned listed;  // the planner's expects, fetch options, before_fetch (units moved out)
  download::Published table;
  bool table_loaded = false;
};

// The run's units, with --limit applied: from --input files (grouped by [download]
// files_per_unit when set), from the plan an earlier download published (a planner whose
// listing needs the network, under `rpdata process`), or from the recipe's planner; then
// narrowed by its selector, which may download candidates. ConfigError on an empty list,
// non-UTF-8 names, or colliding names/stems.
Plan build_plan(const Recipe& r, const Settings& s, const RunOptions& o, const RunLayout& layout,
                PlanExtras* extras = nullptr);
// The checksum table of a download run, loaded once (a published file fetched from the base).
const download::Published& checksum_table(const Settings& s, const RunOptions& o, PlanExtras& x);
// --limit, then names must be UTF-8 and unique (also their output stems).
void check_plan_units(Plan& plan, const RunOptions& o, const std::vector<std::string>& name_suffixes);
// Writes plan.json, or checks an existing one: same unit names, same local paths, same
// settings digest; otherwise ConfigError (use another --out).
void publish_plan(const RunLayout& layout, const Plan& plan);

// The output stem of an input: its name without a compression suffix, then without one of
// its reader's name_suffixes ("part-00000.json.gz" with ".json" -> "part-00000").
std::string unit_stem(const std::string& unit_name, const std::vector<std::string>& name_suffixes);
// A document route / output subfolder name: [a-z0-9_]+ ("_work" excluded).
bool is_route_name(const std::string& name);
// Removes one unit's shards (stem) from `dir` and from its route subfolders (never "_work").
void remove_unit_outputs(const std::filesystem::path& dir, const std::string& stem);
// True for "<stem>-NNNNN.jsonl.zst", its ".idx", and their temporary names.
bool is_unit_output(const std::string& file_name, const std::string& stem);

}  // namespace rpdata::exec
