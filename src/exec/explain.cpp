// `rpdata recipe NAME --explain`: the recipe as every type it names reads it. [download],
// [read] and [output] are resolved as a run resolves them, which declares the keys of the
// run, the chosen input shape, checksum kind, selection and reader; each step's table gets
// its type's keys (steps are not built: no model is needed), [dedup] its kind's. Then every
// declared key is printed once with its value (the recipe's, or the default) and its doc.
#include <set>

#include "rpdata/core/error.h"
#include "rpdata/exec/plan_estimate.h"
#include "rpdata/exec/recipe.h"
#include "rpdata/exec/runner.h"
#include "rpdata/quality/model_files.h"
#include "settings.h"
#include "stages.h"

namespace rpdata::exec {
namespace {

void append_section(std::string& out, const std::string& header, const Params& p, const std::string& lead = "") {
  out += "\n" + header + "\n" + lead;
  std::set<std::string> shown;
  for (const auto& d : p.declared()) {
    if (!shown.insert(d.key.name).second) continue;  // declared by two owners (the same key)
    const ParamValue* given = p.given(d.key.name);
    std::string line;
    std::string note = d.owner + ": " + d.key.doc;
    if (given) {
      line = d.key.name + " = " + param_value_text(*given);
    } else if (d.key.fallback) {
      line = d.key.name + " = " + param_value_text(*d.key.fallback);
      note = "(default) " + note;
    } else {
      line = "# " + d.key.name;
      note = std::string(d.key.required ? "(required) " : "(not set) ") + note;
    }
    if (line.size() < 40) line.resize(40, ' ');
    out += line + "  # " + note + "\n";
  }
}

}  // namespace

// Declares a [[steps]] table's keys as building the step would, and rejects unknown ones.
void declare_step(const StepConfig& s) {
  const StepType* type = step_registry().find(s.type);
  if (!type) step_registry().make(s.type, s.params, quality::RunModels(quality::MissingModels::kUnchecked));
  s.params.declare("step " + s.type, type->keys);
  s.params.reject_unknown();
}

std::string explain_recipe(const Recipe& r) {
  try {
    if (r.inputs.empty()) resolve_settings(r, false);
    for (const auto& s : r.steps) declare_step(s);
    if (r.has_dedup) dedup_kind(r);
    for (const auto& s : r.post_steps) declare_step(s);
  } catch (const ConfigError& e) {
    if (!e.path().empty()) throw;
    throw ConfigError(e.message(), r.name);
  }
  r.download.declare("run", run_download_keys());
  std::string out = "# " + r.name + ": every key its types read, with its value (or default) and what it does\n";
  out += "source = " + param_value_text(r.source) + "\n";
  if (!r.description.empty()) out += "description = " + param_value_text(r.description) + "\n";
  if (!r.snapshot.empty()) out += "snapshot = " + param_value_text(r.snapshot) + "\n";
  if (!r.fallbacks.empty()) out += "fallbacks = " + param_value_text(r.fallbacks) + "\n";
  out += "missing_models = " + param_value_text(r.missing_models) + "\n";
  if (r.inputs.empty()) {
    append_section(out, "[download]", r.download);
    append_section(out, "[read]", r.read);
  }
  for (const auto& g : r.inputs) {
    Recipe gr = group_recipe(r, g);
    resolve_settings(gr, false);  // declares the group's [download] and [read] keys on this copy
    std::string lead = "name = " + param_value_text(g.name) + "\n";
    if (g.local) lead += "local = true\n";
    append_section(out, "[[inputs]]", Params("inputs"), lead);
    append_section(out, "[inputs.download]", gr.download);
    append_section(out, "[inputs.read]", gr.read);
  }
  for (const auto& s : r.steps) append_section(out, "[[steps]]", s.params, "type = " + param_value_text(s.type) + "\n");
  if (r.has_dedup) append_section(out, "[dedup]", r.dedup);
  for (const auto& s : r.post_steps)
    append_section(out, "[[post_steps]]", s.params, "type = " + param_value_text(s.type) + "\n");
  r.output.declare("run", run_output_keys());  // a group recipe resolved [output] on its groups' copies
  append_section(out, "[output]", r.output);
  r.plan.declare("plan", plan_keys());
  append_section(out, "[plan]", r.plan);
  return out;
}

}  // namespace rpdata::exec
