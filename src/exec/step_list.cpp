// The one registration list of step types and reader formats (CONVENTIONS.md: no static self-registration).
// Output-changing edits to a step make a new "_v2" type rather than changing this one.
#include "rpdata/exec/runner.h"
#include "rpdata/core/error.h"
#include "rpdata/io/jsonl_reader.h"
#include "rpdata/quality/cc_classifier_steps.h"
#include "rpdata/sources/c4/c4.h"
#include "rpdata/sources/github/bigquery_reader.h"
#include "rpdata/sources/github/github.h"
#include "rpdata/sources/github/tarball_reader.h"
#include "rpdata/tokenize/models.h"

#include <spdlog/spdlog.h>

#include <map>
#include <mutex>

namespace rpdata::exec {
namespace {

// Steps are built per unit; a tokenizer model is loaded once per process and shared.
// Returns null when the model file is absent and the recipe says on_missing_tokenizer = "skip".
std::shared_ptr<const tokenize::TokenizerModel> shared_token_model(const std::string& name, const std::string& missing,
                                                                   const std::string& step) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const tokenize::TokenizerModel>> cache;
  static bool warned = false;
  if (missing != "error" && missing != "skip")
    throw ConfigError("[[steps]] " + step + ": on_missing_tokenizer must be \"error\" or \"skip\"");
  std::lock_guard lock(mu);
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  if (missing == "skip" && tokenize::find_model_file(name).empty()) {
    if (!warned)
      spdlog::warn("{}: no '{}' tokenizer model (rpdata download tokenizer, or RPDATA_MODELS); the "
                   "alphabetic-chars-per-token rule is SKIPPED (on_missing_tokenizer = \"skip\")",
                   step, name);
    warned = true;
    return nullptr;
  }
  auto model = tokenize::load_model(name);  // ConfigError saying where it looked
  cache.emplace(name, model);
  return model;
}

}  // namespace

const StepRegistry& step_registry() {
  static const StepRegistry registry = [] {
    StepRegistry r;
    r.add({"c4_format",
           "C4 record -> RedPajama {text, meta: {timestamp, url, language, source}} "
           "(data_prep/c4/c4_reformat.py); drops records without timestamp or url",
           [](const Params& p) { return std::make_unique<sources::c4::C4FormatStep>(p); }});
    r.add({"github_clean",
           "GitHub file -> RedPajama record (github_clean_dedup_local.py): skip .crt/LICENSE, md5 "
           "content_hash, copyright-comment removal, Python line stats; keys: compat_copyright, "
           "compat_license_path, dedup_within_unit, license_prefixes",
           [](const Params& p) { return std::make_unique<sources::github::CleanStep>(p); }});
    r.add({"github_filter",
           "GitHub quality filter (github_run_filter.py): extension whitelist, max/avg line length, "
           "alnum share, alphabetic chars per GPT-NeoX token; keys: max_line_length, "
           "max_avg_line_length, min_alnum_prop, min_alpha_per_token, tokenizer, on_missing_tokenizer",
           [](const Params& p) {
             std::string name = p.get_string("tokenizer", "neox");
             std::string missing = p.get_string("on_missing_tokenizer", "error");
             return std::make_unique<sources::github::FilterStep>(p, shared_token_model(name, missing, "github_filter"));
           }});
    r.add({"cc_classifier",
           "RedPajama CC quality classifier (data_prep/cc/classifier/classify.py): fastText model.bin on "
           "\" \".join(raw_content.strip().splitlines()) -> meta pred_label, pred_label_prob, wiki_prob; "
           "keys: model, cc_label",
           [](const Params& p) { return std::make_unique<quality::CcClassifierStep>(p); }});
    r.add({"cc_classifier_filter",
           "keep wiki_prob >= threshold (filter/cc_classifier.sh: 0.25); keys: threshold",
           [](const Params& p) { return std::make_unique<quality::CcClassifierFilter>(p); }});
    r.add({"cc_classifier_format",
           "published CC record {pred_label, pred_label_prob, wiki_prob, text, source: \"cc/<job>/line<N>\"} "
           "(write with layout flat_text_before_last); keys: source_prefix, job, line_key",
           [](const Params& p) { return std::make_unique<quality::CcClassifierFormat>(p); }});
    return r;
  }();
  return registry;
}

