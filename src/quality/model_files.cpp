#include "rpdata/quality/model_files.h"

#include <spdlog/spdlog.h>

#include <map>
#include <mutex>
#include <set>

#include "rpdata/core/error.h"
#include "rpdata/quality/model_cache.h"
#include "rpdata/tokenize/models.h"

namespace rpdata::quality {
namespace fs = std::filesystem;

namespace {

// Stands in for a model step whose files are absent when the run skips missing models.
class PassThrough final : public Step {
 public:
  explicit PassThrough(std::string name) : name_(std::move(name)) {}
  std::string_view name() const override { return name_; }
  void process(Batch&) override {}

 private:
  std::string name_;
};

}  // namespace

fs::path find_model(const std::string& name) {
  fs::path p(name);
  if (p.is_absolute()) return fs::is_regular_file(p) ? p : fs::path();
  for (const auto& dir : tokenize::model_search_dirs())
    if (fs::is_regular_file(dir / p)) return dir / p;
  return {};
}

fs::path find_first_model(const std::vector<std::string>& names) {
  for (const auto& dir : tokenize::model_search_dirs())
    for (const auto& name : names)
      if (fs::is_regular_file(dir / name)) return dir / name;
  return {};
}

fs::path find_lid176() { return find_first_model(lid176_files()); }

std::string model_dirs_text() {
  std::string where;
  for (const auto& dir : tokenize::model_search_dirs()) where += (where.empty() ? "" : ", ") + dir.string();
  return where.empty() ? "(no model dir: set RPDATA_MODELS)" : where;
}

std::vector<std::string> lid176_files() { return {"fasttext/lid.176.bin", "fasttext/lid.176.ftz"}; }

MissingModels parse_missing_models(const std::string& text) {
  if (text == "error") return MissingModels::kError;
  if (text == "skip") return MissingModels::kSkip;
  throw ConfigError("missing_models must be \"error\" or \"skip\", not '" + text + "'");
}

namespace {
fs::path find_first_existing(const std::vector<std::string>& files) {
  for (const auto& f : files) {
    fs::path p = find_model(f);
    if (!p.empty()) return p;
  }
  return {};
}
}  // namespace

fs::path RunModels::find(const std::string& user, const std::vector<std::string>& files) const {
  if (fs::path p = find_first_existing(files); !p.empty()) return p;
  if (policy_ == MissingModels::kUnchecked) return files.empty() ? fs::path() : fs::path(files[0]);
  std::string names;
  for (const auto& f : files) names += (names.empty() ? "'" : " or '") + f + "'";
  if (policy_ == MissingModels::kError)
    throw ConfigError(user + ": no model file " + names + " under " + model_dirs_text() +
                      " (`rpdata models download --recipe RECIPE` fetches the published ones, `rpdata models list RECIPE` "
                      "says how to get each; set RPDATA_MODELS to a dir holding them; a recipe with "
                      "missing_models = \"skip\" runs without the model)");
  static std::mutex mu;
  static std::set<std::string> warned;
  std::lock_guard lock(mu);
  if (warned.insert(user + names).second)
    spdlog::warn("{}: model file {} not found under {}; SKIPPED (missing_models = \"skip\")", user, names,
                 model_dirs_text());
  return {};
}

fs::path RecordingModels::find(const std::string& user, const std::vector<std::string>& files) const {
  ModelUse use{user, files, find_first_existing(files)};
  std::lock_guard lock(mu_);
  uses_.push_back(use);
  return use.found.empty() && !files.empty() ? fs::path(files[0]) : use.found;
}

std::vector<ModelUse> RecordingModels::uses() const {
  std::lock_guard lock(mu_);
  return uses_;
}

std::unique_ptr<Step> skipped_step(std::string name) { return std::make_unique<PassThrough>(std::move(name)); }

std::shared_ptr<const tokenize::TokenizerModel> shared_tokenizer(const std::string& name, const fs::path& file) {
  return shared_model<tokenize::TokenizerModel>(file, [&](const fs::path& path) { return tokenize::load_model(name, path); });
}

std::vector<std::string> tokenizer_files(const std::string& name) {
  std::vector<std::string> out;
  for (const auto& p : tokenize::model_relative_paths(name)) out.push_back(p.string());
  return out;
}

}  // namespace rpdata::quality
