// Temporary declaration; replaced by the GPT-NeoX BPE implementation's header.
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include "rpdata/tokenize/tokenizer.h"
namespace rpdata::tokenize {
std::shared_ptr<const TokenizerModel> load_hf_bpe(const std::filesystem::path& tokenizer_json, std::string name = "neox");
}
