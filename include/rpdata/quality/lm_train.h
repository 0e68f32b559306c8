// Small stand-in models trained from text, for the bundled offline sample, where the real
// ones (cc_net's per-language SentencePiece + KenLM pairs, several GB) are too large to
// bundle: a SentencePiece unigram model (libsentencepiece's own trainer) and an n-gram ARPA
// with interpolated absolute discounting, which KenLM and rpdata's scorer read like any ARPA.
// They exercise cc_net's perplexity stage; their scores are not cc_net's.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace rpdata::quality {

// Trains a SentencePiece unigram model of `vocab_size` pieces on `lines` (one sentence each),
// deterministically (one thread, no sampling), and writes it to `model_file` atomically.
// ConfigError with the trainer's message when it refuses (e.g. too small a corpus).
void train_sentencepiece(const std::vector<std::string>& lines, int vocab_size, const std::filesystem::path& model_file);

// An ARPA n-gram model of `order` over `token_lines` (tokens separated by spaces; each line a
// sentence between <s> and </s>), with interpolated absolute discounting by `discount`
// (0 < discount < 1) and <unk> holding the unigram level's leftover share. Probabilities sum
// to one in every context under ARPA backoff semantics. N-grams are in byte order.
std::string estimate_arpa(const std::vector<std::string>& token_lines, unsigned order, double discount = 0.5);

// cc_net's perplexity pair from normalized sentences: a SentencePiece model of about
// `vocab_size` pieces (a soft limit, so a small corpus does not fail) and an ARPA of `order`
// over the sentences encoded with it, written to `sp_model` and `arpa`.
void train_perplexity_pair(const std::vector<std::string>& lines, int vocab_size, unsigned order,
                           const std::filesystem::path& sp_model, const std::filesystem::path& arpa);

}  // namespace rpdata::quality
