#include "rpdata/dedup/line_dedup.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "rpdata/core/error.h"
#include "rpdata/io/hash.h"
#include "rpdata/text/ccnet_normalize.h"
#include "rpdata/text/utf8.h"

namespace rpdata::dedup {
namespace {

// SHA-1 prefixes are uniform, but mixing keeps probing sane if a caller feeds structured keys.
inline size_t slot_of(uint64_t h, size_t mask) {
  return static_cast<size_t>((h * 0x9E3779B97F4A7C15ULL) >> 32) & mask;
}

uint64_t le64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

struct LineHasher::Impl {
  io::Hasher sha1{io::Hasher::Algo::kSha1};
  std::string normalized;
};

LineHasher::LineHasher() : impl_(std::make_unique<Impl>()) {}
LineHasher::~LineHasher() = default;
LineHasher::LineHasher(LineHasher&&) noexcept = default;
LineHasher& LineHasher::operator=(LineHasher&&) noexcept = default;

uint64_t LineHasher::hash(std::string_view line) {
  text::normalize_for_dedup(line, impl_->normalized);
  impl_->sha1.update(impl_->normalized);
  std::string d = impl_->sha1.digest();
  return le64(reinterpret_cast<const unsigned char*>(d.data()));
}

void LineHasher::hash_document(std::string_view text, std::vector<uint64_t>& out) {
  out.clear();
  size_t start = 0;
  while (true) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      out.push_back(hash(text.substr(start)));
      break;
    }
    out.push_back(hash(text.substr(start, nl - start)));
    start = nl + 1;
  }
}

size_t HashGroup::capacity_for(uint64_t n) {
  uint64_t need = static_cast<uint64_t>(static_cast<double>(n) / kMaxLoad) + 1;
  return static_cast<size_t>(std::bit_ceil(std::max<uint64_t>(need, 16)));
}

uint64_t HashGroup::memory_for(uint64_t n) { return capacity_for(n) * kBytesPerSlot; }

HashGroup::HashGroup(size_t expected_hashes) {
  size_t cap = capacity_for(expected_hashes);
  keys_.assign(cap, 0);
  flags_.assign(cap, 0);
}

size_t HashGroup::find_slot(uint64_t h) const {
  size_t mask = keys_.size() - 1;
  size_t i = slot_of(h, mask);
  while (keys_[i] != 0 && keys_[i] != h) i = (i + 1) & mask;
  return i;
}

bool HashGroup::contains(uint64_t h) const {
  if (h == 0) return has_zero_;
  return keys_[find_slot(h)] == h;
}

bool HashGroup::flagged(uint64_t h) const {
  if (h == 0) return has_zero_ && zero_flag_;
  size_t i = find_slot(h);
  return keys_[i] == h && flags_[i] != 0;
}

void HashGroup::grow() {
  std::vector<uint64_t> old_keys(keys_.size() * 2, 0);
  std::vector<uint8_t> old_flags(flags_.size() * 2, 0);
  old_keys.swap(keys_);
  old_flags.swap(flags_);
  for (size_t i = 0; i < old_keys.size(); ++i) {
    if (old_keys[i] == 0) continue;
    size_t j = find_slot(old_keys[i]);
    keys_[j] = old_keys[i];
    flags_[j] = old_flags[i];
  }
}

void HashGroup::set(uint64_t h, bool flag) {
  if (h == 0) {
    has_zero_ = true;
    zero_flag_ = flag;
    return;
  }
  size_t i = find_slot(h);
  if (keys_[i] != h) {
    if (static_cast<double>(size_ + 1) > kMaxLoad * static_cast<double>(keys_.size())) {
      grow();
      i = find_slot(h);
    }
    keys_[i] = h;
    ++size_;
  }
  flags_[i] = flag ? 1 : 0;
}

void HashGroup::add_document(std::span<const uint64_t> hashes) {
  scratch_.resize(hashes.size());
  for (size_t i = 0; i < hashes.size(); ++i) scratch_[i] = contains(hashes[i]) ? 1 : 0;
  for (size_t i = 0; i < hashes.size(); ++i) set(hashes[i], scratch_[i] != 0);
}

void HashGroup::merge(const HashGroup& other) {
  if (other.has_zero_) set(0, contains(0) || other.zero_flag_);
  for (size_t i = 0; i < other.keys_.size(); ++i) {
    uint64_t h = other.keys_[i];
    if (h != 0) set(h, contains(h) || other.flags_[i] != 0);
  }
}

std::vector<std::pair<uint64_t, bool>> HashGroup::sorted_items() const {
  std::vector<std::pair<uint64_t, bool>> items;
  items.reserve(size_ + 1);
  if (has_zero_) items.emplace_back(0, zero_flag_);
  for (size_t i = 0; i < keys_.size(); ++i)
    if (keys_[i] != 0) items.emplace_back(keys_[i], flags_[i] != 0);
  std::sort(items.begin(), items.end());
  return items;
}

LineDedupResult dedup_document(std::string_view text, std::span<const uint64_t> hashes,
                               const HashGroup& group) {
  LineDedupResult r;
  if (text.empty()) return r;  // cc_net: `if not content: return None`
  r.original_length = text::codepoint_count(text);
  r.original_nlines = static_cast<uint64_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  if (hashes.size() != r.original_nlines)
    throw Error("dedup_document: " + std::to_string(hashes.size()) + " hashes for " +
                std::to_string(r.original_nlines) + " lines");

  thread_local std::vector<uint64_t> kept;  // hash, or 0 where the line is flagged
  kept.assign(hashes.begin(), hashes.end());
  size_t n_unflagged = 0;
  for (auto& h : kept) {
    if (group.flagged(h)) h = 0;
    else ++n_unflagged;
  }
  if (n_unflagged == 0) return r;

  // First occurrence inside the document: a small open-addressing set of nonzero hashes.
  thread_local std::vector<uint64_t> seen;
  size_t cap = std::bit_ceil(std::max<size_t>(16, kept.size() * 2));
  seen.assign(cap, 0);
  size_t mask = cap - 1;

  size_t start = 0;
  for (size_t i = 0; i < kept.size(); ++i) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    uint64_t h = kept[i];
    if (h != 0) {
      size_t s = slot_of(h, mask);
      while (seen[s] != 0 && seen[s] != h) s = (s + 1) & mask;
      if (seen[s] == 0) {
        seen[s] = h;
        if (!r.line_ids.empty()) r.text.push_back('\n');
        r.text.append(text.substr(start, end - start));
        r.line_ids.push_back(static_cast<uint32_t>(i));
      }
    }
    start = end + 1;
  }
  r.keep = true;
  r.nlines = r.line_ids.size();
  r.length = text::codepoint_count(r.text);
  return r;
}

}  // namespace rpdata::dedup
