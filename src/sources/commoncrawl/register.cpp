// CommonCrawl's recipe vocabulary: the `wet` reader (cc_net's WET parsing and line dedup),
// cc_net's `ccnet_lid` and `ccnet_perplexity` steps, and RedPajama's CC classifier steps.
#include <spdlog/spdlog.h>

#include "rpdata/core/error.h"
#include "rpdata/sources/registry.h"
#include "rpdata/sources/commoncrawl/planner.h"
#include "rpdata/quality/cc_classifier.h"
#include "rpdata/quality/cc_classifier_steps.h"
#include "rpdata/quality/model_files.h"
#include "rpdata/sources/commoncrawl/ccnet_steps.h"
#include "rpdata/sources/commoncrawl/sample.h"
#include "rpdata/sources/commoncrawl/url_membership.h"
#include "rpdata/sources/commoncrawl/wet_unit.h"

namespace rpdata::sources::commoncrawl {
namespace {
namespace fs = std::filesystem;

std::string replace_lang(std::string pattern, const std::string& lang) {
  for (size_t pos; (pos = pattern.find("{lang}")) != std::string::npos;) pattern.replace(pos, 6, lang);
  return pattern;
}

std::unique_ptr<Step> make_ccnet_lid(const Params& p) {
  CcnetLidOptions o;
  std::string model = p.get_string("model", "fasttext/lid.176.bin");
  o.threshold = p.get_double("threshold", 0.5);
  o.languages = p.get_strings("languages", {"en"});
  bool optional = p.get_bool("optional", false);
  o.model = quality::find_model(model);
  if (o.model.empty()) return quality::missing_model("ccnet_lid", model, optional);
  return std::make_unique<CcnetLidStep>(std::move(o));
}

std::unique_ptr<Step> make_ccnet_perplexity(const Params& p) {
  CcnetPerplexityOptions o;
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
    fs::path sp_path = quality::find_model(replace_lang(sp, lang));
    fs::path lm_path = quality::find_model(replace_lang(lm, lang));
    if (sp_path.empty()) return quality::missing_model("ccnet_perplexity", replace_lang(sp, lang), optional);
    if (lm_path.empty()) return quality::missing_model("ccnet_perplexity", replace_lang(lm, lang), optional);
    o.models[lang] = {sp_path, lm_path};
  }
  if (!csv.empty()) {
    fs::path csv_path = quality::find_model(csv);
    if (csv_path.empty()) return quality::missing_model("ccnet_perplexity", csv, optional);
    o.cutoffs = read_cutoffs(csv_path, head_pct, tail_pct);
  } else {
    for (const auto& lang : languages) o.cutoffs[lang] = {head, tail};
  }
  return std::make_unique<CcnetPerplexityStep>(std::move(o));
}

std::unique_ptr<Step> make_cc_classifier(const Params& p) {
  std::string model = p.require_string("model");
  bool optional = p.get_bool("optional", false);
  fs::path path = quality::find_model(model);
  if (path.empty()) {
    p.get_string("cc_label", "");  // read: validated recipes know these keys
    p.get_string("line_key", "");
    return quality::missing_model("cc_classifier", model, optional);
  }
  return std::make_unique<quality::CcClassifierStep>(p, path);
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

ReaderFactory configure_wet(const Params& p) {
  WetUnitOptions o;
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
  r.sources.push_back({"commoncrawl", 878e9, {"commoncrawl"}});
  r.readers.add({"wet",
                 "CommonCrawl WET segments of a unit with cc_net semantics + its two-pass line dedup as one hash "
                 "group; keys: min_len, line_dedup, hash_budget_mb, lines_per_input_byte, max_record_bytes, "
                 "batch_docs",
                 configure_wet});
  r.steps.add({"ccnet_lid",
               "cc_net language id (fastText lid.176 on the newline-glued text, score rounded to 2 decimals): "
               "meta language, language_score; drops < threshold and languages not listed",
               make_ccnet_lid});
  r.steps.add({"ccnet_perplexity",
               "cc_net perplexity (normalize, SentencePiece, KenLM) and bucket from cutoff.csv: meta perplexity, "
               "bucket; route <lang>_<bucket>; tail dropped",
               make_ccnet_perplexity});
  r.steps.add({"cc_classifier",
               "RedPajama CC quality classifier (data_prep/cc/classifier/classify.py): fastText model.bin on "
               "\" \".join(raw_content.strip().splitlines()) -> meta pred_label, pred_label_prob, wiki_prob; "
               "keys: model (a path, or relative to the model dirs), cc_label, line_key, optional",
               make_cc_classifier});
  r.steps.add({"cc_classifier_filter", "keep wiki_prob >= threshold (filter/cc_classifier.sh: 0.25); keys: threshold",
               [](const Params& p) { return std::make_unique<quality::CcClassifierFilter>(p); }});
  r.steps.add({"cc_classifier_format",
               "published CC record {pred_label, pred_label_prob, wiki_prob, text, source: \"cc/<job>/line<N>\"} "
               "(write with layout flat_text_before_last); keys: source_prefix, job, line_key",
               [](const Params& p) { return std::make_unique<quality::CcClassifierFormat>(p); }});
  r.dedup_kinds.add(url_membership_kind_type());
  r.samples.push_back({"commoncrawl", "sample/commoncrawl", {},
                       [](const std::filesystem::path& m, const SampleSource::Options&) { return write_sample(m); },
                       [](const SampleSource::Options&) { return int64_t{-1}; }, train_sample_classifier});
}

}  // namespace rpdata::sources::commoncrawl
