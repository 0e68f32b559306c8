// Internal to exec: completing a plan whose inputs are chosen from the data, not the recipe.
// [download] files_from = "checksums_file" lists the candidates from the source's checksums
// file (the Internet Archive item's files.xml); select_top = N with select_by =
// "stackexchange_posts" downloads every candidate, counts its posts (rows of Posts.xml, as
// RedPajama's count.py) and keeps the N largest: RedPajama's top-28 Stack Exchange sites.
#pragma once

#include "inputs.h"

namespace rpdata::exec {

// Fills/narrows plan.units, then applies --limit and the name checks (check_plan_units).
// Post counts are cached in _work/post_counts/<input>.json; the ranking of every candidate
// and the chosen list are written to _work/site_selection.json and returned as log lines.
std::vector<std::string> select_plan(Plan& plan, const Settings& s, const RunOptions& o, const RunLayout& layout);

}  // namespace rpdata::exec
