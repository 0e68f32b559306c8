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
#include <set>
#include <vector>

#include "rpdata/quality/model_files.h"
#include "rpdata/core/params.h"
#include "rpdata/core/step.h"
#include "rpdata/sources/github/rules.h"
#include "rpdata/tokenize/tokenizer.h"

namespace rpdata::sources::github {

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
  std::set<std::string> seen_;  // raw md5 digests of this unit (lookups only)
};

// github_filter: discard in RedPajama's order; drop reasons empty, extension,
// max_line_length, avg_line_length, alnum_prop, alpha_per_token. Params: max_line_length
// (1000), max_avg_line_length (100), min_alnum_prop (0.25), min_alpha_per_token (1.5).
// `model` is the GPT-NeoX tokenizer, loaded when the first document comes; an empty one
// disables the last rule (a run that skips missing models had none).
class FilterStep final : public Filter {
 public:
  FilterStep(const Params& params, quality::LazyModel<tokenize::TokenizerModel> model);
  std::string_view name() const override { return "github_filter"; }

 protected:
  bool keep(Document& doc, std::string& reason) override;

 private:
  int64_t max_line_length_;
  double max_avg_line_length_;
  double min_alnum_prop_;
  double min_alpha_per_token_;
  quality::LazyModel<tokenize::TokenizerModel> model_;
  std::unique_ptr<tokenize::Tokenizer> tokenizer_;  // made from model_ on first use
};

}  // namespace rpdata::sources::github
