// Checks that a model file is the kind a recipe expects, for `rpdata models download` (after
// fetching, before the file gets its final name) and `rpdata models list --check`. Each
// throws VerifyError naming the file and the reason; nothing is kept loaded.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace rpdata::quality {

// A complete supervised fastText model (magic, version, every byte read, nothing left over)
// with at least `min_labels` labels, among them every label of `labels` ("__label__en").
void check_fasttext_supervised(const std::filesystem::path& path, const std::vector<std::string>& labels,
                               size_t min_labels);
// A SentencePiece model libsentencepiece loads.
void check_sentencepiece(const std::filesystem::path& path);
// A complete KenLM binary (probing or trie); an ARPA file is refused (cc_net's models are
// binaries, and an ARPA of their size takes minutes to load).
void check_kenlm_binary(const std::filesystem::path& path);

}  // namespace rpdata::quality
