// The one registration list of step types and reader formats (CONVENTIONS.md: no static self-registration).
// Output-changing edits to a step make a new "_v2" type rather than changing this one.
#include "rpdata/exec/runner.h"
#include "rpdata/core/error.h"
#include "rpdata/io/jsonl_reader.h"
#include "rpdata/quality/cc_classifier_steps.h"
#include "rpdata/sources/c4/c4.h"
#include "rpdata/sources/wikipedia/wikipedia.h"

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
