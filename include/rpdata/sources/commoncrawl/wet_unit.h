// The `wet` reader: one cc_net shard (a run unit = its WET segments, in listing order) read with
// cc_net's WET semantics and line-deduplicated as ONE hash group, as RedPajama ran cc_net with
// hash_in_mem=1 (CCN:mine.py: the group of shard s is the hash files of shards
// [s//h*h, s//h*h + h) with h = hash_in_mem; h = 1 -> the shard alone). Two passes over the
// parts: pass 1 (cc_net `hashes`) fills a dedup::HashGroup, pass 2 (`mine`'s dedup step) emits
// the deduplicated documents (spec §1.4).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "rpdata/core/step.h"
#include "rpdata/dedup/line_dedup.h"
#include "rpdata/sources/commoncrawl/wet.h"

namespace rpdata::sources::commoncrawl {

struct WetUnitOptions {
  WetOptions wet;  // min_len, WARC mode, batch size (cc_segment/id_prefix are set per part)
  bool dedup = true;
  // Memory allowed for the unit's hash group (HashGroup: 12-24 bytes per distinct line).
  uint64_t hash_budget_bytes = 8ull << 30;
  // Lines expected per compressed input byte, for the up-front estimate only (an assumption:
  // no full real WET segment was available to calibrate it; raise it to be conservative).
  // The hard limit is checked while pass 1 grows.
  double lines_per_input_byte = 0.05;
};

// Up-front estimate of a unit's distinct lines: sum of the parts' sizes * lines_per_input_byte.
uint64_t estimate_group_lines(const std::vector<std::filesystem::path>& parts, double lines_per_input_byte);

// Documents: WetReader's (id "<unit>/<part index>/<WARC record index>", cc_segment from the
// part's path, see segment_name_of), then after line dedup text = kept lines, meta nlines and
// length = kept lines / code points (positions kept), then original_nlines (WET nlines) and
// original_length (WET Content-Length) and line_ids (kept line indices, a JSON list) appended,
// as cc_net's finalize_doc. Drops: WetReader's reasons (too_short, invalid_utf8,
// missing_header, warc_*) and line_dedup:no_line_left. Throws Error before pass 1 when the
// estimate does not fit the budget, and during pass 1 when the table would outgrow it.
class WetUnitReader final : public Reader {
 public:
  WetUnitReader(std::vector<std::filesystem::path> parts, std::string unit, WetUnitOptions options);
  ~WetUnitReader() override;
  bool next(Batch& batch) override;
  uint64_t bytes_read() const override;

  struct GroupStats {
    uint64_t docs = 0;      // documents hashed in pass 1
    uint64_t lines = 0;     // lines hashed
    uint64_t distinct = 0;  // distinct hashes in the group
    uint64_t flagged = 0;   // hashes seen in >= 2 documents
    uint64_t memory_bytes = 0;
    uint64_t kept_docs = 0;  // documents whose pass-1 hashes pass 2 reuses (within the budget)
  };
  // Valid after the first next().
  const GroupStats& group_stats() const { return stats_; }

 private:
  void pass1();
  bool open_part(size_t k);
  void keep_hashes();                       // pass 1: keeps hashes_ for pass 2
  std::span<const uint64_t> pass1_hashes();  // pass 2: the next document's, or empty if not kept

  std::vector<std::filesystem::path> parts_;
  std::string unit_;
  WetUnitOptions options_;
  std::unique_ptr<dedup::HashGroup> group_;
  dedup::LineHasher hasher_;
  std::vector<uint64_t> hashes_;
  // Pass 1's line hashes of the first documents (both passes see the same documents in the
  // same order), so pass 2 does not normalize and hash them again.
  struct KeptHashes {
    std::vector<uint64_t> hashes;
    std::vector<size_t> ends;  // per document: end of its hashes
    size_t next_doc = 0;       // pass 2's position
    bool full = false;         // the budget stopped keeping
  } kept_;
  GroupStats stats_;
  bool pass1_done_ = false;
  size_t part_ = 0;
  std::unique_ptr<WetReader> reader_;
  uint64_t bytes_done_ = 0;  // compressed bytes of finished pass-2 parts
};

}  // namespace rpdata::sources::commoncrawl
