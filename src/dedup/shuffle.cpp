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
static_assert(sizeof(Entry) == 32);
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

void write_entry_file(const fs::path& path, std::vector<Entry> entries, uint32_t partitions) {
  std::sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
    auto pa = partition_of(a, partitions), pb = partition_of(b, partitions);
    return std::tie(pa, a.h1, a.h2, a.order, a.unit, a.ordinal) < std::tie(pb, b.h1, b.h2, b.order, b.unit, b.ordinal);
  });
  std::string out(kEntryMagic, 8);
  put_u64(out, partitions);
  // offsets[p] = index of partition p's first entry; offsets[P] = entry count.
  std::vector<uint64_t> offsets(partitions + 1, 0);
  for (const auto& e : entries) ++offsets[partition_of(e, partitions) + 1];
  for (uint32_t p = 0; p < partitions; ++p) offsets[p + 1] += offsets[p];
  for (uint64_t o : offsets) put_u64(out, o);
  out.append(reinterpret_cast<const char*>(entries.data()), entries.size() * sizeof(Entry));
  io::write_file_atomic(path, out);
}

std::vector<Entry> read_entry_partition(const fs::path& path, uint32_t p, uint32_t partitions) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open dedup entry file", path.string());
  char magic[8];
  uint64_t parts = 0;
  read_exact(in, magic, 8, path, 0);
  read_exact(in, &parts, 8, path, 8);
  if (std::memcmp(magic, kEntryMagic, 8) != 0) throw InputError("not a dedup entry file", path.string(), 0);
  if (parts != partitions)
    throw InputError("entry file has " + std::to_string(parts) + " partitions, expected " + std::to_string(partitions),
                     path.string(), 8);
  uint64_t range[2];
  read_exact(in, range, 16, path, 16 + 8 * uint64_t{p});
  if (range[1] < range[0]) throw InputError("dedup entry index is damaged", path.string(), 16 + 8 * uint64_t{p});
  std::vector<Entry> out(range[1] - range[0]);
  uint64_t base = 16 + 8 * (uint64_t{partitions} + 1);
  if (!out.empty()) read_exact(in, out.data(), out.size() * sizeof(Entry), path, base + range[0] * sizeof(Entry));
  return out;
}

std::vector<Drop> reduce_partition(std::vector<Entry>& entries, DedupKind kind, int max_distance) {
  std::vector<Drop> drops;
  auto by_bucket = [](const Entry& a, const Entry& b) {
    return std::tie(a.h1, a.h2, a.order, a.unit, a.ordinal) < std::tie(b.h1, b.h2, b.order, b.unit, b.ordinal);
  };
  std::sort(entries.begin(), entries.end(), by_bucket);
  size_t i = 0;
  while (i < entries.size()) {
    size_t j = i;
    if (kind == DedupKind::kExact) {
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
