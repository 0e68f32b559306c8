// Internal to exec: the ordered input list of a run (plan), its identity checks against an
// existing run directory, URLs for mirrors, published checksums, and the exact file names
// one input's outputs may have (so cleanup never touches another input's files).
#pragma once

#include <map>
#include <string>

#include "rpdata/exec/manifest.h"
#include "rpdata/exec/runner.h"
#include "rpdata/io/http_fetch.h"
#include "settings.h"

namespace rpdata::exec {

// A local path becomes a file:// URL with each segment percent-encoded; URLs pass through.
std::string as_url(const std::string& base);
std::string percent_encode_segment(std::string_view s);

// Units from --input files or from the recipe's [download] pattern (and --mirror), with
// --limit applied. ConfigError on an empty list, non-UTF-8 names, or colliding names/stems.
Plan build_plan(const Recipe& r, const Settings& s, const RunOptions& o);
// Writes plan.json, or checks an existing one: same unit names, same local paths, same
// settings digest; otherwise ConfigError (use another --out).
void publish_plan(const RunLayout& layout, const Plan& plan);

std::map<std::string, io::Expect> parse_sha256sums(const std::string& text);
// "<32 hex md5>  <name>" lines (Wikimedia's <lang>wiki-<date>-md5sums.txt).
std::map<std::string, io::Expect> parse_md5sums(const std::string& text);
// Expected sha256/size for one input, from what the source publishes.
io::Expect expected_for(const Settings& s, const PlanUnit& unit, io::Fetcher& fetcher,
                        const std::map<std::string, io::Expect>& sums);

// The output stem of an input ("c4-train.00000-of-01024.json.gz" -> "c4-train.00000-of-01024").
std::string unit_stem(const std::string& unit_name);
// A document route / output subfolder name: [a-z0-9_]+ ("_work" excluded).
bool is_route_name(const std::string& name);
// True for "<stem>-NNNNN.jsonl.zst", its ".idx", and their temporary names.
bool is_unit_output(const std::string& file_name, const std::string& stem);

}  // namespace rpdata::exec
