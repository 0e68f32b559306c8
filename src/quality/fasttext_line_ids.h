// Internal to quality: the input ids libfasttext's Dictionary::getLine would produce for one
// line (the caller's text + "\n", as predictLine reads it), computed over a string_view with a
// per-thread memo of word -> ids, so that a repeated word costs one hash lookup instead of
// re-hashing all its character n-grams. The ids of a word come from fastText's own public
// Dictionary API (getId, getType, getSubwords, hash) on the first sight of the word; only the
// line splitting (readWord's separators, the EOS token "</s>", word n-grams) is done here.
// Feeding the ids to FastText::predict gives predictLine's results bit for bit (same ids in
// the same order, so the same float summation); tests/unit/quality/langid_fast_test.cpp checks.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fasttext {
class Dictionary;
class FastText;
}  // namespace fasttext

namespace rpdata::quality {

class FasttextLineIds {
 public:
  // `model` must outlive this object.
  explicit FasttextLineIds(const fasttext::FastText& model);
  ~FasttextLineIds();

  // Replaces `ids` with getLine(text + "\n")'s word ids: for each token up to the first '\n'
  // (or a literal "</s>" token), then "</s>": the word's ids (in-vocabulary: its id then its
  // subword ids; out of vocabulary: its subword ids), label-like tokens skipped, then the word
  // n-gram buckets when the model has wordNgrams > 1. Thread-safe.
  void line_ids(std::string_view text, std::vector<int32_t>& ids) const;

  // The per-thread memo: entries (words) in this thread's cache for this object (tests).
  size_t cached_words() const;

 private:
  struct Cache;
  Cache& cache() const;
  // Fills the memo entry of one token through the Dictionary API.
  void lookup(std::string_view token, uint8_t& kind, uint32_t& hash, std::vector<int32_t>& ids) const;

  std::shared_ptr<const fasttext::Dictionary> dict_;
  int32_t maxn_ = 0;
  int32_t word_ngrams_ = 1;
  uint64_t bucket_ = 0;
  int32_t nwords_ = 0;
  int64_t pruneidx_size_ = -1;                     // Dictionary's: -1 not pruned
  std::unordered_map<int32_t, int32_t> pruneidx_;  // read from Dictionary::save when pruned
  uint64_t generation_;                            // identifies this object's thread caches
};

}  // namespace rpdata::quality
