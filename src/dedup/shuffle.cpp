#include "rpdata/dedup/shuffle.h"

#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <fstream>
#include <tuple>

#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"

namespace rpdata::dedup {
namespace fs = std::filesystem;
namespace {

constexpr char kEntryMagic[8] = {'R', 'P', 'D', 'K', 'E', 'Y', '1', '\n'};
constexpr char kDropMagic[8] = {'R', 'P', 'D', 'D', 'R', 'O', 'P', '1'};
constexpr char kDigestMagic[8] = {'R', 'P', 'D', 'K', 'D', 'G', '1', '\n'};
static_assert(sizeof(Entry) == 32);
static_assert(sizeof(DigestEntry) == 48);
static_assert(sizeof(Drop) == 8);
static_assert(std::endian::native == std::endian::little, "entry files are little-endian");

void put_u64(std::string& out, uint64_t v) { out.append(reinterpret_cast<const char*>(&v), 8); }

void read_exact(std::ifstream& in, void* data, size_t n, const fs::path& path, uint64_t offset) {
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(static_cast<char*>(data), static_cast<std::streamsize>(n));
  if (static_cast<size_t>(in.gcount()) != n) throw InputError("dedup file is truncated", path.string(), offset);
}

}  // namespace

Entry exact_entry(std::string_view key, uint64_t order, uint32_t unit, uint32_t ordinal) {
  XXH128_hash_t h = XXH3_128bits(key.data(), key.size());
  return Entry{h.high64, h.low64, order, unit, ordinal};
}

std::vector<Entry> simhash_entries(uint64_t signature, uint64_t order, uint32_t unit, uint32_t ordinal) {
  // simhash.SimhashIndex.get_keys: offsets [f // (k + 1) * i for i in range(k + 1)] = 0,10,..,50;
  // the last band takes the remaining 14 bits. Key = (band value, band index).
  std::vector<Entry> out;
  for (uint64_t i = 0; i < 6; ++i) {
    unsigned offset = static_cast<unsigned>(10 * i);
    uint64_t mask = i == 5 ? (uint64_t{1} << 14) - 1 : (uint64_t{1} << 10) - 1;
    uint64_t band[2] = {(signature >> offset) & mask, i};
    out.push_back(Entry{XXH3_64bits(band, sizeof(band)), signature, order, unit, ordinal});
  }
  return out;
}

uint32_t partition_of(const Entry& e, uint32_t partitions) {
  return static_cast<uint32_t>(e.h1 % partitions);
}

namespace {

// Entry files of any fixed-size record type T with a partition key h1: magic, partition
// count, offsets[P + 1] (index of partition p's first record), then the records sorted by
// (partition, T's own order).
template <class T, class Less>
void write_partitioned(const fs::path& path, std::vector<T> entries, uint32_t partitions, const char* magic,
                       Less less) {
  auto part = [&](const T& e) { return static_cast<uint32_t>(e.h1 % partitions); };
  std::sort(entries.begin(), entries.end(), [&](const T& a, const T& b) {
    auto pa = part(a), pb = part(b);
    return pa != pb ? pa < pb : less(a, b);
  });
  std::string out(magic, 8);
  put_u64(out, partitions);
  std::vector<uint64_t> offsets(partitions + 1, 0);
  for (const auto& e : entries) ++offsets[part(e) + 1];
  for (uint32_t p = 0; p < partitions; ++p) offsets[p + 1] += offsets[p];
  for (uint64_t o : offsets) put_u64(out, o);
  out.append(reinterpret_cast<const char*>(entries.data()), entries.size() * sizeof(T));
  io::write_file_atomic(path, out);
}

template <class T>
std::vector<T> read_partitioned(const fs::path& path, uint32_t p, uint32_t partitions, const char* magic_expected) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open dedup entry file", path.string());
  char magic[8];
  uint64_t parts = 0;
  read_exact(in, magic, 8, path, 0);
  read_exact(in, &parts, 8, path, 8);
  if (std::memcmp(magic, magic_expected, 8) != 0) throw InputError("not a dedup entry file of this kind", path.string(), 0);
  if (parts != partitions)
    throw InputError("entry file has " + std::to_string(parts) + " partitions, expected " + std::to_string(partitions),
                     path.string(), 8);
  uint64_t range[2];
  read_exact(in, range, 16, path, 16 + 8 * uint64_t{p});
  if (range[1] < range[0]) throw InputError("dedup entry index is damaged", path.string(), 16 + 8 * uint64_t{p});
  std::vector<T> out(range[1] - range[0]);
  uint64_t base = 16 + 8 * (uint64_t{partitions} + 1);
  if (!out.empty()) read_exact(in, out.data(), out.size() * sizeof(T), path, base + range[0] * sizeof(T));
  return out;
}

bool entry_less(const Entry& a, const Entry& b) {
  return std::tie(a.h1, a.h2, a.order, a.unit, a.ordinal) < std::tie(b.h1, b.h2, b.order, b.unit, b.ordinal);
}
bool digest_less(const DigestEntry& a, const DigestEntry& b) {
  return std::tie(a.h1, a.h2, a.order, a.unit, a.ordinal) < std::tie(b.h1, b.h2, b.order, b.unit, b.ordinal);
}

}  // namespace

void write_entry_file(const fs::path& path, std::vector<Entry> entries, uint32_t partitions) {
  write_partitioned(path, std::move(entries), partitions, kEntryMagic, entry_less);
}

