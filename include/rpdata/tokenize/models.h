// Tokenizer models by name, and where their files live. "neox" is GPT-NeoX-20B's
// tokenizer.json (RedPajama-Data-1T's published counts); "llama" is LLaMA's SentencePiece
// tokenizer.model. Files are looked up under $RPDATA_MODELS, then ~/.cache/rpdata/models,
// in the layout `rpdata download tokenizer` writes (and ../shared/realdata/models uses).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "rpdata/tokenize/tokenizer.h"

namespace rpdata::tokenize {

std::vector<std::string> known_tokenizers();  // {"neox", "llama"}
std::vector<std::filesystem::path> model_search_dirs();
// Adds a directory searched before those (process-wide): `rpdata sample` puts OUT/_models,
// the models it installs and trains for the sample, first, so the sample's results do not
// depend on the models a user has elsewhere.
void prefer_model_dir(const std::filesystem::path& dir);
// Candidate relative paths of a tokenizer's model file inside a models dir.
std::vector<std::filesystem::path> model_relative_paths(const std::string& name);
// The first existing model file for `name`, or empty.
std::filesystem::path find_model_file(const std::string& name);
// Loads `name` from `file` (or the found file). ConfigError when unknown or not found,
// saying where it looked and how to get the file.
std::shared_ptr<const TokenizerModel> load_model(const std::string& name,
                                                 const std::filesystem::path& file = {});

// LLaMA through libsentencepiece: SentencePieceProcessor::Encode, no BOS/EOS.
std::shared_ptr<const TokenizerModel> load_sentencepiece(const std::filesystem::path& model_file,
                                                         std::string name = "llama");

}  // namespace rpdata::tokenize
