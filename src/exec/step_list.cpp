// The one registration list of step types and reader formats (CONVENTIONS.md: no static self-registration).
// Output-changing edits to a step make a new "_v2" type rather than changing this one.
#include "rpdata/exec/runner.h"
#include "settings.h"
#include "rpdata/core/error.h"
#include "rpdata/io/jsonl_reader.h"
#include "rpdata/sources/books/books.h"
#include "rpdata/quality/cc_classifier_steps.h"
#include "rpdata/sources/arxiv/arxiv.h"
#include "rpdata/sources/c4/c4.h"
#include "stackexchange_reader.h"
#include "rpdata/sources/commoncrawl/ccnet_steps.h"
#include "rpdata/sources/commoncrawl/wet_unit.h"
#include "rpdata/sources/github/bigquery_reader.h"
#include "rpdata/sources/github/github.h"
#include "rpdata/sources/github/tarball_reader.h"
#include "rpdata/tokenize/models.h"

#include <spdlog/spdlog.h>

#include <mutex>
#include <set>
#include "rpdata/sources/wikipedia/wikipedia.h"

namespace rpdata::exec {
namespace {
namespace fs = std::filesystem;
namespace cc = sources::commoncrawl;

// A model file named in a recipe: an absolute path, or a path relative to the model dirs
// ($RPDATA_MODELS, then ~/.cache/rpdata/models), like the tokenizer models. Empty if absent.
fs::path find_model(const std::string& name) {
  fs::path p(name);
  if (p.is_absolute()) return fs::is_regular_file(p) ? p : fs::path();
  for (const auto& dir : tokenize::model_search_dirs())
    if (fs::is_regular_file(dir / p)) return dir / p;
  return {};
}

std::string model_dirs() {
  std::string where;
  for (const auto& dir : tokenize::model_search_dirs()) where += (where.empty() ? "" : ", ") + dir.string();
  return where.empty() ? "(no model dir: set RPDATA_MODELS)" : where;
}

std::string replace_lang(std::string pattern, const std::string& lang) {
  for (size_t pos; (pos = pattern.find("{lang}")) != std::string::npos;) pattern.replace(pos, 6, lang);
  return pattern;
}

// Stands in for a model step whose files are absent and that the recipe marks optional.
class PassThrough final : public Step {
 public:
  explicit PassThrough(std::string name) : name_(std::move(name)) {}
  std::string_view name() const override { return name_; }
  void process(Batch&) override {}

