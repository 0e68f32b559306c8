// A KenLM-compatible n-gram language model scorer: cc_net's perplexity step
// (`kenlm.Model(path).score(pieces, bos=True, eos=True)` then
// `round(10 ** (-sum / length), 1)`). Reads ARPA (plain or gzip) and KenLM's binary probing
// (model type 0) and trie (model type 2, unquantized) files and scores bit for bit like KenLM.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace rpdata::quality {

namespace kenlm_detail {
class Backend;
}

enum class LmFormat { kArpa, kProbing, kTrie };

// One scored token (a word of the line, or the final </s>), as KenLM's full_scores reports it.
struct LmTokenScore {
  uint32_t word_id = 0;      // 0 = <unk> (OOV); ids follow the file's numbering
  float log10_prob = 0;      // log10 p(word | context), backoffs included (float32)
  uint8_t ngram_length = 0;  // length of the matched n-gram
  bool oov = false;          // word_id == 0
};

struct LmLoadOptions {
  // log10 p(<unk>) used when an ARPA has no <unk> unigram (KenLM's Config default).
  float unknown_missing_logprob = -100.0f;
};

// Immutable after load; score() is const and safe to call from many threads at once.
class LanguageModel {
 public:
  // Detects the format from the first bytes (KenLM binary header, else ARPA, gzip allowed).
  // Throws InputError (path, byte offset) on malformed or unsupported files.
  static LanguageModel load(const std::filesystem::path& path, const LmLoadOptions& options = {});

  // log10 probability of the line, a float32 running sum exactly as KenLM's Model.score.
  // Tokens are split on the bytes ' ' \t \n \v \f \r.
  float score(std::string_view line, bool bos = true, bool eos = true) const;
  // The same for a line given as vocabulary ids (word_id of each token), without splitting.
  float score_ids(std::span<const uint32_t> ids, bool bos = true, bool eos = true) const;
  // Same, also appending one entry per token (and </s> when eos) to `detail`.
  float score_detail(std::string_view line, std::vector<LmTokenScore>& detail, bool bos = true,
                     bool eos = true) const;

  // The vocabulary id of `word` (0 when unknown).
  uint32_t word_id(std::string_view word) const;
  unsigned order() const;
  LmFormat format() const;
  size_t vocab_size() const;

 private:
  explicit LanguageModel(std::shared_ptr<const kenlm_detail::Backend> backend);
  std::shared_ptr<const kenlm_detail::Backend> backend_;
};

// cc_net's document length for a piece line: len(line.split()) + 1 with Python str.split
// semantics (Unicode whitespace such as U+00A0 also separates; invalid UTF-8 never does).
size_t ccnet_length(std::string_view line);

// cc_net's perplexity: round(10 ** (-log10_score / length), 1), rounded like Python's round.
double ccnet_perplexity(double log10_score, size_t length);

}  // namespace rpdata::quality
