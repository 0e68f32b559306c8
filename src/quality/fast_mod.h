// Internal to quality: x % d without a division instruction (Lemire, Kaser & Kurz, "Faster
// remainder by direct computation", fastmod_u64), for the hot modulos of the KenLM probing
// tables and fastText's n-gram buckets.
#pragma once

#include <cstdint>

namespace rpdata::quality {

__extension__ typedef unsigned __int128 Uint128;  // GCC/Clang builtin

// Exact for every 64-bit x and d > 0.
class FastMod {
 public:
  FastMod() = default;
  explicit FastMod(uint64_t d) : d_(d), m_(d ? ~static_cast<Uint128>(0) / d + 1 : 0) {}
  uint64_t operator()(uint64_t x) const {
    Uint128 low = m_ * x;
    Uint128 bottom = ((low & ~uint64_t{0}) * d_) >> 64;
    Uint128 top = (low >> 64) * d_;
    return static_cast<uint64_t>((bottom + top) >> 64);
  }
  uint64_t divisor() const { return d_; }

 private:
  uint64_t d_ = 0;
  Uint128 m_ = 0;
};

// Exact for every 32-bit x and 0 < d < 2^32 (fastmod_u32).
class FastMod32 {
 public:
  FastMod32() = default;
  explicit FastMod32(uint32_t d) : d_(d), m_(d ? ~uint64_t{0} / d + 1 : 0) {}
  uint32_t operator()(uint32_t x) const {
    const uint64_t low = m_ * x;
    return static_cast<uint32_t>((static_cast<Uint128>(low) * d_) >> 64);
  }

 private:
  uint32_t d_ = 0;
  uint64_t m_ = 0;
};

}  // namespace rpdata::quality