 private:
  std::string name_;
};

thread_local bool g_model_files_unchecked = false;

// Missing model: a ConfigError naming where we looked, or (optional = true) a warning, once
// per step type and process, and the step becomes a pass-through.
std::unique_ptr<Step> missing_model(const std::string& step, const std::string& file, bool optional) {
  if (g_model_files_unchecked) return std::make_unique<PassThrough>(step);
  if (!optional)
    throw ConfigError("[[steps]] " + step + ": model file '" + file + "' not found under " + model_dirs());
  static std::mutex mu;
  static std::set<std::string> warned;
  std::lock_guard lock(mu);
  if (warned.insert(step).second)
    spdlog::warn("{}: model file '{}' not found under {}; the step is skipped (optional = true)", step, file,
                 model_dirs());
  return std::make_unique<PassThrough>(step);
}

std::unique_ptr<Step> make_ccnet_lid(const Params& p) {
  cc::CcnetLidOptions o;
  std::string model = p.get_string("model", "fasttext/lid.176.bin");
  o.threshold = p.get_double("threshold", 0.5);
  o.languages = p.get_strings("languages", {"en"});
  bool optional = p.get_bool("optional", false);
  o.model = find_model(model);
  if (o.model.empty()) return missing_model("ccnet_lid", model, optional);
  return std::make_unique<cc::CcnetLidStep>(std::move(o));
}

std::unique_ptr<Step> make_ccnet_perplexity(const Params& p) {
  cc::CcnetPerplexityOptions o;
  auto languages = p.get_strings("languages", {"en"});
  std::string sp = p.get_string("sp_model", "ccnet/{lang}.sp.model");
  std::string lm = p.get_string("lm_model", "ccnet/{lang}.arpa.bin");
  std::string csv = p.get_string("cutoff_csv", "");
  int head_pct = static_cast<int>(p.get_int("head_percentile", 30));
  int tail_pct = static_cast<int>(p.get_int("tail_percentile", 60));
  double head = p.get_double("head_cutoff", -1), tail = p.get_double("tail_cutoff", -1);
  o.drop_tail = p.get_bool("drop_tail", true);
  o.route = p.get_bool("route", true);
  bool optional = p.get_bool("optional", false);
  if (csv.empty() == (head < 0 || tail < 0))
    throw ConfigError("[[steps]] ccnet_perplexity: give cutoff_csv, or head_cutoff and tail_cutoff (not both)");
  for (const auto& lang : languages) {
    fs::path sp_path = find_model(replace_lang(sp, lang)), lm_path = find_model(replace_lang(lm, lang));
    if (sp_path.empty()) return missing_model("ccnet_perplexity", replace_lang(sp, lang), optional);
    if (lm_path.empty()) return missing_model("ccnet_perplexity", replace_lang(lm, lang), optional);
    o.models[lang] = {sp_path, lm_path};
  }
  if (!csv.empty()) {
    fs::path csv_path = find_model(csv);
    if (csv_path.empty()) return missing_model("ccnet_perplexity", csv, optional);
    o.cutoffs = cc::read_cutoffs(csv_path, head_pct, tail_pct);
  } else {
    for (const auto& lang : languages) o.cutoffs[lang] = {head, tail};
  }
  return std::make_unique<cc::CcnetPerplexityStep>(std::move(o));
}

ReaderFactory configure_wet(const Params& p) {
  cc::WetUnitOptions o;
  o.wet.min_len = p.get_int("min_len", 300);
  o.wet.batch_docs = static_cast<size_t>(p.get_int("batch_docs", 1024));
  o.wet.warc.max_record_bytes = static_cast<uint64_t>(p.get_int("max_record_bytes", 64ll << 20));
  // on_error = "truncate": a damaged/cut segment ends that segment (counted warc_truncated),
  // identically in both passes, and the unit goes on with its next segment.
  o.wet.warc.throw_on_damage = p.get_string("on_error", "fail") != "truncate";
  o.dedup = p.get_bool("line_dedup", true);
  o.hash_budget_bytes = static_cast<uint64_t>(p.get_int("hash_budget_mb", 8192)) << 20;
  o.lines_per_input_byte = p.get_double("lines_per_input_byte", 0.05);
  return [o](const ReaderInput& in) -> std::unique_ptr<Reader> {
    if (o.dedup) {
      uint64_t lines = cc::estimate_group_lines(in.parts, o.lines_per_input_byte);
      spdlog::info("{}: line dedup over {} WET segment(s) as one hash group: ~{} lines estimated, {} MiB of "
                   "hash_budget_mb {}",
                   in.unit, in.parts.size(), lines, dedup::HashGroup::memory_for(lines) >> 20,
                   o.hash_budget_bytes >> 20);
    }
    auto r = std::make_unique<cc::WetUnitReader>(in.parts, in.unit, o);
    return r;
  };
}

}  // namespace

ModelFilesUnchecked::ModelFilesUnchecked() : previous_(g_model_files_unchecked) { g_model_files_unchecked = true; }
ModelFilesUnchecked::~ModelFilesUnchecked() { g_model_files_unchecked = previous_; }

}  // namespace rpdata::exec

