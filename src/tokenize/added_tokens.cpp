#include "added_tokens.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rpdata::tokenize::detail {

AddedTokenMatcher::AddedTokenMatcher() {
  nodes_.emplace_back();
  nodes_[0].child.fill(-1);
}

void AddedTokenMatcher::add(std::string_view content, int32_t id) {
  if (content.empty()) return;
  size_t node = 0;
  for (char ch : content) {
    const auto b = static_cast<uint8_t>(ch);
    if (nodes_[node].child[b] < 0) {
      nodes_[node].child[b] = static_cast<int32_t>(nodes_.size());
      nodes_.emplace_back();
      nodes_.back().child.fill(-1);
    }
    node = static_cast<size_t>(nodes_[node].child[b]);
  }
  if (nodes_[node].id < 0) ++count_;
  nodes_[node].id = id;
  const auto first = static_cast<uint8_t>(content[0]);
  first_[first] = true;
  int distinct = 0;
  for (int b = 0; b < 256; ++b) distinct += first_[static_cast<size_t>(b)];
  single_first_ = distinct == 1 ? first : -1;
  if (content.size() < 2) have_short_ = true;
  const int pair = content.size() < 2 ? -1 : (first << 8 | static_cast<uint8_t>(content[1]));
  pair_prefix_ = count_ == 1 || (count_ > 1 && pair == pair_prefix_) ? pair : -1;
  if (have_short_) pair_prefix_ = -1;
}

namespace {

// The first i >= from with s[i] == a and s[i + 1] == b, or n.
size_t find_pair(const uint8_t* s, size_t n, size_t from, uint8_t a, uint8_t b) {
  size_t i = from;
#if defined(__SSE2__)
  const __m128i va = _mm_set1_epi8(static_cast<char>(a)), vb = _mm_set1_epi8(static_cast<char>(b));
  for (; i + 17 <= n; i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i + 1));
    const int m = _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(y, vb)));
    if (m != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(m)));
  }
#endif
  for (; i + 1 < n; ++i)
    if (s[i] == a && s[i + 1] == b) return i;
  return n;
}

}  // namespace

bool AddedTokenMatcher::find(std::string_view s, size_t from, Match& m) const {
  if (count_ == 0) return false;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  for (size_t i = from; i < n; ++i) {
    if (pair_prefix_ >= 0) {  // e.g. runs of 2..24 spaces: skip single spaces in bulk
      i = find_pair(p, n, i, static_cast<uint8_t>(pair_prefix_ >> 8), static_cast<uint8_t>(pair_prefix_ & 0xFF));
      if (i == n) return false;
    } else if (single_first_ >= 0) {
      const void* hit = std::memchr(p + i, single_first_, n - i);
      if (hit == nullptr) return false;
      i = static_cast<size_t>(static_cast<const uint8_t*>(hit) - p);
    } else if (!first_[p[i]]) {
      continue;
    }
    // Longest token starting at i.
    size_t node = 0, best_end = 0;
    int32_t best_id = -1;
    for (size_t j = i; j < n; ++j) {
      const int32_t c = nodes_[node].child[p[j]];
      if (c < 0) break;
      node = static_cast<size_t>(c);
      if (nodes_[node].id >= 0) {
        best_id = nodes_[node].id;
        best_end = j + 1;
      }
    }
    if (best_id >= 0) {
      m = Match{i, best_end, best_id};
      return true;
    }
  }
  return false;
}

}  // namespace rpdata::tokenize::detail
