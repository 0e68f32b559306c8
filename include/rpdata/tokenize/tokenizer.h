// Token counting, the project's proof: RedPajama-Data-1T's published counts are
// len(tokenizer.tokenize(text)) with GPT-NeoX-20B's tokenizer (no special tokens added);
// LLaMA's SentencePiece model gives LLaMA's accounting for comparison.
// A TokenizerModel is loaded once and shared (immutable); each thread makes its own
// Tokenizer from it, which may keep caches and is not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rpdata::tokenize {

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  // Number of tokens of `text` (valid UTF-8) exactly as the reference implementation counts
  // them with no special tokens added. Must not need the ids materialised.
  virtual int64_t count(std::string_view text) = 0;
  // The token ids (appended to `ids`), for tests and debugging.
  virtual void encode(std::string_view text, std::vector<int32_t>& ids) = 0;
};

class TokenizerModel {
 public:
  virtual ~TokenizerModel() = default;
  virtual std::string name() const = 0;  // "neox", "llama"
  virtual std::unique_ptr<Tokenizer> make_tokenizer() const = 0;
  // Every id is below this (the vocabulary with its added tokens); an indexed dataset's dtype
  // is chosen by it.
  virtual int64_t vocab_size() const = 0;
  // The end-of-document id appended after each document in a training dataset: GPT-NeoX's
  // "<|endoftext|>" (HFTokenizer.eod), SentencePiece's EOS (Megatron-LM's Llama tokenizer);
  // -1 when the model has none.
  virtual int32_t eod_id() const = 0;
};

}  // namespace rpdata::tokenize
