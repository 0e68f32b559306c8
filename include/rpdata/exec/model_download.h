// `rpdata models download` and `rpdata download tokenizer`: the published models the
// production recipes name (every source's PublishedModel, plus the tokenizers and lid.176
// here), fetched through the shared downloader (retries, resume), checked against their pinned
// size and sha256 and by their kind's check, and only then given their final name.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "rpdata/core/registry.h"
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

// The models of the tokenizers and of language id, which several sources use.
std::vector<PublishedModel> shared_published_models();
// Every registered PublishedModel (the shared ones, then each source's), and one by name.
const std::vector<PublishedModel>& published_models();
const PublishedModel* find_published_model(const std::string& name);
// The published model stored as `file` (a path relative to a model dir), if any.
const PublishedModel* published_model_for_file(const std::string& file);

// Throws VerifyError unless `file` has the model's pinned size and sha256 (where pinned) and
// passes its kind's check.
void verify_model(const PublishedModel& model, const std::filesystem::path& file);

struct ModelFetch {
  std::filesystem::path path;  // <models_dir>/<model.file>, verified
  std::string sha256;
  std::string url;             // where it came from ("" when already present)
  bool already_present = false;
};

// Fetches `model` into <models_dir>/<model.file>: a file already there that verifies is kept;
// otherwise each of `urls` (default: the model's own; a local path is read as a file) is
// tried in order until one yields bytes that verify. An HTML page in place of the model is
// Google Drive's confirmation page (followed, once) or a mirror's error page (the next URL is
// tried). The download goes to a hidden staging name beside the destination and is renamed
// only once verified; a partial download resumes on the next call. Throws DownloadError
// listing each URL's failure, or ConfigError for a by-hand model without `urls`.
ModelFetch fetch_model(const PublishedModel& model, const std::filesystem::path& models_dir,
                       const std::vector<std::string>& urls, const io::FetchOptions& options);

}  // namespace rpdata::exec
