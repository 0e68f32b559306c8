// Where model files are found and what a step does when one is missing. Every model a recipe
// names (language id, classifiers, SentencePiece, KenLM, tokenizers) is an absolute path or a
// path relative to the model dirs: $RPDATA_MODELS, then ~/.cache/rpdata/models (or
// $XDG_CACHE_HOME/rpdata/models), then any dir added by tokenize::add_model_search_dir.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "rpdata/core/step.h"
#include "rpdata/tokenize/tokenizer.h"

namespace rpdata::quality {

// An absolute path if it is a file, else the first model dir holding `name`; empty if absent.
std::filesystem::path find_model(const std::string& name);
// The first of `names` that find_model finds; empty if none.
std::filesystem::path find_first_model(const std::vector<std::string>& names);
// fastText lid.176: fasttext/lid.176.bin, then fasttext/lid.176.ftz (predictions differ
// slightly; RedPajama and cc_net used the .bin).
std::filesystem::path find_lid176();
// The model dirs, comma-separated, for error messages.
std::string model_dirs_text();

// A model step whose file is absent: ConfigError naming the file and the dirs searched, or
// with `optional` a warning (once per step type and process) and a step that passes every
// document through unchanged.
std::unique_ptr<Step> missing_model(const std::string& step, const std::string& file, bool optional);

// While one is alive on this thread, missing_model returns the pass-through without error:
// building a recipe's steps only to validate it (`rpdata download`) needs no model files.
class ModelFilesUnchecked {
 public:
  ModelFilesUnchecked();
  ~ModelFilesUnchecked();
  ModelFilesUnchecked(const ModelFilesUnchecked&) = delete;
  ModelFilesUnchecked& operator=(const ModelFilesUnchecked&) = delete;

 private:
  bool previous_;
};

// A tokenizer model by name ("neox", "llama"), loaded once per process and shared by every
// step. `missing` is "error" (ConfigError saying where it looked) or "skip" (a warning, once,
// and null). `step` names the caller in messages.
std::shared_ptr<const tokenize::TokenizerModel> shared_tokenizer(const std::string& name, const std::string& missing,
                                                                 const std::string& step);

}  // namespace rpdata::quality
