// The one registration list of step types and reader formats (CONVENTIONS.md: no static self-registration).
// Output-changing edits to a step make a new "_v2" type rather than changing this one.
#include "rpdata/exec/runner.h"
#include "rpdata/core/error.h"
#include "rpdata/io/jsonl_reader.h"
#include "rpdata/quality/cc_classifier_steps.h"
#include "rpdata/sources/arxiv/arxiv.h"
#include "rpdata/sources/c4/c4.h"
#include "stackexchange_reader.h"

namespace rpdata::exec {

const StepRegistry& step_registry() {
  static const StepRegistry registry = [] {
    StepRegistry r;
    r.add({"c4_format",
           "C4 record -> RedPajama {text, meta: {timestamp, url, language, source}} "
           "(data_prep/c4/c4_reformat.py); drops records without timestamp or url",
           [](const Params& p) { return std::make_unique<sources::c4::C4FormatStep>(p); }});
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
    r.add({"arxiv_language",
           "fastText lid.176 top-1 on the lowercased text into meta language, no filtering "
           "(data_prep/arxiv/utils.py predict_lang); keys: model, require_model",
           [](const Params& p) { return sources::arxiv::make_language_step(p); }});
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
    return r;
  }();
  return registry;
}

}  // namespace rpdata::exec
