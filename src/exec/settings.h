// Internal to exec: a recipe resolved into typed settings, read once up front so unknown
// keys and bad values fail before any work, and the digest of what shapes output bytes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rpdata/core/registry.h"
#include "rpdata/core/step.h"
#include "rpdata/exec/recipe.h"
#include "rpdata/io/json_writer.h"

namespace rpdata::exec {

struct Settings {
  // [download]
  std::string base_url;
  std::string pattern;
  int64_t count = 0, first = 0;
  std::vector<std::string> files;  // explicit input names (instead of pattern/first/count)
  // "checksums_file": the inputs are the names in the checksums file (archive_org_files_xml)
  // ending in files_suffix, minus `exclude`, in name order.
  std::string files_from;
  std::string files_suffix;
  std::vector<std::string> exclude;
  // Site selection (exec/site_select.h): keep the `select_top` inputs with most posts.
  int64_t select_top = 0;
  std::string select_by;  // "stackexchange_posts": rows of Posts.xml (RedPajama count.py)
  // none | sha256sums | hf_lfs_pointer | s3_manifest | archive_org_files_xml (<item>_files.xml: size, md5)
  std::string checksums;
  // Listing mode (cc_net): units from a path listing fetched from base_url ("listing"), each
  // unit = entries [s*n//units, (s+1)*n//units) as parts, named by `unit_name` ({index}).
  std::string listing;
  int64_t units = 0;
  std::string unit_name;
  // Several dumps in one run: listing and unit_name contain "{dump}", replaced by each entry;
  // units of each dump (in this order) get PlanUnit::group = the dump.
  std::vector<std::string> dumps;
  // A named list of inputs instead of an index range (e.g. repositories "owner/repo@ref"):
  // `pattern` then builds the URL path from {entry}, {path} (before '@') and {ref} (after '@',
  // "HEAD" if absent); the unit name is the entry with '/' -> '~' plus `name_suffix`.
  std::vector<std::string> list;
  std::string name_suffix;
  // Non-empty: one input per language, `pattern` (and `checksums_file`) with "{language}"
  // instead of {index} (e.g. Wikipedia's per-language dump folders); count/first unused.
  std::vector<std::string> languages;
  // sha256sums: relative to base_url. md5sums: next to each input (its URL's folder), may
  // contain "{language}" (Wikimedia's <lang>wiki-<date>-md5sums.txt).
  std::string checksums_file;
  int max_attempts = 10;
  int per_host_connections = 4;
  double requests_per_s = 0;
  // [download] from an S3 bucket instead of base_url/pattern (arXiv's requester-pays bucket)
  std::string s3_uri;            // "s3://arxiv/src/": list this prefix with ListObjectsV2
  std::string s3_name_prefix;    // keep keys whose file name starts with this ("arXiv_src_")
  std::string s3_name_suffix;    // ... and ends with this (".tar")
  std::string s3_manifest;       // key under the prefix giving size/md5 per file ("" = none)
  std::string s3_endpoint;       // "" = AWS (https://<bucket>.s3.amazonaws.com)
  std::string s3_region = "us-east-1";
  bool requester_pays = true;
  double price_per_gb = 0.09;    // egress USD per GiB for the cost estimate
  // Bucket listing instead of a pattern (PG-19): bucket_listing = "gcs" lists <bucket>/<prefix> via
  // the JSON API at base_url; `metadata` (an object name, optional) becomes the first part of
  // every unit; units group `files_per_unit` files. files_per_unit also groups the files of
  // --input directories.
  std::string bucket_listing;  // "" | "gcs"
  std::string bucket, prefix, metadata;
  int64_t files_per_unit = 0;
  // [read]
  std::string format;
  bool truncate_on_error = false;  // on_error = "truncate": keep docs before a truncation
  ReaderFactory reader_factory;  // from the reader registry (format's own [read] keys)
  // [output]
  io::JsonStyle style = io::JsonStyle::kPython;
  io::RecordLayout layout = io::RecordLayout::kTextMeta;
  uint64_t max_shard_bytes = 0;
  int64_t frame_docs = 0;
  int zstd_level = 3;
  std::vector<std::string> tokenizers;  // counted as shards are written
  bool require_tokenizers = true;       // false: a missing model file only warns
};

Settings resolve_settings(const Recipe& r);
std::vector<std::unique_ptr<Step>> build_steps(const Recipe& r);
// sha256 over [read], [[steps]], [output] and the tokenizers actually counted.
std::string settings_digest(const Recipe& r, const std::vector<std::string>& tokenizers);

}  // namespace rpdata::exec