const ReaderRegistry& reader_registry() {
  static const ReaderRegistry registry = [] {
    ReaderRegistry r;
    r.add({"jsonl",
           "JSON Lines (plain, .gz, .bz2, .xz, .zst); keys: text_field, max_line_bytes, batch_docs",
           [](const Params& p) -> ReaderFactory {
             io::JsonlReaderOptions o;
             o.text_field = p.get_string("text_field", "text");
             o.max_line_bytes = static_cast<uint64_t>(p.get_int("max_line_bytes", 64ll << 20));
             o.batch_docs = static_cast<size_t>(p.get_int("batch_docs", 1024));
             return [o](const ReaderInput& in) -> std::unique_ptr<Reader> {
               if (in.parts.size() != 1) throw ConfigError("[read] format jsonl reads one file per input");
               io::JsonlReaderOptions opt = o;
               opt.source = in.source;
               opt.id_prefix = in.unit;
               return std::make_unique<io::JsonlReader>(in.parts[0], opt);
             };
           }});
    r.add({"github_bigquery",
           "BigQuery github_repos export (gzip JSONL, content + columns); keys: max_line_bytes, "
           "max_expansion_ratio, batch_docs",
           [](const Params& p) -> ReaderFactory {
             sources::github::BigQueryReaderOptions o;
             o.max_line_bytes = static_cast<uint64_t>(p.get_int("max_line_bytes", 16ll << 20));
             o.max_expansion_ratio = p.get_double("max_expansion_ratio", 200);
             o.batch_docs = static_cast<size_t>(p.get_int("batch_docs", 1024));
             return [o](const ReaderInput& in) -> std::unique_ptr<Reader> {
               if (in.parts.size() != 1) throw ConfigError("[read] format github_bigquery reads one file per input");
               auto opt = o;
               opt.source = in.source;
               opt.id_prefix = in.unit;
               return std::make_unique<sources::github::BigQueryReader>(in.parts[0], opt);
             };
           }});
    r.add({"github_tarball",
           "one repository tarball (codeload tar.gz), license from its LICENSE/COPYING file; keys: "
           "strip_components, max_file_bytes, max_total_bytes, max_members, max_expansion_ratio, "
           "require_license, batch_docs",
           [](const Params& p) -> ReaderFactory {
             sources::github::TarballReaderOptions o;
             o.strip_components = static_cast<int>(p.get_int("strip_components", 1));
             o.max_file_bytes = static_cast<uint64_t>(p.get_int("max_file_bytes", 1ll << 20));
             o.max_total_bytes = static_cast<uint64_t>(p.get_int("max_total_bytes", 8ll << 30));
             o.max_members = static_cast<uint64_t>(p.get_int("max_members", 1000000));
             o.max_expansion_ratio = p.get_double("max_expansion_ratio", 1000);
             o.require_license = p.get_bool("require_license", true);
             o.batch_docs = static_cast<size_t>(p.get_int("batch_docs", 256));
             return [o](const ReaderInput& in) -> std::unique_ptr<Reader> {
               if (in.parts.size() != 1) throw ConfigError("[read] format github_tarball reads one file per input");
               auto opt = o;
               opt.source = in.source;
               opt.id_prefix = in.unit;
               std::tie(opt.repo_name, opt.ref) = sources::github::repo_from_unit_name(in.unit);
               return std::make_unique<sources::github::TarballReader>(in.parts[0], opt);
             };
           }});
    return r;
  }();
  return registry;
}

}  // namespace rpdata::exec
