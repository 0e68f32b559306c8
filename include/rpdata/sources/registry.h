// The sources: each registers its reader formats and step types through one function,
// sources::<name>::register_source, listed once in src/sources/registry.cpp.
#pragma once

#include "rpdata/core/registry.h"

namespace rpdata::sources {

// Calls every source's register_source, in the list's order.
void register_all(Registries& r);

}  // namespace rpdata::sources
