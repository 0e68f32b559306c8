// The one registration list of step types (CONVENTIONS.md: no static self-registration).
// Output-changing edits to a step make a new "_v2" type rather than changing this one.
#include "rpdata/exec/runner.h"
#include "rpdata/sources/c4/c4.h"

namespace rpdata::exec {

const StepRegistry& step_registry() {
  static const StepRegistry registry = [] {
    StepRegistry r;
    r.add({"c4_format",
           "C4 record -> RedPajama {text, meta: {timestamp, url, language, source}} "
           "(data_prep/c4/c4_reformat.py); drops records without timestamp or url",
           [](const Params& p) { return std::make_unique<sources::c4::C4FormatStep>(p); }});
    return r;
  }();
  return registry;
}

}  // namespace rpdata::exec
