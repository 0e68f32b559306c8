// Counters a task accumulates (documents, bytes, drops by reason) and writes as its stats
// JSON. Ordered maps, so serialised stats are identical across runs.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "rpdata/core/document.h"

namespace rpdata {

struct Stats {
  std::map<std::string, int64_t> counters;  // e.g. "docs_in", "docs_out", "input_bytes"
  DropCounts drops;                         // "<step or reader>:<reason>" -> documents

  void add(const std::string& name, int64_t n) { counters[name] += n; }
  int64_t get(const std::string& name) const;
  void add_drops(const DropCounts& d);
  void merge(const Stats& other);
};

}  // namespace rpdata
