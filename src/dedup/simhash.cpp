#include "rpdata/dedup/simhash.h"

#include <unicode/uchar.h>


#include <algorithm>
#include <cstring>
#include <map>
#include <stdexcept>


#include "md5_lanes.h"
#include "rpdata/text/ccnet_normalize.h"
#include "rpdata/text/utf8.h"

namespace rpdata::dedup {
namespace {

// Python's \w on a lowercased code point: str.isalnum() (letters Lu/Ll/Lt/Lm/Lo, or any
// Numeric_Type: decimal, digit, numeric) or '_'.
bool is_word(uint32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  auto cp = static_cast<UChar32>(c);
  switch (u_charType(cp)) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
      return true;
    default:
      return u_getIntPropertyValue(cp, UCHAR_NUMERIC_TYPE) != U_NT_NONE;
  }
}

void decode_utf8(std::string_view s, std::vector<uint32_t>& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    uint32_t cp;
    int n;
    if (c < 0x80) { cp = c; n = 0; }
    else if (c < 0xe0) { cp = c & 0x1f; n = 1; }
    else if (c < 0xf0) { cp = c & 0x0f; n = 2; }
    else { cp = c & 0x07; n = 3; }
    if (end - p <= n) break;  // truncated: cannot happen for valid UTF-8
    for (int i = 1; i <= n; ++i) cp = (cp << 6) | (p[i] & 0x3f);
    out.push_back(cp);
    p += n + 1;
  }
}

// kSpread[b]: the 8 bits of byte b, bit k moved to byte lane k (value 1), so adding kSpread of
// each byte counts 8 bit positions at once in byte-sized counters.
struct SpreadTable {
  uint64_t v[256];
  constexpr SpreadTable() : v() {
    for (int b = 0; b < 256; ++b) {
      uint64_t x = 0;
      for (int k = 0; k < 8; ++k)
        if (b >> k & 1) x |= uint64_t{1} << (8 * k);
      v[b] = x;
    }
  }
};
constexpr SpreadTable kSpread;

// Counts, per bit position, how many of the added hashes have it set.
class BitCounter {
 public:
  void add(uint64_t h) {
    for (int j = 0; j < 8; ++j) lanes_[j] += kSpread.v[(h >> (8 * j)) & 0xff];
    if (++pending_ == 255) flush();
    ++n_;
  }
  uint64_t result() {
    flush();
    uint64_t value = 0;
    for (int i = 0; i < 64; ++i)
      if (2 * counts_[i] > n_) value |= uint64_t{1} << i;  // simhash 2.x: sums > count / 2
    return value;
  }

 private:
  void flush() {
    for (int j = 0; j < 8; ++j) {
      for (int k = 0; k < 8; ++k) counts_[8 * j + k] += (lanes_[j] >> (8 * k)) & 0xff;
      lanes_[j] = 0;
    }
    pending_ = 0;
  }
  uint64_t lanes_[8] = {0};
  uint64_t counts_[64] = {0};
  int pending_ = 0;
  uint64_t n_ = 0;
};

constexpr uint64_t kBandShift = 56;

}  // namespace

void simhash_normalize(std::string_view utf8, std::vector<uint32_t>& out) {
  out.clear();
  bool ascii = true;
  for (char ch : utf8)
    if (static_cast<unsigned char>(ch) >= 0x80) { ascii = false; break; }
  if (ascii) {
    out.reserve(utf8.size());
    for (char ch : utf8) {
      auto c = static_cast<unsigned char>(ch);
      if (c >= 'A' && c <= 'Z') out.push_back(c + 32u);
      else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') out.push_back(c);
    }
    return;
  }
  std::vector<uint32_t> lowered;
  lowered.reserve(utf8.size());
  decode_utf8(text::python_lower(utf8), lowered);
  out.reserve(lowered.size());
  for (uint32_t c : lowered)
    if (is_word(c)) out.push_back(c);
}

uint64_t simhash_feature_hash(std::string_view feature_utf8) {
  return md5_low64(reinterpret_cast<const unsigned char*>(feature_utf8.data()), feature_utf8.size());
}

uint64_t book_simhash(std::string_view utf8, int width) {
  if (width < 1) throw std::invalid_argument("simhash width must be >= 1");
  std::vector<uint32_t> cps;
  simhash_normalize(utf8, cps);
  // UTF-8 of the normalised text with the byte offset of every code point (and the end).
  std::string bytes;
  std::vector<uint32_t> off;
  bytes.reserve(cps.size());
  off.reserve(cps.size() + 1);
  for (uint32_t c : cps) {
    off.push_back(static_cast<uint32_t>(bytes.size()));
    if (c < 0x80) bytes.push_back(static_cast<char>(c));
    else text::append_utf8(bytes, c);
  }
  off.push_back(static_cast<uint32_t>(bytes.size()));
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
  BitCounter counter;
  size_t n = cps.size(), w = static_cast<size_t>(width);
  size_t features = n >= w ? n - w + 1 : 1;  // range(max(len(s) - width + 1, 1))
  size_t i = 0;
  // Shingles are at most 4 * width bytes: 8 or 4 MD5s at a time while they fit one block.
  if (4 * w <= kMd5LaneMaxBytes) {
    const unsigned char* msg[8];
    size_t len[8];
    uint64_t h[8];
    const int lanes = md5_lanes();
    for (; lanes > 1 && i + static_cast<size_t>(lanes) <= features; i += static_cast<size_t>(lanes)) {
      for (size_t k = 0; k < static_cast<size_t>(lanes); ++k) {
        size_t end = std::min(i + k + w, n);
        msg[k] = b + off[i + k];
        len[k] = off[end] - off[i + k];
      }
      md5_low64_lanes(msg, len, h);
      for (int k = 0; k < lanes; ++k) counter.add(h[k]);
    }
  }
  for (; i < features; ++i) {
    size_t end = std::min(i + w, n);
    counter.add(md5_low64(b + off[i], off[end] - off[i]));
  }
  return counter.result();
}

