// Internal to exec: cuts the planned inputs that the reader format can split (its
// UnitSplitter) into byte-range units, from the companion file the format names (found next
// to a local input, in the raw folder, or downloaded next to the input and checked like it).
// The slices of an input, read in plan order, give exactly the input's documents.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "inputs.h"
#include "rpdata/exec/manifest.h"
#include "rpdata/exec/runner.h"
#include "settings.h"

namespace rpdata::exec {

class DownloadFallbacks;

// Replaces each single-file unit that its companion cuts into two or more slices by those
// slices, named "<stem>-partNNNNN<suffix>" (unit_stem's stem and stripped suffix), each with
// the input as its one part. A missing companion (or one that cannot be downloaded) leaves
// the input whole with a warning and a plan note; a damaged one throws InputError.
// `fallbacks` (may return null) gives the recipe's fallback downloads, tried for a companion
// the recipe's own host does not serve, as for the inputs themselves.
void split_units(Plan& plan, const Settings& s, const RunOptions& o, const RunLayout& layout, PlanExtras& x,
                 const std::function<std::shared_ptr<const DownloadFallbacks>()>& fallbacks);

// The name of slice `k` of input `name` (see above).
std::string slice_unit_name(const std::string& name, size_t k, const std::vector<std::string>& name_suffixes);

}  // namespace rpdata::exec
