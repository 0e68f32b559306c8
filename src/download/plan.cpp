#include "rpdata/download/plan.h"

namespace rpdata::download {

std::vector<PlanPart> unit_parts(const PlanUnit& unit) {
  if (!unit.parts.empty()) return unit.parts;
  return {{unit.name, unit.url, unit.path, {}, {}, 0}};
}

}  // namespace rpdata::download
