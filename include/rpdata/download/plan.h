// The input list of a run: units (what one task processes and publishes as one set of shards),
// each one file or several parts, as a planner produced them from the recipe's [download].
#pragma once

#include <cstdint>
#include <string>
#include <optional>
#include <vector>

#include "rpdata/core/input_slice.h"

namespace rpdata::download {

// One raw file of a multi-file unit (e.g. one WET segment of a cc_net shard).
struct PlanPart {
  std::string name;  // relative path under _work/raw (may contain '/'); key for checksums
  std::string url;   // empty for local parts
  std::string path;  // local path, empty when downloaded
  std::string sha256;  // known sha256 (a previous stage's shard); not part of plan.json
  // What the source's listing published about the file (e.g. a GCS md5Hash); the download is
  // verified against them. Empty / 0 = not known.
  std::string md5;
  uint64_t size = 0;
};

struct PlanUnit {
  std::string name;
  std::string url;  // empty for local inputs
  std::string path; // local input path, empty when downloaded
  // Non-empty: the unit is these files, in order (name/url/path above are then unused but
  // for `name`). Empty: the unit is the one file above.
  std::vector<PlanPart> parts;
  // The unit's input group ("" otherwise): the [[inputs]] group of a multi-group recipe
  // (book: pg19, books3) or the dump of a multi-dump CommonCrawl run ([download] dumps).
  // Cross-unit dedup ranks files by group first, groups in plan order.
  std::string group;
  // Set: the unit reads only this byte range of its one part (a large input cut into several
  // units by its reader format's splitter); `slice->of` names the whole input.
  std::optional<InputSlice> slice;
};

// The files of a unit in order: its parts, or the unit itself as one part.
std::vector<PlanPart> unit_parts(const PlanUnit& unit);

}  // namespace rpdata::download
