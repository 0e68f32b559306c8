// Common Crawl's download shape: cc_net shards of a wet.paths.gz listing (listing_planner.cpp).
#pragma once

#include "rpdata/download/planner.h"

namespace rpdata::sources::commoncrawl {

download::PlannerType listing_planner_type();

}  // namespace rpdata::sources::commoncrawl
