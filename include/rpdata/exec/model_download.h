// `rpdata download tokenizer`: fetches GPT-NeoX-20B's tokenizer.json through the shared
// downloader and checks it by loading it and reproducing reference tokenizations (the
// byte layout of tokenizer.json differs between copies, its behaviour must not).
#pragma once

#include <filesystem>
#include <string>

#include "rpdata/io/http_fetch.h"

namespace rpdata::exec {

constexpr const char* kNeoxTokenizerUrl = "https://huggingface.co/EleutherAI/gpt-neox-20b/resolve/main";
// sha256 of GPT-NeoX's 20B_tokenizer.json as EleutherAI published it (realdata SOURCES.md).
constexpr const char* kNeoxTokenizerSha256 = "56ac4821e129d2c520fdaba60abd920fa852ada51b45c0dd52bbb6bd8c985ade";

struct ModelDownload {
  std::filesystem::path path;  // where the verified file now is
  std::string sha256;
  bool known_bytes = false;     // identical to EleutherAI's 20B_tokenizer.json
  bool already_present = false;
};

// Downloads from `base` (URL or directory holding tokenizer.json or 20B_tokenizer.json;
// default kNeoxTokenizerUrl) into <models_dir>/gpt-neox-20b/tokenizer.json, verified.
// Throws DownloadError / VerifyError; never leaves an unverified file under the final name.
ModelDownload download_neox_tokenizer(const std::filesystem::path& models_dir, const std::string& base,
                                      const io::FetchOptions& options);

// Throws VerifyError unless `path` tokenizes the reference strings to the reference ids.
void verify_neox_tokenizer(const std::filesystem::path& path);

}  // namespace rpdata::exec
