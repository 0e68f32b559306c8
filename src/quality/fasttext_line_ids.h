// Internal to quality: the input ids libfasttext's Dictionary::getLine would produce for one
// line (the caller's text + "\n", as predictLine reads it), computed over a string_view with a
// per-thread memo of word -> ids, so that a repeated word costs one hash lookup instead of
// re-hashing all its character n-grams. The ids of a word come from fastText's own public
// Dictionary API (getId, getType, getSubwords, hash) on the first sight of the word; the line
// splitting (readWord's separators, the EOS token "</s>", word n-grams) is done here. With
// `own_hashing`, a first sight does not go through libfasttext's lookups either (they are what
// a first sight costs most: Dictionary::find probes a 30M-slot table, and the pruning map is a
// node-based unordered_map looked up twice per n-gram): the vocabulary (Dictionary::getWord)
// is indexed in a small table here, the token hash is Dictionary::hash's FNV-1a (bytes
// sign-extended), and an out-of-vocabulary word's ids are computeSubwords's (the buckets of
// each minn..maxn-character n-gram of "<word>", pruned buckets through a flat table).
// Feeding the ids to FastText::predict gives predictLine's results bit for bit (same ids in
// the same order, so the same float summation); tests/unit/quality/langid_fast_test.cpp checks.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fast_mod.h"

namespace fasttext {
class Dictionary;
class FastText;
}  // namespace fasttext

namespace rpdata::quality {

class FasttextLineIds {
 public:
  // `model` must outlive this object.
  explicit FasttextLineIds(const fasttext::FastText& model, bool own_hashing = false);
  ~FasttextLineIds();

  // Replaces `ids` with getLine(text + "\n")'s word ids: for each token up to the first '\n'
  // (or a literal "</s>" token), then "</s>": the word's ids (in-vocabulary: its id then its
  // subword ids; out of vocabulary: its subword ids), label-like tokens skipped, then the word
  // n-gram buckets when the model has wordNgrams > 1. Thread-safe.
  void line_ids(std::string_view text, std::vector<int32_t>& ids) const;

  // Rows of the model's input matrix (nwords + buckets, or + kept buckets when pruned) for a
  // quantized model or one with word n-grams; -1 otherwise.
  int64_t input_rows() const;

  // The per-thread memo (up to 2^17 slots = 98 k words, 4 M ids: ~3 MB of slots plus keys and
  // ids, typically < 10 MB): entries (words) in this thread's memo for this object (tests).
  // A thread keeps the memos of its 4 most recently used objects.
  size_t cached_words() const;

 private:
  struct Cache;
  Cache& cache() const;
  // Fills the memo entry of one token through the Dictionary API.
  void lookup(std::string_view token, uint8_t& kind, uint32_t& hash, std::vector<int32_t>& ids) const;
  // Dictionary::getId (own_hashing): the word's id or -1.
  int32_t vocab_find(std::string_view token) const;
  // Dictionary::computeSubwords("<" + token + ">", ids) (own_hashing).
  void oov_subwords(std::string_view token, std::vector<int32_t>& ids) const;
  // Dictionary::pushHash: bucket -> input row (none when pruned away).
  void push_bucket(int32_t bucket, std::vector<int32_t>& ids) const;

  std::shared_ptr<const fasttext::Dictionary> dict_;
  bool own_hashing_ = false;
  std::string label_prefix_;             // Args::label: unknown tokens with it are labels
  std::vector<std::string> vocab_;       // Dictionary::getWord(id), own_hashing
  std::vector<int32_t> vocab_slots_;     // open addressing over vocab_ ids, -1 = empty
  size_t vocab_mask_ = 0;
  int32_t minn_ = 0;
  int32_t maxn_ = 0;
  int32_t word_ngrams_ = 1;
  uint64_t bucket_ = 0;
  FastMod bucket_mod_;      // x % bucket_
  FastMod32 bucket_mod32_;  // the same for 32-bit character n-gram hashes
  int32_t nwords_ = 0;
  int64_t pruneidx_size_ = -1;                     // Dictionary's: -1 not pruned
  // Dictionary's pruning map (read from Dictionary::save when pruned) as an open-addressing
  // table: key -1 = empty slot.
  std::vector<std::pair<int32_t, int32_t>> prune_slots_;
  size_t prune_mask_ = 0;
  std::vector<uint64_t> kept_bits_;  // bucket -> kept by the pruning (buckets < Args::bucket)
  bool dict_parsed_ = false;
  uint64_t generation_;                            // identifies this object's thread caches
};

}  // namespace rpdata::quality
