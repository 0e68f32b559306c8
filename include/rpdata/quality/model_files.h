// Where model files are found, what a run does when one is missing, and models loaded once,
// when first used. Every model a recipe names (language id, classifiers, SentencePiece,
// KenLM, tokenizers) is an absolute path or a path relative to the model dirs:
// any dir given to tokenize::prefer_model_dir, then $RPDATA_MODELS, then
// ~/.cache/rpdata/models (or $XDG_CACHE_HOME/rpdata/models).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "rpdata/core/registry.h"
#include "rpdata/core/step.h"
#include "rpdata/tokenize/tokenizer.h"

namespace rpdata::quality {

// An absolute path if it is a file, else the first model dir holding `name`; empty if absent.
std::filesystem::path find_model(const std::string& name);
// The first of `names` that find_model finds; empty if none.
std::filesystem::path find_first_model(const std::vector<std::string>& names);
// fastText lid.176: fasttext/lid.176.bin, then fasttext/lid.176.ftz (predictions differ
// slightly; RedPajama and cc_net used the .bin).
std::vector<std::string> lid176_files();
std::filesystem::path find_lid176();
// The model dirs, comma-separated, for error messages.
std::string model_dirs_text();

// A recipe's missing_models: what a run does when a model it names is absent.
enum class MissingModels {
  kError,      // "error": a ConfigError before any work (production recipes)
  kSkip,       // "skip": a warning, and the step runs without the model (sample recipes)
  kUnchecked,  // only validating the recipe (`rpdata download`): absent files are not looked for
};
MissingModels parse_missing_models(const std::string& text);  // ConfigError on anything else

// The run's ModelLookup: the model dirs and the policy.
class RunModels final : public ModelLookup {
 public:
  explicit RunModels(MissingModels policy) : policy_(policy) {}
  std::filesystem::path find(const std::string& user, const std::vector<std::string>& files) const override;
  bool skips_missing() const override { return policy_ == MissingModels::kSkip; }

 private:
  MissingModels policy_;
};

// A model a recipe names, as the lookup saw it: who asked, the files tried, the one found.
struct ModelUse {
  std::string user;
  std::vector<std::string> files;
  std::filesystem::path found;  // empty: none of `files` is present
};

// A ModelLookup that records every lookup and never fails (`rpdata models`): a found file is
// returned, a missing one as named, as when only validating.
class RecordingModels final : public ModelLookup {
 public:
  std::filesystem::path find(const std::string& user, const std::vector<std::string>& files) const override;
  bool skips_missing() const override { return false; }
  std::vector<ModelUse> uses() const;

 private:
  mutable std::mutex mu_;
  mutable std::vector<ModelUse> uses_;
};

// The step a type builds when its model is missing and the run skips missing models: every
// document passes unchanged.
std::unique_ptr<Step> skipped_step(std::string name);

// A model loaded once, when first used: `get()` calls `load` on the first call (from any
// thread, through any copy) and returns the same model afterwards. Empty: no model.
template <typename T>
class LazyModel {
 public:
  using Load = std::function<std::shared_ptr<const T>()>;
  LazyModel() = default;
  explicit LazyModel(Load load) : state_(std::make_shared<State>()) { state_->load = std::move(load); }
  explicit operator bool() const { return state_ != nullptr; }
  const std::shared_ptr<const T>& get() const {
    std::call_once(state_->once, [s = state_.get()] { s->model = s->load(); });
    return state_->model;
  }

 private:
  struct State {
    Load load;
    std::once_flag once;
    std::shared_ptr<const T> model;
  };
  std::shared_ptr<State> state_;
};

// A tokenizer model ("neox", "llama") from `file`, loaded once per process.
std::shared_ptr<const tokenize::TokenizerModel> shared_tokenizer(const std::string& name,
                                                                 const std::filesystem::path& file);
// Where a tokenizer's model file is looked up (relative to the model dirs).
std::vector<std::string> tokenizer_files(const std::string& name);

}  // namespace rpdata::quality
