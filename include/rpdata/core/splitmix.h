// splitmix64: the project's one small PRNG for generated data (the bundled samples, URL
// sampling). Explicit arithmetic, so the same seed gives the same bytes on every platform and
// compiler (never std::rand, std::hash or the <random> distributions).
#pragma once

#include <cstddef>
#include <cstdint>

namespace rpdata {

inline uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

struct SplitMix64 {
  uint64_t s;
  uint64_t next() { return splitmix64(s); }
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }
};

}  // namespace rpdata
