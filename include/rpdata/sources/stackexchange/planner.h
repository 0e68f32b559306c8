// Stack Exchange's input selection: the sites with most posts (site_selector.cpp).
#pragma once

#include "rpdata/download/selector.h"

namespace rpdata::sources::stackexchange {

download::SelectorType top_sites_selector_type();

}  // namespace rpdata::sources::stackexchange
