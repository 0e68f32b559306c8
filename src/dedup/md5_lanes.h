// Internal to dedup: MD5 for SimHash features (RedPajama's books dedup hashes every 6-character
// shingle with md5): the low 64 bits of the digest read big-endian (digest bytes 8..15), one
// message at a time or several single-block messages at once in SIMD lanes (SSE2: 4, AVX2: 8,
// chosen at run time; baseline x86-64 builds, no -march).
#pragma once

#include <cstddef>
#include <cstdint>

namespace rpdata::dedup {

// Messages up to this many bytes fit one MD5 block (the lane functions' limit).
constexpr size_t kMd5LaneMaxBytes = 55;

uint64_t md5_low64(const unsigned char* data, size_t n);

// Lanes the fastest available implementation computes at once: 8 (AVX2), 4 (SSE2) or 1.
int md5_lanes();
// md5_low64 of md5_lanes() messages, each at most kMd5LaneMaxBytes long.
void md5_low64_lanes(const unsigned char* const msg[], const size_t len[], uint64_t out[]);

// The implementations, for tests; each returns false (and does nothing) when unavailable.
bool md5_low64_x4_sse2(const unsigned char* const msg[4], const size_t len[4], uint64_t out[4]);
bool md5_low64_x8_avx2(const unsigned char* const msg[8], const size_t len[8], uint64_t out[8]);

}  // namespace rpdata::dedup
