#include "rpdata/core/stats.h"

namespace rpdata {

int64_t Stats::get(const std::string& name) const {
  auto it = counters.find(name);
  return it == counters.end() ? 0 : it->second;
}

void Stats::add_drops(const DropCounts& d) {
  for (const auto& [k, v] : d) drops[k] += v;
}

void Stats::merge(const Stats& other) {
  for (const auto& [k, v] : other.counters) counters[k] += v;
  add_drops(other.drops);
}

}  // namespace rpdata