std::vector<Entry> read_entry_partition(const fs::path& path, uint32_t p, uint32_t partitions) {
  return read_partitioned<Entry>(path, p, partitions, kEntryMagic);
}

void write_digest_file(const fs::path& path, std::vector<DigestEntry> entries, uint32_t partitions) {
  write_partitioned(path, std::move(entries), partitions, kDigestMagic, digest_less);
}

std::vector<DigestEntry> read_digest_partition(const fs::path& path, uint32_t p, uint32_t partitions) {
  return read_partitioned<DigestEntry>(path, p, partitions, kDigestMagic);
}

std::vector<Entry> digest_winners(std::vector<DigestEntry>& entries) {
  std::sort(entries.begin(), entries.end(), digest_less);
  std::vector<Entry> won;
  for (size_t i = 0; i < entries.size(); ++i)
    if (i == 0 || entries[i].h1 != entries[i - 1].h1 || entries[i].h2 != entries[i - 1].h2)
      won.push_back(Entry{entries[i].u1, entries[i].u2, 0, 0, 0});
  std::sort(won.begin(), won.end(), entry_less);
  won.erase(std::unique(won.begin(), won.end(),
                        [](const Entry& a, const Entry& b) { return a.h1 == b.h1 && a.h2 == b.h2; }),
            won.end());
  return won;
}

std::vector<Drop> url_member_drops(std::vector<Entry>& records, std::vector<Entry>& winners) {
  auto key_less = [](const Entry& a, const Entry& b) { return std::tie(a.h1, a.h2) < std::tie(b.h1, b.h2); };
  std::sort(winners.begin(), winners.end(), key_less);
  std::vector<Drop> drops;
  for (const Entry& r : records)
    if (!std::binary_search(winners.begin(), winners.end(), r, key_less)) drops.push_back({r.unit, r.ordinal});
  std::sort(drops.begin(), drops.end());
  drops.erase(std::unique(drops.begin(), drops.end()), drops.end());
  return drops;
}

std::vector<Drop> reduce_partition(std::vector<Entry>& entries, ReduceRule rule, int max_distance) {
  std::vector<Drop> drops;
  std::sort(entries.begin(), entries.end(), entry_less);
  size_t i = 0;
  while (i < entries.size()) {
    size_t j = i;
    if (rule == ReduceRule::kExact) {
      while (j < entries.size() && entries[j].h1 == entries[i].h1 && entries[j].h2 == entries[i].h2) ++j;
      // Sorted by order within the key: the first entry wins, the rest lose.
      for (size_t k = i + 1; k < j; ++k) drops.push_back({entries[k].unit, entries[k].ordinal});
    } else {
      while (j < entries.size() && entries[j].h1 == entries[i].h1) ++j;
      // Within one band bucket: a document loses if a near-duplicate has a smaller order.
      // Sorted by (h2, order), the first holder of each distinct signature has its smallest
      // order and stands for the others, so each document is compared with distinct signatures only.
      std::vector<size_t> heads;
      for (size_t k = i; k < j; ++k)
        if (k == i || entries[k].h2 != entries[k - 1].h2) heads.push_back(k);
      for (size_t k = i; k < j; ++k) {
        bool lose = false;
        for (size_t h : heads) {
          if (h == k) continue;
          // dedup.py skips `int(x) >= int(id)`: only a strictly smaller order wins (equal
          // orders, e.g. colliding book ids, never drop each other).
          if (std::popcount(entries[h].h2 ^ entries[k].h2) <= max_distance && entries[h].order < entries[k].order) {
            lose = true;
            break;
          }
        }
        if (lose) drops.push_back({entries[k].unit, entries[k].ordinal});
      }
    }
    i = j;
  }
  std::sort(drops.begin(), drops.end());
  drops.erase(std::unique(drops.begin(), drops.end()), drops.end());
  return drops;
}

void write_drop_file(const fs::path& path, const std::vector<Drop>& drops) {
  std::string out(kDropMagic, 8);
  out.append(reinterpret_cast<const char*>(drops.data()), drops.size() * sizeof(Drop));
  io::write_file_atomic(path, out);
}

std::vector<uint32_t> read_unit_drops(const fs::path& path, uint32_t unit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open dedup drop file", path.string());
  char magic[8];
  read_exact(in, magic, 8, path, 0);
  if (std::memcmp(magic, kDropMagic, 8) != 0) throw InputError("not a dedup drop file", path.string(), 0);
  std::error_code ec;
  uint64_t size = fs::file_size(path, ec);
  if (ec || (size - 8) % sizeof(Drop)) throw InputError("dedup drop file has a partial record", path.string(), size);
  uint64_t n = (size - 8) / sizeof(Drop);
  auto at = [&](uint64_t k) {
    Drop d;
    read_exact(in, &d, sizeof(d), path, 8 + k * sizeof(Drop));
    return d;
  };
  uint64_t lo = 0, hi = n;  // first record with unit >= `unit`
  while (lo < hi) {
    uint64_t mid = (lo + hi) / 2;
    if (at(mid).unit < unit) lo = mid + 1;
    else hi = mid;
  }
  std::vector<uint32_t> out;
  for (uint64_t k = lo; k < n; ++k) {
    Drop d = at(k);
    if (d.unit != unit) break;
    out.push_back(d.ordinal);
  }
  return out;
}

}  // namespace rpdata::dedup
