// MD5 (RFC 1321) for SimHash features: scalar, 4 lanes of SSE2, 8 lanes of AVX2. Written out
// here because a book hashes one tiny message per character and a generic EVP context per call
// would dominate; checked against OpenSSL in tests/unit/dedup/simhash_test.cpp.
#include "md5_lanes.h"

#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define RPDATA_MD5_X86 1
#endif

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "md5 reads little-endian words");

namespace rpdata::dedup {
namespace {

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
}  // namespace

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


namespace {

// One padded single-block message as 16 little-endian words.
inline void load_block(const unsigned char* msg, size_t len, uint32_t w[16]) {
  unsigned char block[64] = {0};
  std::memcpy(block, msg, len);
  block[len] = 0x80;
  uint64_t bits = static_cast<uint64_t>(len) * 8;
  std::memcpy(block + 56, &bits, 8);
  std::memcpy(w, block, 64);
}

// Words 0..n-1 hold the data and the 0x80 byte of the longest of `lanes` messages (at most
// 14: word 14 is the bit length, word 15 zero for messages under 2^32 bits).
inline int used_words(const size_t len[], int lanes) {
  size_t longest = 0;
  for (int k = 0; k < lanes; ++k) longest = len[k] > longest ? len[k] : longest;
  return static_cast<int>(longest / 4 + 1);
}

inline uint64_t low64(uint32_t c, uint32_t d) {
  return static_cast<uint64_t>(__builtin_bswap32(c)) << 32 | __builtin_bswap32(d);
}

#ifdef RPDATA_MD5_X86
__attribute__((target("avx2"))) void x8_avx2(const unsigned char* const msg[8], const size_t len[8], uint64_t out[8]) {
  alignas(32) uint32_t w[8][16];
  for (int k = 0; k < 8; ++k) load_block(msg[k], len[k], w[k]);
  // Words past the longest message's data and 0x80 byte are zero but for the bit length.
  int nw = used_words(len, 8);
  __m256i m[16];
  for (int j = nw; j < 16; ++j) m[j] = _mm256_setzero_si256();
  m[14] = _mm256_set_epi32(static_cast<int>(w[7][14]), static_cast<int>(w[6][14]), static_cast<int>(w[5][14]),
                           static_cast<int>(w[4][14]), static_cast<int>(w[3][14]), static_cast<int>(w[2][14]),
                           static_cast<int>(w[1][14]), static_cast<int>(w[0][14]));
  for (int j = 0; j < nw; ++j)
    m[j] = _mm256_set_epi32(static_cast<int>(w[7][j]), static_cast<int>(w[6][j]), static_cast<int>(w[5][j]),
                            static_cast<int>(w[4][j]), static_cast<int>(w[3][j]), static_cast<int>(w[2][j]),
                            static_cast<int>(w[1][j]), static_cast<int>(w[0][j]));
  const __m256i ones = _mm256_set1_epi32(-1);
  __m256i a = _mm256_set1_epi32(0x67452301), b = _mm256_set1_epi32(static_cast<int>(0xefcdab89u)),
          c = _mm256_set1_epi32(static_cast<int>(0x98badcfeu)), d = _mm256_set1_epi32(0x10325476);
  const __m256i c0 = c, d0 = d;
#pragma GCC unroll 64
  for (int i = 0; i < 64; ++i) {
    __m256i f;
    int g;
    if (i < 16) { f = _mm256_xor_si256(d, _mm256_and_si256(b, _mm256_xor_si256(c, d))); g = i; }
    else if (i < 32) { f = _mm256_xor_si256(c, _mm256_and_si256(d, _mm256_xor_si256(b, c))); g = (5 * i + 1) & 15; }
    else if (i < 48) { f = _mm256_xor_si256(_mm256_xor_si256(b, c), d); g = (3 * i + 5) & 15; }
    else { f = _mm256_xor_si256(c, _mm256_or_si256(b, _mm256_xor_si256(d, ones))); g = (7 * i) & 15; }
    f = _mm256_add_epi32(_mm256_add_epi32(f, a), _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(kMd5K[i])), m[g]));
    a = d;
    d = c;
    c = b;
    int s = kMd5S[(i >> 4) * 4 + (i & 3)];
    b = _mm256_add_epi32(b, _mm256_or_si256(_mm256_sll_epi32(f, _mm_cvtsi32_si128(s)),
                                            _mm256_srl_epi32(f, _mm_cvtsi32_si128(32 - s))));
  }
  alignas(32) uint32_t cs[8], ds[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(cs), _mm256_add_epi32(c, c0));
  _mm256_store_si256(reinterpret_cast<__m256i*>(ds), _mm256_add_epi32(d, d0));
  for (int k = 0; k < 8; ++k) out[k] = low64(cs[k], ds[k]);
}

void x4_sse2(const unsigned char* const msg[4], const size_t len[4], uint64_t out[4]) {
  alignas(16) uint32_t w[4][16];
  for (int k = 0; k < 4; ++k) load_block(msg[k], len[k], w[k]);
  int nw = used_words(len, 4);
  __m128i m[16];
  for (int j = nw; j < 16; ++j) m[j] = _mm_setzero_si128();
  m[14] = _mm_set_epi32(static_cast<int>(w[3][14]), static_cast<int>(w[2][14]), static_cast<int>(w[1][14]),
                        static_cast<int>(w[0][14]));
  for (int j = 0; j < nw; ++j)
    m[j] = _mm_set_epi32(static_cast<int>(w[3][j]), static_cast<int>(w[2][j]), static_cast<int>(w[1][j]),
                         static_cast<int>(w[0][j]));
  const __m128i ones = _mm_set1_epi32(-1);
  __m128i a = _mm_set1_epi32(0x67452301), b = _mm_set1_epi32(static_cast<int>(0xefcdab89u)),
          c = _mm_set1_epi32(static_cast<int>(0x98badcfeu)), d = _mm_set1_epi32(0x10325476);
  const __m128i c0 = c, d0 = d;
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
  for (int k = 0; k < 4; ++k) out[k] = low64(cs[k], ds[k]);
}

bool cpu_has_avx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}
#endif

}  // namespace

bool md5_low64_x4_sse2(const unsigned char* const msg[4], const size_t len[4], uint64_t out[4]) {
#ifdef RPDATA_MD5_X86
  x4_sse2(msg, len, out);
  return true;
#else
  (void)msg, (void)len, (void)out;
  return false;
#endif
}

bool md5_low64_x8_avx2(const unsigned char* const msg[8], const size_t len[8], uint64_t out[8]) {
#ifdef RPDATA_MD5_X86
  if (!cpu_has_avx2()) return false;
  x8_avx2(msg, len, out);
  return true;
#else
  (void)msg, (void)len, (void)out;
  return false;
#endif
}

int md5_lanes() {
#ifdef RPDATA_MD5_X86
  return cpu_has_avx2() ? 8 : 4;
#else
  return 1;
#endif
}

void md5_low64_lanes(const unsigned char* const msg[], const size_t len[], uint64_t out[]) {
  switch (md5_lanes()) {
#ifdef RPDATA_MD5_X86
    case 8: x8_avx2(msg, len, out); return;
    case 4: x4_sse2(msg, len, out); return;
#endif
    default: out[0] = md5_low64(msg[0], len[0]);
  }
}

}  // namespace rpdata::dedup
