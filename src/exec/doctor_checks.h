// Internal to exec: the checks of `rpdata doctor` that concern the machine rather than the
// inputs (models, disk; doctor_host.cpp), and how a check is recorded as it finishes.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "rpdata/exec/doctor.h"
#include "rpdata/exec/recipe.h"

namespace rpdata::exec {

// Appends checks to a report and hands each to the caller's callback as it is made.
struct CheckSink {
  RecipeReport& report;
  const std::function<void(const Check&)>& on_check;
  std::string group;  // the [[inputs]] group being checked, "" for the recipe

  void add(const std::string& name, CheckLevel level, std::string detail);
};

// "298.4 MB" (decimal units).
std::string human_size(double bytes);

// Every model file the recipe names is present; a missing one is a blocker under
// missing_models = "error", a warning under "skip".
void check_models(const Recipe& recipe, CheckSink& sink);

// The free space under --out against `rpdata plan`'s output + scratch estimate, scaled to
// --limit when the plan's input count is known. Returns the bytes needed (0: no estimate).
double check_disk(const Recipe& recipe, const DoctorOptions& options, std::optional<size_t> inputs,
                  CheckSink& sink);

}  // namespace rpdata::exec
