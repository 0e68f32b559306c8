// Cross-unit dedup as map -> shuffle by hash -> reduce (the kinds' building blocks, dedup/kind.h).
// Map: each unit writes one entry file with an Entry per document (exact keys) or per band
// (SimHash), sorted by partition, so reducer p reads only its slice of every unit's file.
// Reduce: partition p decides which (unit, ordinal) documents lose and writes them sorted.
// Apply: a unit reads its drops from every partition's file (binary search, no full load).
// Everything is keyed by explicit hashes (XXH3-128 of the key bytes; never std::hash) and
// ordered by (order, unit, ordinal), so results never depend on the task count.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

namespace rpdata::dedup {

struct Entry {
  uint64_t h1 = 0;     // bucket hash: decides the partition and the candidate group
  uint64_t h2 = 0;     // exact: second half of the key hash; simhash: the 64-bit signature
  uint64_t order = 0;  // "smaller wins" (document order by default)
  uint32_t unit = 0;   // plan index of the unit
  uint32_t ordinal = 0;  // document position in the unit's stage output
};

// How a reduce partition decides between entries of one bucket.
enum class ReduceRule {
  kExact,    // equal (h1, h2): all but the smallest (order, unit, ordinal) are dropped
  kSimHash,  // same band bucket h1 and popcount(h2 ^ h2') <= max_distance: the larger order
             // loses (equal orders never drop each other, as dedup.py's `>=` skip)
};

// Digest/URL membership (RedPajama's CommonCrawl digest dedup, dedup_phase2.py): per digest
// the first URL wins (winners round, DigestEntry), then every record whose URL won some digest
// is kept (members round: Entry keyed by URL, drops = URLs that won nothing). A DigestEntry is
// one per (file, URL) of a unit, keyed by the digest; the URL's hash rides along so the winner
// can be re-partitioned by URL.
struct DigestEntry {
  uint64_t h1 = 0, h2 = 0;  // XXH3-128 of the digest (h1 decides the partition)
  uint64_t u1 = 0, u2 = 0;  // XXH3-128 of the URL
  uint64_t order = 0;       // file rank (smaller first), then unit, then ordinal
  uint32_t unit = 0;
  uint32_t ordinal = 0;  // position of the URL's first record in the unit
};

// Entries for an exact key (e.g. an md5 hex string or a WARC-Block-Digest).
Entry exact_entry(std::string_view key, uint64_t order, uint32_t unit, uint32_t ordinal);
// The 6 band entries of a 64-bit SimHash, as the Python simhash package's SimhashIndex(k=5)
// (bands at bit offsets 0,10,20,30,40,50; widths 10x5 and 14), for k = max_distance = 5.
std::vector<Entry> simhash_entries(uint64_t signature, uint64_t order, uint32_t unit, uint32_t ordinal);

uint32_t partition_of(const Entry& e, uint32_t partitions);

// Writes a unit's entries (sorted here) into `path` atomically, with a partition index.
void write_entry_file(const std::filesystem::path& path, std::vector<Entry> entries, uint32_t partitions);
// Reads partition p of an entry file (InputError on a damaged or foreign file).
std::vector<Entry> read_entry_partition(const std::filesystem::path& path, uint32_t p, uint32_t partitions);
// The same for the winners round's digest entries (partitioned by the digest hash).
void write_digest_file(const std::filesystem::path& path, std::vector<DigestEntry> entries, uint32_t partitions);
std::vector<DigestEntry> read_digest_partition(const std::filesystem::path& path, uint32_t p, uint32_t partitions);


// A dropped document.
struct Drop {
  uint32_t unit = 0;
  uint32_t ordinal = 0;
  friend bool operator<(const Drop& a, const Drop& b) {
    return a.unit != b.unit ? a.unit < b.unit : a.ordinal < b.ordinal;
  }
  friend bool operator==(const Drop& a, const Drop& b) = default;
};

// Decides one partition. `entries` is consumed (sorted in place). Returns sorted, unique drops.
std::vector<Drop> reduce_partition(std::vector<Entry>& entries, ReduceRule rule, int max_distance = 5);

// Winners round, one partition: for each digest the entry of smallest (order, unit, ordinal)
// wins; returns the winning URLs as Entry{u1, u2} (sorted, unique), ready to be written with
// write_entry_file so the members round finds them by URL partition.
std::vector<Entry> digest_winners(std::vector<DigestEntry>& entries);
// Members round, one partition: every record (Entry keyed by URL) whose URL is not among
// `winners` (this partition's winners from every winners file) is dropped.
std::vector<Drop> url_member_drops(std::vector<Entry>& records, std::vector<Entry>& winners);

// Drop files: sorted Drop records, atomically written.
void write_drop_file(const std::filesystem::path& path, const std::vector<Drop>& drops);
// The ordinals of `unit` in one drop file, sorted (binary search over the file).
std::vector<uint32_t> read_unit_drops(const std::filesystem::path& path, uint32_t unit);

}  // namespace rpdata::dedup
