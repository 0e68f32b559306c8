// C4's recipe vocabulary: the `c4_format` step (C4's files are read by the generic jsonl reader).
#include "rpdata/core/registry.h"
#include "rpdata/sources/c4/c4.h"

namespace rpdata::sources::c4 {

void register_source(Registries& r) {
  // RedPajama-Data README: C4 175B.
  r.sources.push_back({"c4", 175e9, {"c4"}});
  r.steps.add({"c4_format",
               "C4 record -> RedPajama {text, meta: {timestamp, url, language, source}} "
               "(data_prep/c4/c4_reformat.py); drops records without timestamp or url",
               [](const Params& p) { return std::make_unique<C4FormatStep>(p); }});
}

}  // namespace rpdata::sources::c4
