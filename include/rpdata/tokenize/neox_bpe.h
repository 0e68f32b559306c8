// GPT-NeoX-20B token counting: a byte-level BPE loaded from a Hugging Face tokenizer.json
// (20B_tokenizer.json) that reproduces the `tokenizers` Rust library (0.22, Oniguruma regex)
// exactly, ids and counts, with no special tokens added -- RedPajama's token_count.py counts.
// Semantics, supported options and measured speed: docs/tokenize.md.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "rpdata/tokenize/tokenizer.h"

namespace rpdata::tokenize {

// Loads `tokenizer_json`. Throws InputError (with the path) when the file cannot be read or
// is not a well-formed tokenizer.json, ConfigError when it uses an option this implementation
// does not reproduce (e.g. another normalizer or pre-tokenizer, dropout, truncation).
std::shared_ptr<const TokenizerModel> load_hf_bpe(const std::filesystem::path& tokenizer_json,
                                                  std::string name = "neox");

}  // namespace rpdata::tokenize
