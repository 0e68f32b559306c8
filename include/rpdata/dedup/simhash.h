// RedPajama's Books near-duplicate removal (RP:data_prep/book/dedup.py, spec section 4):
// features = all 6-code-point substrings of Python `re.sub(r'[^\w]+', '', s.lower())`, a 64-bit
// SimHash as PyPI `simhash` 2.x computes it (feature hash = last 8 bytes of md5(UTF-8) read
// big-endian, weight 1 per occurrence, bit set iff more than half the features have it), the
// SimhashIndex(k=5) band layout (offsets 0,10,20,30,40,50) and "keep iff no near-duplicate
// (Hamming <= 5) has a smaller id". Pure functions: results never depend on order of arrival
// beyond the documented vector order, unit count or thread count.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rpdata::dedup {

constexpr int kSimhashWidth = 6;        // dedup.py -w default
constexpr int kSimhashMaxDistance = 5;  // dedup.py -k default (SimhashIndex k)

// dedup.py get_features() preprocessing as code points: Python str.lower() (full mapping,
// final sigma), then every character outside Python's `\w` (str.isalnum() or '_': Unicode
// letters L*, characters with a Numeric_Type, '_') deleted. Input must be valid UTF-8.
void simhash_normalize(std::string_view utf8, std::vector<uint32_t>& out);

// The 64-bit feature hash: md5(feature)[8:16] as a big-endian integer (`int(md5.hexdigest(),
// 16) & (2**64-1)`, equivalently simhash 2.x's `digest()[-8:]`).
uint64_t simhash_feature_hash(std::string_view feature_utf8);

// SimHash of a book's text (valid UTF-8) with `width`-code-point shingles; a normalised text
// shorter than `width` is one feature (possibly the empty string).
uint64_t book_simhash(std::string_view utf8, int width = kSimhashWidth);

inline int hamming_distance(uint64_t a, uint64_t b) { return __builtin_popcountll(a ^ b); }

// 16 lowercase hex digits (zero padded) and back; parse throws std::invalid_argument.
std::string simhash_hex(uint64_t sig);
uint64_t parse_simhash_hex(std::string_view hex);

// SimhashIndex(f=64, k) bands: band i covers bits [i*(64/(k+1)), next offset) and the last band
// runs to bit 63 (k=5: widths 10,10,10,10,10,14). A bucket id packs band index (high byte)
// and the band's bit value, so ids of different bands never collide.
int simhash_band_count(int max_distance = kSimhashMaxDistance);
uint64_t simhash_bucket(uint64_t sig, int band, int max_distance = kSimhashMaxDistance);
std::vector<uint64_t> simhash_buckets(uint64_t sig, int max_distance = kSimhashMaxDistance);

// One book as the global stage sees it. `key` orders books (dedup.py's numeric id string):
// a book is dropped iff some near-duplicate has a strictly smaller key.
struct BookSignature {
  uint64_t key = 0;
  uint64_t sig = 0;
};

struct SimhashKeepOptions {
  int max_distance = kSimhashMaxDistance;
  // RedPajama compatibility: keep flags live in one dict keyed by id, so books sharing a key
  // (PG-19 and Books3 both count from 0) all get the flag of the LAST book with that key in
  // vector order (dedup.py merges Books3 after PG-19). Off: every book has its own flag.
  bool shared_id_flags = false;
};

// RedPajama's book ids for the global vector (PG-19's books, then Books3's, each in corpus
// order). kRedPajama: keys restart at 0 for Books3 (dedup.py's str(line + chunk*2000) per
// corpus) and shared_id_flags is on, reproducing the collision; kUnique: Books3 keys continue
// after PG-19's, every book has its own flag.
enum class BookIdMode { kRedPajama, kUnique };
std::vector<BookSignature> book_signatures(const std::vector<uint64_t>& pg19, const std::vector<uint64_t>& books3,
                                           BookIdMode mode);
SimhashKeepOptions book_keep_options(BookIdMode mode, int max_distance = kSimhashMaxDistance);

// Whole-corpus decision, in vector order.
std::vector<bool> simhash_keep(const std::vector<BookSignature>& all, const SimhashKeepOptions& options = {});

// Band-partitioned form of the same decision (map -> shuffle by bucket -> reduce -> combine):
// map: each book goes to the 6 buckets of simhash_buckets(sig) as a BucketMember;
// reduce: simhash_bucket_drops() on all members of one bucket (any order) returns the
// indices (sorted, unique) of members with a near-duplicate of smaller key in that bucket;
// combine: simhash_combine() over the union of dropped indices. Equals simhash_keep().
struct BucketMember {
  uint64_t index = 0;  // position of the book in the global vector
  BookSignature book;
};
std::vector<uint64_t> simhash_bucket_drops(std::span<const BucketMember> members,
                                           int max_distance = kSimhashMaxDistance);
std::vector<bool> simhash_combine(const std::vector<BookSignature>& all, const std::vector<uint64_t>& dropped,
                                  const SimhashKeepOptions& options = {});

}  // namespace rpdata::dedup
