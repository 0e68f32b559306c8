// CommonCrawl's recipe vocabulary: the `wet` reader (cc_net's WET parsing and line dedup),
// cc_net's `ccnet_lid` and `ccnet_perplexity` steps, and RedPajama's CC classifier steps.
#include <spdlog/spdlog.h>

#include "rpdata/core/error.h"
#include "rpdata/sources/registry.h"
#include "rpdata/sources/commoncrawl/planner.h"
#include "rpdata/quality/cc_classifier.h"
#include "rpdata/quality/cc_classifier_steps.h"
#include "rpdata/quality/lm_train.h"
#include "rpdata/quality/model_checks.h"
#include "rpdata/quality/model_files.h"
#include "rpdata/sources/commoncrawl/ccnet_steps.h"
#include "rpdata/sources/commoncrawl/sample.h"
#include "rpdata/sources/commoncrawl/sample_file.h"
#include "rpdata/sources/commoncrawl/url_membership.h"
#include "rpdata/sources/commoncrawl/wet_unit.h"
#include "rpdata/text/ccnet_normalize.h"

namespace rpdata::sources::commoncrawl {
namespace {
namespace fs = std::filesystem;

std::string replace_lang(std::string pattern, const std::string& lang) {
  for (size_t pos; (pos = pattern.find("{lang}")) != std::string::npos;) pattern.replace(pos, 6, lang);
  return pattern;
}

std::unique_ptr<Step> make_ccnet_lid(const Params& p, const ModelLookup& models) {
  CcnetLidOptions o;
  std::string model = p.get_string("model");
  o.threshold = p.get_double("threshold");
  o.languages = p.get_strings("languages");
  o.model = models.find("[[steps]] ccnet_lid", {model});
  if (o.model.empty()) return quality::skipped_step("ccnet_lid");
  return std::make_unique<CcnetLidStep>(std::move(o));
}

std::unique_ptr<Step> make_ccnet_perplexity(const Params& p, const ModelLookup& models) {
  CcnetPerplexityOptions o;
  auto languages = p.get_strings("languages");
  std::string sp = p.get_string("sp_model");
  std::string lm = p.get_string("lm_model");
  std::string csv = p.get_string("cutoff_csv");
  int head_pct = static_cast<int>(p.get_int("head_percentile"));
  int tail_pct = static_cast<int>(p.get_int("tail_percentile"));
  bool cutoffs = p.has("head_cutoff") && p.has("tail_cutoff");
  double head = p.has("head_cutoff") ? p.get_double("head_cutoff") : -1;
  double tail = p.has("tail_cutoff") ? p.get_double("tail_cutoff") : -1;
  o.drop_tail = p.get_bool("drop_tail");
  o.route = p.get_bool("route");
  if (csv.empty() != cutoffs)
    throw ConfigError("[[steps]] ccnet_perplexity: give cutoff_csv, or head_cutoff and tail_cutoff (not both)");
  const std::string user = "[[steps]] ccnet_perplexity";
  for (const auto& lang : languages) {
    fs::path sp_path = models.find(user, {replace_lang(sp, lang)});
    fs::path lm_path = models.find(user, {replace_lang(lm, lang)});
    if (sp_path.empty() || lm_path.empty()) return quality::skipped_step("ccnet_perplexity");
    o.models[lang] = {sp_path, lm_path};
  }
  if (!csv.empty()) {
    fs::path csv_path = models.find(user, {csv});
    if (csv_path.empty()) return quality::skipped_step("ccnet_perplexity");
    // Found, or named only (a run that validates the recipe, never runs the step).
    if (!fs::is_regular_file(csv_path)) return quality::skipped_step("ccnet_perplexity");
    o.cutoffs = read_cutoffs(csv_path, head_pct, tail_pct);
  } else {
    for (const auto& lang : languages) o.cutoffs[lang] = {head, tail};
  }
  return std::make_unique<CcnetPerplexityStep>(std::move(o));
}

std::unique_ptr<Step> make_cc_classifier(const Params& p, const ModelLookup& models) {
  std::string model = p.get_string("model");
  std::string cc_label = p.get_string("cc_label");
  std::string line_key = p.get_string("line_key");
  fs::path path = models.find("[[steps]] cc_classifier", {model});
  if (path.empty()) return quality::skipped_step("cc_classifier");
  return std::make_unique<quality::CcClassifierStep>(path, cc_label, line_key);
}

// The CC sample's quality classifier (RedPajama's model.bin is not available offline): trained
// as RedPajama trained theirs (fastText supervised, defaults, one thread: reproducible).
void train_sample_classifier(const fs::path& models) {
  fs::path train = models / "classifier" / "sample_train.txt";
  fs::path model = models / "classifier" / "sample_model.bin";
  write_classifier_training(train);
  quality::TrainOptions o;
  o.extra_args = {"-epoch", "50"};  // 160 lines: fastText's 5 epochs leave it near 50/50
  auto r = quality::train_supervised(train, model, o);
  spdlog::info("sample: trained the CC quality classifier {} ({} words, {} labels)", model.string(), r.words, r.labels);
}

// The sample's stand-in for cc_net's en.sp.model + en.arpa.bin (several GB, not bundled):
// trained on cc_net-normalized fluent English from the page templates, so fluent pages score
// low, word salad high. The sample recipe's cutoffs are set on this model's scale.
void train_sample_perplexity_models(const fs::path& models) {
  std::vector<std::string> lines;
  for (const auto& line : english_training_lines(2000)) lines.push_back(text::normalize(line));
  fs::path sp = models / "ccnet_sample" / "en.sp.model", arpa = models / "ccnet_sample" / "en.arpa";
  quality::train_perplexity_pair(lines, 300, 3, sp, arpa);
  spdlog::info("sample: trained the stand-in perplexity models {} and {} ({} sentences)", sp.string(), arpa.string(),
               lines.size());
}

void make_sample_models(const fs::path& models) {
  train_sample_classifier(models);
  train_sample_perplexity_models(models);
}

ReaderFactory configure_wet(const Params& p, const ModelLookup&) {
  WetUnitOptions o;
  o.wet.min_len = p.get_int("min_len");
  o.wet.batch_docs = static_cast<size_t>(p.get_int("batch_docs"));
  o.wet.warc.max_record_bytes = static_cast<uint64_t>(p.get_int("max_record_bytes"));
  // on_error = "truncate": a damaged/cut segment ends that segment (counted warc_truncated),
  // identically in both passes, and the unit goes on with its next segment.
  o.wet.warc.throw_on_damage = p.get_string("on_error") != "truncate";
  o.dedup = p.get_bool("line_dedup");
  o.hash_budget_bytes = static_cast<uint64_t>(p.get_int("hash_budget_mb")) << 20;
  o.lines_per_input_byte = p.get_double("lines_per_input_byte");
  return [o](const ReaderInput& in) -> std::unique_ptr<Reader> {
    if (o.dedup) {
      uint64_t lines = estimate_group_lines(in.parts, o.lines_per_input_byte);
      spdlog::info("{}: line dedup over {} WET segment(s) as one hash group: ~{} lines estimated, {} MiB of "
                   "hash_budget_mb {}",
                   in.unit, in.parts.size(), lines, dedup::HashGroup::memory_for(lines) >> 20,
                   o.hash_budget_bytes >> 20);
    }
    return std::make_unique<WetUnitReader>(in.parts, in.unit, o);
  };
}

}  // namespace

void register_source(Registries& r) {
  r.planners.add(listing_planner_type());
  // RedPajama-Data README: CommonCrawl 878B.
  r.sources.push_back({"commoncrawl", 878e9, {"commoncrawl"}, sample_file});
  r.readers.add({"wet",
                 "CommonCrawl WET segments of a unit with cc_net semantics + its two-pass line dedup as one hash "
                 "group",
                 {Key::integer("min_len", 300, "cc_net's min_len: shorter documents are dropped"),
                  Key::flag("line_dedup", true, "cc_net's line dedup over the unit's segments"),
                  Key::integer("hash_budget_mb", 8192, "memory the line hashes may take before the unit fails"),
                  Key::number("lines_per_input_byte", 0.05, "the line estimate that sizes the hash table"),
                  Key::integer("max_record_bytes", 64ll << 20, "a longer WARC record is damage"),
                  Key::integer("batch_docs", 1024, "documents per batch"),
                  Key::text("on_error", "fail", "\"truncate\": a damaged segment ends that segment only")},
                 configure_wet});
  r.steps.add({"ccnet_lid",
               "cc_net language id (fastText lid.176 on the newline-glued text, score rounded to 2 decimals): "
               "meta language, language_score; drops < threshold and languages not listed",
               {Key::text("model", "fasttext/lid.176.bin", "the fastText model, a path or under the model dirs"),
                Key::number("threshold", 0.5, "the language score below which a document is dropped"),
                Key::list("languages", {"en"}, "the languages kept"),
},
               make_ccnet_lid});
  r.steps.add({"ccnet_perplexity",
               "cc_net perplexity (normalize, SentencePiece, KenLM) and bucket from cutoff.csv: meta perplexity, "
               "bucket; route <lang>_<bucket>; tail dropped",
               {Key::list("languages", {"en"}, "the languages scored, one model pair each"),
                Key::text("sp_model", "ccnet/{lang}.sp.model", "the SentencePiece model, with {lang}"),
                Key::text("lm_model", "ccnet/{lang}.arpa.bin", "the KenLM model, with {lang}"),
                Key::text("cutoff_csv", "", "cc_net's cutoff.csv (or give head_cutoff and tail_cutoff)"),
                Key::integer("head_percentile", 30, "the cutoff.csv column ending the head bucket"),
                Key::integer("tail_percentile", 60, "the cutoff.csv column starting the tail bucket"),
                Key::optional("head_cutoff", ParamType::kDouble, "the head's perplexity bound (instead of cutoff_csv)"),
                Key::optional("tail_cutoff", ParamType::kDouble, "the tail's perplexity bound (instead of cutoff_csv)"),
                Key::flag("drop_tail", true, "drop the tail bucket"),
                Key::flag("route", true, "route documents to <lang>_<bucket> shards")},
               make_ccnet_perplexity});
  r.steps.add({"cc_classifier",
               "RedPajama CC quality classifier (data_prep/cc/classifier/classify.py): fastText model.bin on "
               "\" \".join(raw_content.strip().splitlines()) -> meta pred_label, pred_label_prob, wiki_prob",
               {Key::require("model", ParamType::kString, "the fastText model, a path or under the model dirs"),
                Key::text("cc_label", "__label__cc", "the label of CommonCrawl (wiki_prob = 1 - its probability)"),
                Key::text("line_key", "", "a meta field numbering the documents of each route")},
               make_cc_classifier});
  r.steps.add({"cc_classifier_filter", "keep wiki_prob >= threshold (filter/cc_classifier.sh)",
               {Key::number("threshold", 0.25, "the least wiki_prob kept (missing_models = \"skip\": documents "
                                               "without wiki_prob pass)")},
               [](const Params& p, const ModelLookup& models) {
                 return std::make_unique<quality::CcClassifierFilter>(p.get_double("threshold"), models.skips_missing());
               }});
  r.steps.add({"cc_classifier_format",
               "published CC record {pred_label, pred_label_prob, wiki_prob, text, source: \"cc/<job>/line<N>\"} "
               "(write with layout flat_text_before_last)",
               {Key::text("source_prefix", "cc/", "the source field's prefix"),
                Key::text("job", "{unit}", "the source field's job part, with {unit}"),
                Key::text("line_key", "", "the meta field holding the line number")},
               [](const Params& p, const ModelLookup& models) {
                 return std::make_unique<quality::CcClassifierFormat>(p.get_string("source_prefix"), p.get_string("job"),
                                                                      p.get_string("line_key"), models.skips_missing());
               }});
  r.dedup_kinds.add(url_membership_kind_type());
  // The models of configs/commoncrawl.toml besides lid.176: cc_net's English pair, from the
  // URLs of cc_net's Makefile (facebookresearch/cc_net @ bda555b, `lang_models`), and
  // RedPajama's classifier, linked from RedPajama-Data rp_v1's data_prep/cc/README.md
  // (@ 45b37c2) to Google Drive. No checksums are published for them.
  const std::string ccnet_lm = "dl.fbaipublicfiles.com/cc_net/lm/";
  r.models.push_back({"ccnet-en-sp", "ccnet/en.sp.model", "cc_net's English SentencePiece model (perplexity stage)",
                      {"https://" + ccnet_lm + "en.sp.model", "http://" + ccnet_lm + "en.sp.model"}, std::nullopt, "",
                      "cc_net (MIT)", "cc_net's Makefile, target lang_models",
                      [](const fs::path& p) { quality::check_sentencepiece(p); }});
  r.models.push_back({"ccnet-en-lm", "ccnet/en.arpa.bin", "cc_net's English 5-gram KenLM binary (perplexity stage)",
                      {"https://" + ccnet_lm + "en.arpa.bin", "http://" + ccnet_lm + "en.arpa.bin"}, std::nullopt, "",
                      "cc_net (MIT)", "cc_net's Makefile, target lang_models",
                      [](const fs::path& p) { quality::check_kenlm_binary(p); }});
  r.models.push_back({"ccnet-cutoffs", "ccnet/cutoff.csv", "cc_net's perplexity percentiles per language (buckets)",
                      {"https://raw.githubusercontent.com/facebookresearch/cc_net/"
                       "bda555bd1cf1ee2e0b925363e62a61cd46c8b60d/cc_net/data/cutoff.csv"},
                      21364, "62a2ff3c587a110610dd7d8750712cbba9da08088ce4f158780d349ac35d430d", "cc_net (MIT)",
                      "cc_net's cc_net/data/cutoff.csv, identical in RedPajama-Data rp_v1's copy of cc_net", nullptr});
  r.models.push_back({"cc-classifier", "classifier/model.bin",
                      "RedPajama's CommonCrawl quality classifier (fastText, __label__wiki vs __label__cc)",
                      {"https://drive.google.com/uc?export=download&id=1DnsfpWWE0jFPCoYe6clwqb3Ub5Ac92s1"}, std::nullopt,
                      "", "RedPajama-Data (Apache-2.0)",
                      "Google Drive, linked from RedPajama-Data's data_prep/cc/README.md; or train one with "
                      "`rpdata classifier`",
                      [](const fs::path& p) { quality::check_fasttext_supervised(p, {"__label__wiki", "__label__cc"}, 2); }});
  r.samples.push_back({"commoncrawl", "sample/commoncrawl", {},
                       [](const std::filesystem::path& m, const SampleSource::Options&) { return write_sample(m); },
                       [](const SampleSource::Options&) { return int64_t{-1}; }, make_sample_models});
}

}  // namespace rpdata::sources::commoncrawl
