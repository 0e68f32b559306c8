// ArXiv's recipe vocabulary: the `arxiv_tar` reader and the `arxiv_language` step.
#include "rpdata/core/error.h"
#include "rpdata/sources/registry.h"
#include "rpdata/sources/arxiv/arxiv.h"
#include "rpdata/sources/arxiv/planner.h"

namespace rpdata::sources::arxiv {

void register_source(Registries& r) {
  // RedPajama-Data README: ArXiv 28B.
  r.sources.push_back({"arxiv", 28e9, {"arxiv"}});
  r.planners.add(s3_planner_type());
  r.readers.add({"arxiv_tar",
                 "arXiv bulk source tar (src/arXiv_src_YYMM_NNN.tar) -> cleaned LaTeX records "
                 "(data_prep/arxiv/arxiv_cleaner.py)",
                 {Key::integer("max_paper_bytes", 1ll << 30, "a larger paper is dropped (counted)"),
                  Key::text("appledouble", "redpajama", "macOS ._ members: read as RedPajama did, or \"ignore\""),
                  Key::text("timezone", "utc", "meta timestamp from tar mtimes in \"utc\" or \"local\" time"),
                  Key::flag("paragraph_heading_bug", true, "keep the missing \"|\" of RedPajama's heading regex (a lone "
                                                            "\\paragraph is no heading)"),
                  Key::flag("fail_on_escaped_macro", true, "a macro the cleaner cannot expand fails the paper"),
                  Key::integer("batch_docs", 64, "documents per batch")},
                 [](const Params& p, const ModelLookup&) -> ReaderFactory {
                   ArxivReaderOptions o;
                   o.paper.max_paper_bytes = static_cast<uint64_t>(p.get_int("max_paper_bytes"));
                   std::string apple = p.get_string("appledouble");
                   if (apple != "ignore" && apple != "redpajama")
                     throw ConfigError("[read] appledouble must be ignore or redpajama");
                   o.paper.ignore_appledouble = apple == "ignore";
                   std::string tz = p.get_string("timezone");
                   if (tz != "utc" && tz != "local") throw ConfigError("[read] timezone must be utc or local");
                   o.local_time = tz == "local";
                   o.clean.paragraph_bug = p.get_bool("paragraph_heading_bug");
                   o.clean.fail_on_escaped_macro = p.get_bool("fail_on_escaped_macro");
                   o.clean.max_text_bytes = o.paper.max_paper_bytes;
                   o.batch_docs = static_cast<size_t>(p.get_int("batch_docs"));
                   if (o.paper.max_paper_bytes == 0 || o.batch_docs == 0)
                     throw ConfigError("[read] max_paper_bytes and batch_docs must be positive");
                   return [o](const ReaderInput& in) -> std::unique_ptr<Reader> {
                     if (in.parts.size() != 1) throw ConfigError("[read] format arxiv_tar reads one tar per input");
                     ArxivReaderOptions opt = o;
                     opt.source = in.source;
                     opt.id_prefix = in.unit;
                     return std::make_unique<ArxivTarReader>(in.parts[0], opt);
                   };
                 },
                 {".tar"}});
  r.steps.add({"arxiv_language",
               "fastText lid.176 top-1 on the lowercased text into meta language, no filtering "
               "(data_prep/arxiv/utils.py predict_lang)",
               {Key::text("model", "", "the fastText lid.176 model (default: fasttext/lid.176.bin or .ftz under "
                                       "the model dirs; skipped: language stays \"unknown\")")},
               make_language_step});
  r.samples.push_back({"arxiv", "sample/arxiv", {},
                       [](const std::filesystem::path& m, const SampleSource::Options&) { return write_sample(m, {}); }});
}

}  // namespace rpdata::sources::arxiv
