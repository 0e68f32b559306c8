// GitHub (59B tokens of RedPajama-Data-1T): the per-file rules of RedPajama's
// data_prep/github/ scripts. `github_clean` = github_clean_dedup_local.py (skip .crt and
// LICENSE, md5 of the raw content, copyright-comment removal, line stats, record meta);
// `github_filter` = github_run_filter.py (extension whitelist, line-length, alphanumeric and
// alphabetic-chars-per-GPT-NeoX-token thresholds). Quirks are kept behind compat switches.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "rpdata/core/params.h"
#include "rpdata/core/step.h"
#include "rpdata/tokenize/tokenizer.h"

namespace rpdata::sources::github {

// Python `re.search("copyright", s, re.IGNORECASE)` on UTF-8: ASCII case-insensitive, and
// the 'i' also matches U+0130 and U+0131 (Python's Unicode case-insensitive rules).
bool contains_copyright(std::string_view s);

// rp_v1 clean_copyright_comments: the first C block comment (regex
// /\*[^*]*\*+(?:[^/*][^*]*\*+)*/ = the first "/*" up to the next "*/") is removed iff it
// contains "copyright", and cleaning stops there (even when it did not). Without a block
// comment, the leading run of lines starting with "//", "#", "--" or empty is dropped.
std::string clean_copyright_rp_v1(std::string_view content);
// The fixed behaviour (compat_copyright = false): only a header is touched. A block comment
// is removed iff it is the first thing in the file (after whitespace) and contains
// "copyright"; otherwise the leading run of comment lines ("//", "--", "#" followed by a
// space, "!" or end of line; blank lines) is removed iff it contains "copyright". Code such as
// `#include` or `#define` and Markdown text are never dropped.
std::string clean_copyright_fixed(std::string_view content);

// path.endswith(extensions_whitelist) of github_run_filter.py (66 entries, case-sensitive).
bool whitelisted_path(std::string_view path);
// The 66 whitelist entries, in RedPajama's order.
const std::vector<std::string_view>& extension_whitelist();

// What github_clean_dedup_local.py skips before hashing.
// compat (rp_v1): path ends with ".crt", or path == "LICENSE" exactly (top level only).
// fixed: also LICENSE/LICENCE/COPYING files (any extension, any case) in any directory.
bool skipped_path(std::string_view path, bool compat);

// github_clean: see the header comment. Params: compat_copyright (true), compat_license_path
// (true), dedup_within_unit (true: RedPajama's per-chunk "digest already seen" skip; the
// global md5 dedup across units is the cross-unit stage keyed on meta.content_hash),
// license_prefixes (["mit", "bsd", "apache"]: the export query's `license LIKE 'mit%' OR ...`,
// applied to the `license` column so an export made without that WHERE clause, or a tarball,
// gets the same selection; [] keeps every row). Drop reasons: missing_path, crt,
// license_file, license, duplicate_in_unit.
class CleanStep final : public Step {
 public:
  explicit CleanStep(const Params& params);
  std::string_view name() const override { return "github_clean"; }
  void process(Batch& batch) override;

 private:
  bool license_ok(const Document& doc) const;
  bool compat_copyright_;
  bool compat_license_path_;
  bool dedup_within_unit_;
  std::vector<std::string> license_prefixes_;
  std::unordered_set<std::string> seen_;  // raw md5 digests of this unit
};

// github_filter: discard in RedPajama's order; drop reasons empty, extension,
// max_line_length, avg_line_length, alnum_prop, alpha_per_token. Params: max_line_length
// (1000), max_avg_line_length (100), min_alnum_prop (0.25), min_alpha_per_token (1.5).
// `model` is the GPT-NeoX tokenizer; null disables the last rule (the recipe's explicit
// `on_missing_tokenizer = "skip"`, decided and reported by the caller).
class FilterStep final : public Filter {
 public:
  FilterStep(const Params& params, std::shared_ptr<const tokenize::TokenizerModel> model);
  std::string_view name() const override { return "github_filter"; }

 protected:
  bool keep(Document& doc, std::string& reason) override;

 private:
  int64_t max_line_length_;
  double max_avg_line_length_;
  double min_alnum_prop_;
  double min_alpha_per_token_;
  std::unique_ptr<tokenize::Tokenizer> tokenizer_;
};

}  // namespace rpdata::sources::github
