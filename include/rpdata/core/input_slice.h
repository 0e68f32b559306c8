// InputSlice: a processing unit that reads a byte range of one input rather than all of it,
// as a reader format's splitter (core/registry.h UnitSplitter) cuts a large input. Shared by
// the plan (download/plan.h), the runner and the readers.
#pragma once

#include <cstdint>
#include <string>

namespace rpdata {

// A unit that reads a byte range of one input instead of all of it: whole, independently
// decodable groups of records (e.g. bz2 streams of 100 pages) that its reader format's
// splitter chose. The slices of an input, read one after the other, yield exactly the
// documents of the whole input: same records, same order, same ids.
struct InputSlice {
  std::string of;            // the whole input's unit name: document ids stay "<of>/<n>"
  uint64_t begin = 0;        // first byte of the range in the input file
  uint64_t end = 0;          // one past its last byte; 0: to the end of the file
  int64_t first_record = 0;  // 0-based number of the range's first record in the whole input
  int64_t records = -1;      // records in the range as the split's companion file lists them (-1: unknown)
};

}  // namespace rpdata
