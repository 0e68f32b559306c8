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
#include "settings.h"

namespace rpdata::exec {

// A local path becomes a file:// URL with each segment percent-encoded; URLs pass through.
std::string as_url(const std::string& base);
std::string percent_encode_segment(std::string_view s);

// Units from --input files or from the recipe's [download] pattern (and --mirror), with
// --limit applied. ConfigError on an empty list, non-UTF-8 names, or colliding names/stems.
// `listed`: the units of an S3 recipe (list_s3_inputs), used instead of the pattern.
// With [download] select_top or files_from the list is completed by select_plan.
// In listing mode the listing is fetched once through `fetcher` into
// _work/listing/<listing path> and reused from there afterwards (a stable plan; `rpdata
// process`, o.download false, needs it cached). Units without entries (n < units) are left out.
Plan build_plan(const Recipe& r, const Settings& s, const RunOptions& o, const RunLayout& layout,
                io::Fetcher* fetcher, const std::vector<PlanUnit>* listed = nullptr);

// An S3 recipe's inputs: ListObjectsV2 of [download] s3 (files directly under the prefix
// whose names match name_prefix/name_suffix), expected size/md5 from the manifest (else the
// listing's size), and the fetch options carrying the Signature V4 signer.
struct S3Listing {
  std::vector<PlanUnit> units;
  std::map<std::string, io::Expect> expects;
  io::FetchOptions fetch;
  std::string bucket_url;  // "s3://bucket/prefix", for messages
};
S3Listing list_s3_inputs(const Settings& s, const io::FetchOptions& base);
// Logs the bytes still to fetch for `units` and the requester-pays estimate; ConfigError
// unless `yes` when anything is to be fetched.
void confirm_s3_cost(const S3Listing& listing, const Settings& s, const std::vector<const PlanUnit*>& units,
                     const std::filesystem::path& raw_dir, bool yes);
// --limit, then names must be UTF-8 and unique (also their output stems).
void check_plan_units(Plan& plan, const RunOptions& o);
// The download base: --mirror as a URL, else the recipe's base_url, without a trailing '/'.
std::string download_base(const Recipe& r, const Settings& s, const RunOptions& o);
// The base URL a plan unit was planned under (where the source's checksum file lives).
std::string plan_base_url(const PlanUnit& unit);
// Writes plan.json, or checks an existing one: same unit names, same local paths, same
// settings digest; otherwise ConfigError (use another --out).
// Units of `files_per_unit` files from a GCS bucket listing ([download] listing = "gcs"),
// sorted by object name, each with the listing's md5/size for verification (grouped_inputs.cpp).
std::vector<PlanUnit> gcs_listing_units(const Settings& s, const std::string& base, const io::FetchOptions& fetch);
// Units of `files_per_unit` files from --input files and directories (recursively, sorted by
// relative path, hidden files skipped); a file named like [download] metadata is every
// unit's first part instead of a unit file.
std::vector<PlanUnit> grouped_input_units(const std::vector<std::filesystem::path>& inputs, const Settings& s);
void publish_plan(const RunLayout& layout, const Plan& plan);

std::map<std::string, io::Expect> parse_sha256sums(const std::string& text);
// "<32 hex md5>  <name>" lines (Wikimedia's <lang>wiki-<date>-md5sums.txt).
std::map<std::string, io::Expect> parse_md5sums(const std::string& text);
// Expected sha256/size for one input, from what the source publishes.
io::Expect expected_for(const Settings& s, const PlanUnit& unit, io::Fetcher& fetcher,
                        const std::map<std::string, io::Expect>& sums);

// The output stem of an input ("c4-train.00000-of-01024.json.gz" -> "c4-train.00000-of-01024",
// "beer.stackexchange.com.7z" -> "beer.stackexchange.com").
std::string unit_stem(const std::string& unit_name);
// A document route / output subfolder name: [a-z0-9_]+ ("_work" excluded).
bool is_route_name(const std::string& name);
// True for "<stem>-NNNNN.jsonl.zst", its ".idx", and their temporary names.
bool is_unit_output(const std::string& file_name, const std::string& stem);

}  // namespace rpdata::exec