std::string simhash_hex(uint64_t sig) {
  static const char* kHex = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, sig >>= 4) s[static_cast<size_t>(i)] = kHex[sig & 15];
  return s;
}

uint64_t parse_simhash_hex(std::string_view hex) {
  if (hex.empty() || hex.size() > 16) throw std::invalid_argument("simhash hex must have 1-16 digits");
  uint64_t v = 0;
  for (char c : hex) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) throw std::invalid_argument("simhash hex has a non-hex digit: " + std::string(hex));
    v = v << 4 | static_cast<uint64_t>(d);
  }
  return v;
}

int simhash_band_count(int max_distance) {
  if (max_distance < 0 || max_distance > 63) throw std::invalid_argument("simhash distance must be 0..63");
  return max_distance + 1;
}

uint64_t simhash_bucket(uint64_t sig, int band, int max_distance) {
  int bands = simhash_band_count(max_distance);
  int step = 64 / bands;
  int offset = step * band;
  int width = band == bands - 1 ? 64 - offset : step;
  uint64_t mask = width >= 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
  return static_cast<uint64_t>(band) << kBandShift | ((sig >> offset) & mask);
}

std::vector<uint64_t> simhash_buckets(uint64_t sig, int max_distance) {
  std::vector<uint64_t> out;
  for (int b = 0; b < simhash_band_count(max_distance); ++b) out.push_back(simhash_bucket(sig, b, max_distance));
  return out;
}

std::vector<uint64_t> simhash_bucket_drops(std::span<const BucketMember> members, int max_distance) {
  std::vector<const BucketMember*> order;
  order.reserve(members.size());
  for (const auto& m : members) order.push_back(&m);
  std::sort(order.begin(), order.end(), [](const BucketMember* a, const BucketMember* b) {
    return a->book.key != b->book.key ? a->book.key < b->book.key : a->index < b->index;
  });
  std::vector<uint64_t> dropped;
  size_t smaller_end = 0;  // order[0, smaller_end) have keys < the current key
  for (size_t j = 0; j < order.size(); ++j) {
    while (order[smaller_end]->book.key < order[j]->book.key) ++smaller_end;
    for (size_t i = 0; i < smaller_end; ++i)
      if (hamming_distance(order[i]->book.sig, order[j]->book.sig) <= max_distance) {
        dropped.push_back(order[j]->index);
        break;
      }
  }
  std::sort(dropped.begin(), dropped.end());
  dropped.erase(std::unique(dropped.begin(), dropped.end()), dropped.end());
  return dropped;
}

std::vector<bool> simhash_combine(const std::vector<BookSignature>& all, const std::vector<uint64_t>& dropped,
                                  const SimhashKeepOptions& options) {
  std::vector<bool> keep(all.size(), true);
  for (uint64_t i : dropped) {
    if (i >= all.size()) throw std::invalid_argument("simhash_combine: dropped index out of range");
    keep[i] = false;
  }
  if (!options.shared_id_flags) return keep;
  std::map<uint64_t, size_t> last;  // key -> last position with it (dict assignment order)
  for (size_t i = 0; i < all.size(); ++i) last[all[i].key] = i;
  std::vector<bool> shared(all.size());
  for (size_t i = 0; i < all.size(); ++i) shared[i] = keep[last[all[i].key]];
  return shared;
}

std::vector<bool> simhash_keep(const std::vector<BookSignature>& all, const SimhashKeepOptions& options) {
  int bands = simhash_band_count(options.max_distance);
  std::vector<std::pair<uint64_t, uint64_t>> entries;  // (bucket, index)
  entries.reserve(all.size() * static_cast<size_t>(bands));
  for (size_t i = 0; i < all.size(); ++i)
    for (int b = 0; b < bands; ++b) entries.emplace_back(simhash_bucket(all[i].sig, b, options.max_distance), i);
  std::sort(entries.begin(), entries.end());
  std::vector<uint64_t> dropped;
  std::vector<BucketMember> group;
  for (size_t s = 0; s < entries.size();) {
    size_t e = s;
    group.clear();
    while (e < entries.size() && entries[e].first == entries[s].first) {
      group.push_back({entries[e].second, all[entries[e].second]});
      ++e;
    }
    if (group.size() > 1) {
      auto d = simhash_bucket_drops(group, options.max_distance);
      dropped.insert(dropped.end(), d.begin(), d.end());
    }
    s = e;
  }
  return simhash_combine(all, dropped, options);
}

std::vector<BookSignature> book_signatures(const std::vector<uint64_t>& pg19, const std::vector<uint64_t>& books3,
                                           BookIdMode mode) {
  std::vector<BookSignature> all;
  all.reserve(pg19.size() + books3.size());
  for (size_t i = 0; i < pg19.size(); ++i) all.push_back({i, pg19[i]});
  uint64_t first = mode == BookIdMode::kRedPajama ? 0 : pg19.size();
  for (size_t i = 0; i < books3.size(); ++i) all.push_back({first + i, books3[i]});
  return all;
}

SimhashKeepOptions book_keep_options(BookIdMode mode, int max_distance) {
  return {max_distance, mode == BookIdMode::kRedPajama};
}

}  // namespace rpdata::dedup
