// C4's recipe vocabulary: the `c4_format` step (C4's files are read by the generic jsonl reader).
#include "rpdata/sources/registry.h"
#include "rpdata/sources/c4/c4.h"

namespace rpdata::sources::c4 {

void register_source(Registries& r) {
  // RedPajama-Data README: C4 175B.
  r.sources.push_back({"c4", 175e9, {"c4"}});
  r.steps.add({"c4_format",
               "C4 record -> RedPajama {text, meta: {timestamp, url, language, source}} "
               "(data_prep/c4/c4_reformat.py); drops records without timestamp or url",
               {Key::text("language", "en", "meta language"), Key::text("source", "c4", "meta source")},
               [](const Params& p, const ModelLookup&) {
                 return std::make_unique<C4FormatStep>(p.get_string("language"), p.get_string("source"));
               }});
  r.samples.push_back({"c4",
                       "sample/c4",
                       {{"files", 4, 1, 4, "C4 sample: number of raw files (at most 4 in the recipe)"},
                        {"docs", 500, 1, INT64_MAX, "C4 sample: documents per raw file"}},
                       [](const std::filesystem::path& m, const SampleSource::Options& o) {
                         SampleOptions s;
                         s.files = static_cast<int>(o.at("files"));
                         s.docs_per_file = static_cast<int>(o.at("docs"));
                         return write_sample(m, s);
                       },
                       [](const SampleSource::Options& o) { return o.at("files"); }});
}

}  // namespace rpdata::sources::c4
