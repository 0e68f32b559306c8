// Internal to exec: the plan of a recipe with several [[inputs]] groups (e.g. one group
// downloaded from a bucket listing or --mirror, then one from local --input paths). Each
// group is planned with its own [download] as a recipe of its own would be; its units are
// renamed "<group>-NNNNN" and tagged with the group, and the groups follow each other in the
// plan, so the output (and the dedup's plan order) is the first group's documents, then the next.
#pragma once

#include <map>
#include <string>

#include "rpdata/exec/manifest.h"
#include "rpdata/exec/recipe.h"
#include "rpdata/exec/runner.h"
#include "rpdata/io/http_fetch.h"
#include "settings.h"

namespace rpdata::exec {

struct GroupedInputs {
  Plan plan;  // units of all groups, in group order (settings_digest not set)
  // The first group's settings with a reader that dispatches on the unit's group.
  Settings settings;
  // Expected sha256/size per downloaded part name, from each group's checksum kind
  // (settings.checksums then looks parts up in it).
  std::map<std::string, io::Expect> published;
};

// ConfigError: no --input for the local group, a download shape a group cannot use (one whose
// planner is not groupable, a selection), or groups disagreeing on [read] on_error.
GroupedInputs plan_input_groups(const Recipe& recipe, const RunOptions& options);

}  // namespace rpdata::exec
