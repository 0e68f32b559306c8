#include "rpdata/dedup/simhash.h"

#include <unicode/uchar.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cstring>
#include <map>
#include <stdexcept>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "md5_block reads little-endian words");

#include "rpdata/text/ccnet_normalize.h"
#include "rpdata/text/utf8.h"

namespace rpdata::dedup {
namespace {

// --- MD5 (RFC 1321), inlined because a book hashes one tiny feature per character and the
// per-call cost of a generic EVP context would dominate. Checked against OpenSSL in tests.
constexpr uint32_t kMd5K[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
constexpr int kMd5S[16] = {7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21};

inline uint32_t rotl(uint32_t x, int c) { return (x << c) | (x >> (32 - c)); }

// One 64-byte block. Fully unrolled so every message index and shift is a constant.
void md5_block(uint32_t st[4], const unsigned char* p) {
  uint32_t m[16];
  std::memcpy(m, p, 64);  // little-endian words (x86-64, aarch64 Linux)
  uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
#pragma GCC unroll 64
  for (int i = 0; i < 64; ++i) {
    uint32_t f;
    int g;
    if (i < 16) { f = d ^ (b & (c ^ d)); g = i; }
    else if (i < 32) { f = c ^ (d & (b ^ c)); g = (5 * i + 1) & 15; }
    else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) & 15; }
    else { f = c ^ (b | ~d); g = (7 * i) & 15; }
    f += a + kMd5K[i] + m[g];
    a = d;
    d = c;
    c = b;
    b += rotl(f, kMd5S[(i >> 4) * 4 + (i & 3)]);
  }
  st[0] += a;
  st[1] += b;
  st[2] += c;
  st[3] += d;
}

inline uint32_t bswap32(uint32_t x) { return __builtin_bswap32(x); }

// Digest bytes 8..15 as a big-endian integer: words c and d, each stored little-endian.
uint64_t md5_low64(const unsigned char* data, size_t n) {
  uint32_t st[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  size_t full = n / 64;
  for (size_t i = 0; i < full; ++i) md5_block(st, data + 64 * i);
  unsigned char tail[128] = {0};
  size_t rest = n - full * 64;
  std::memcpy(tail, data + full * 64, rest);
  tail[rest] = 0x80;
  size_t blocks = rest + 1 + 8 <= 64 ? 1 : 2;
  uint64_t bits = static_cast<uint64_t>(n) * 8;
  for (int i = 0; i < 8; ++i) tail[blocks * 64 - 8 + i] = static_cast<unsigned char>(bits >> (8 * i));
  for (size_t i = 0; i < blocks; ++i) md5_block(st, tail + 64 * i);
  return static_cast<uint64_t>(bswap32(st[2])) << 32 | bswap32(st[3]);
}

#if defined(__SSE2__)
// Four single-block MD5s at once in SSE2 lanes (baseline x86-64, no -march needed): the
// low 64 bits of md5(msg[k]) for k = 0..3, each message at most 55 bytes.
void md5_low64_x4(const unsigned char* const msg[4], const size_t len[4], uint64_t out[4]) {
  alignas(16) uint32_t w[4][16];
  for (int k = 0; k < 4; ++k) {
    unsigned char block[64] = {0};
    std::memcpy(block, msg[k], len[k]);
    block[len[k]] = 0x80;
    uint64_t bits = static_cast<uint64_t>(len[k]) * 8;
    std::memcpy(block + 56, &bits, 8);
    std::memcpy(w[k], block, 64);
  }
  __m128i m[16];
  for (int j = 0; j < 16; ++j) m[j] = _mm_set_epi32(static_cast<int>(w[3][j]), static_cast<int>(w[2][j]),
                                                    static_cast<int>(w[1][j]), static_cast<int>(w[0][j]));
  const __m128i ones = _mm_set1_epi32(-1);
  __m128i a = _mm_set1_epi32(0x67452301), b = _mm_set1_epi32(static_cast<int>(0xefcdab89u)),
          c = _mm_set1_epi32(static_cast<int>(0x98badcfeu)), d = _mm_set1_epi32(0x10325476);
  const __m128i a0 = a, b0 = b, c0 = c, d0 = d;
#pragma GCC unroll 64
  for (int i = 0; i < 64; ++i) {
    __m128i f;
    int g;
    if (i < 16) { f = _mm_xor_si128(d, _mm_and_si128(b, _mm_xor_si128(c, d))); g = i; }
    else if (i < 32) { f = _mm_xor_si128(c, _mm_and_si128(d, _mm_xor_si128(b, c))); g = (5 * i + 1) & 15; }
    else if (i < 48) { f = _mm_xor_si128(_mm_xor_si128(b, c), d); g = (3 * i + 5) & 15; }
    else { f = _mm_xor_si128(c, _mm_or_si128(b, _mm_xor_si128(d, ones))); g = (7 * i) & 15; }
    f = _mm_add_epi32(_mm_add_epi32(f, a), _mm_add_epi32(_mm_set1_epi32(static_cast<int>(kMd5K[i])), m[g]));
    a = d;
    d = c;
    c = b;
    int s = kMd5S[(i >> 4) * 4 + (i & 3)];
    b = _mm_add_epi32(b, _mm_or_si128(_mm_sll_epi32(f, _mm_cvtsi32_si128(s)), _mm_srl_epi32(f, _mm_cvtsi32_si128(32 - s))));
  }
  alignas(16) uint32_t cs[4], ds[4];
  _mm_store_si128(reinterpret_cast<__m128i*>(cs), _mm_add_epi32(c, c0));
  _mm_store_si128(reinterpret_cast<__m128i*>(ds), _mm_add_epi32(d, d0));
  (void)a0;
  (void)b0;
  for (int k = 0; k < 4; ++k) out[k] = static_cast<uint64_t>(__builtin_bswap32(cs[k])) << 32 | __builtin_bswap32(ds[k]);
}
#endif

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
#if defined(__SSE2__)
  // Shingles are at most 4 * width bytes: four at a time while they fit one block.
  if (4 * w <= 55) {
    const unsigned char* msg[4];
    size_t len[4];
    uint64_t h[4];
    for (; i + 4 <= features; i += 4) {
      for (size_t k = 0; k < 4; ++k) {
        size_t end = std::min(i + k + w, n);
        msg[k] = b + off[i + k];
        len[k] = off[end] - off[i + k];
      }
      md5_low64_x4(msg, len, h);
      for (uint64_t v : h) counter.add(v);
    }
  }
#endif
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