#include <map>

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
    r.add({"pg_strip_license",
           "Project Gutenberg START/END license markers -> PG-19 form (body between the markers); "
           "keys: require_marker",
           [](const Params& p) { return std::make_unique<sources::books::PgStripLicenseStep>(p); }});
    r.add({"book_simhash",
           "meta simhash = 64-bit SimHash of the book as RedPajama data_prep/book/dedup.py (6-char "
           "shingles, md5 features), for the cross-unit near-dup stage; keys: width, meta_key",
           [](const Params& p) { return std::make_unique<sources::books::BookSimhashStep>(p); }});
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
           "keys: model (a path, or relative to the model dirs), cc_label, line_key, optional",
           [](const Params& p) -> std::unique_ptr<Step> {
             std::string model = p.require_string("model");
             bool optional = p.get_bool("optional", false);
             fs::path path = find_model(model);
             if (path.empty()) {
               p.get_string("cc_label", "");  // read: validated recipes know these keys
               p.get_string("line_key", "");
               return missing_model("cc_classifier", model, optional);
             }
             return std::make_unique<quality::CcClassifierStep>(p, path);
           }});
    r.add({"cc_classifier_filter",
           "keep wiki_prob >= threshold (filter/cc_classifier.sh: 0.25); keys: threshold",
           [](const Params& p) { return std::make_unique<quality::CcClassifierFilter>(p); }});
    r.add({"cc_classifier_format",
           "published CC record {pred_label, pred_label_prob, wiki_prob, text, source: \"cc/<job>/line<N>\"} "
           "(write with layout flat_text_before_last); keys: source_prefix, job, line_key",
           [](const Params& p) { return std::make_unique<quality::CcClassifierFormat>(p); }});
    r.add({"arxiv_language",
           "fastText lid.176 top-1 on the lowercased text into meta language, no filtering "
           "(data_prep/arxiv/utils.py predict_lang); keys: model, require_model",
           [](const Params& p) { return sources::arxiv::make_language_step(p); }});
    r.add({"ccnet_lid",
           "cc_net language id (fastText lid.176 on the newline-glued text, score rounded to 2 decimals): "
           "meta language, language_score; drops < threshold and languages not listed",
           make_ccnet_lid});
    r.add({"ccnet_perplexity",
           "cc_net perplexity (normalize, SentencePiece, KenLM) and bucket from cutoff.csv: meta perplexity, "
           "bucket; route <lang>_<bucket>; tail dropped",
           make_ccnet_perplexity});
    r.add({"wikipedia_clean",
           "Wikipedia wikitext -> text as the HF wikipedia builder (mwparserfromhell strip_code after its "
           "media/category/ref/table rules), meta {title, url, language, timestamp}; keys: timestamp",
           [](const Params& p) { return std::make_unique<sources::wikipedia::CleanStep>(p); }});
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
    r.add({"arxiv_tar",
           "arXiv bulk source tar (src/arXiv_src_YYMM_NNN.tar) -> cleaned LaTeX records "
           "(data_prep/arxiv/arxiv_cleaner.py); keys: max_paper_bytes, appledouble, timezone, "
           "heading, paragraph_heading_bug, fail_on_escaped_macro, batch_docs",
           [](const Params& p) -> ReaderFactory {
             sources::arxiv::ArxivReaderOptions o;
             o.paper.max_paper_bytes = static_cast<uint64_t>(p.get_int("max_paper_bytes", 1ll << 30));
             std::string apple = p.get_string("appledouble", "ignore");
             if (apple != "ignore" && apple != "redpajama")
               throw ConfigError("[read] appledouble must be ignore or redpajama");
             o.paper.ignore_appledouble = apple == "ignore";
             std::string tz = p.get_string("timezone", "utc");
             if (tz != "utc" && tz != "local") throw ConfigError("[read] timezone must be utc or local");
             o.local_time = tz == "local";
             std::string heading = p.get_string("heading", "last");
             if (heading != "last" && heading != "first") throw ConfigError("[read] heading must be last or first");
             o.clean.heading_last = heading == "last";
             o.clean.paragraph_bug = p.get_bool("paragraph_heading_bug", true);
             o.clean.fail_on_escaped_macro = p.get_bool("fail_on_escaped_macro", true);
             o.batch_docs = static_cast<size_t>(p.get_int("batch_docs", 64));
             if (o.paper.max_paper_bytes == 0 || o.batch_docs == 0)
               throw ConfigError("[read] max_paper_bytes and batch_docs must be positive");
             return [o](const ReaderInput& in) -> std::unique_ptr<Reader> {
               if (in.parts.size() != 1) throw ConfigError("[read] format arxiv_tar reads one tar per input");
               sources::arxiv::ArxivReaderOptions opt = o;
               opt.source = in.source;
               opt.id_prefix = in.unit;
               return std::make_unique<sources::arxiv::ArxivTarReader>(in.parts[0], opt);
             };
           }});
    r.add(stackexchange_reader_type());
    r.add({"wet",
           "CommonCrawl WET segments of a unit with cc_net semantics + its two-pass line dedup as one hash "
           "group; keys: min_len, line_dedup, hash_budget_mb, lines_per_input_byte, max_record_bytes, batch_docs",
           configure_wet});
    r.add({"books",
           "Book text files, one document per book (PG-19 with metadata.csv, or Books3 .epub.txt); "
           "keys: kind, universal_newlines, require_metadata, max_book_bytes, keep_empty_books, batch_docs, "
           "metadata_name, suffix",
           [](const Params& p) -> ReaderFactory {
             sources::books::BookReaderOptions o = sources::books::book_reader_options(p);
             return [o](const ReaderInput& in) -> std::unique_ptr<Reader> {
               sources::books::BookReaderOptions opt = o;
               opt.source = in.source;
               opt.id_prefix = in.unit;
               return sources::books::make_book_reader(in.parts, opt);
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
    r.add({"wikipedia_xml",
           "MediaWiki XML dump (pages-articles[-multistream].xml.bz2), articles only (ns 0, no redirects); "
           "keys: language, max_page_bytes, batch_docs",
           [](const Params& p) -> ReaderFactory {
             sources::wikipedia::DumpReaderOptions o;
             o.language = p.get_string("language", "");
             o.max_page_bytes = static_cast<uint64_t>(p.get_int("max_page_bytes", 64ll << 20));
             o.batch_docs = static_cast<size_t>(p.get_int("batch_docs", 256));
             return [o](const ReaderInput& in) -> std::unique_ptr<Reader> {
               if (in.parts.size() != 1) throw ConfigError("[read] format wikipedia_xml reads one dump file per input");
               sources::wikipedia::DumpReaderOptions opt = o;
               opt.source = in.source;
               opt.id_prefix = in.unit;
               if (opt.language.empty()) opt.language = sources::wikipedia::language_from_file_name(in.unit);
               return std::make_unique<sources::wikipedia::DumpReader>(in.parts[0], opt);
             };
           }});
    return r;
  }();
  return registry;
}

}  // namespace rpdata::exec
