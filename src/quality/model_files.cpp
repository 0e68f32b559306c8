#include "rpdata/quality/model_files.h"

#include <spdlog/spdlog.h>

#include <map>
#include <mutex>
#include <set>

#include "rpdata/core/error.h"
#include "rpdata/tokenize/models.h"

namespace rpdata::quality {
namespace fs = std::filesystem;

namespace {

// Stands in for a model step whose files are absent and that the recipe marks optional.
class PassThrough final : public Step {
 public:
  explicit PassThrough(std::string name) : name_(std::move(name)) {}
  std::string_view name() const override { return name_; }
  void process(Batch&) override {}

 private:
  std::string name_;
};

thread_local bool g_model_files_unchecked = false;

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

fs::path find_lid176() { return find_first_model({"fasttext/lid.176.bin", "fasttext/lid.176.ftz"}); }

std::string model_dirs_text() {
  std::string where;
  for (const auto& dir : tokenize::model_search_dirs()) where += (where.empty() ? "" : ", ") + dir.string();
  return where.empty() ? "(no model dir: set RPDATA_MODELS)" : where;
}

std::unique_ptr<Step> missing_model(const std::string& step, const std::string& file, bool optional) {
  if (g_model_files_unchecked) return std::make_unique<PassThrough>(step);
  if (!optional)
    throw ConfigError("[[steps]] " + step + ": model file '" + file + "' not found under " + model_dirs_text());
  static std::mutex mu;
  static std::set<std::string> warned;
  std::lock_guard lock(mu);
  if (warned.insert(step).second)
    spdlog::warn("{}: model file '{}' not found under {}; the step is skipped (optional = true)", step, file,
                 model_dirs_text());
  return std::make_unique<PassThrough>(step);
}

ModelFilesUnchecked::ModelFilesUnchecked() : previous_(g_model_files_unchecked) { g_model_files_unchecked = true; }
ModelFilesUnchecked::~ModelFilesUnchecked() { g_model_files_unchecked = previous_; }

std::shared_ptr<const tokenize::TokenizerModel> shared_tokenizer(const std::string& name, const std::string& missing,
                                                                 const std::string& step) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const tokenize::TokenizerModel>> cache;
  static bool warned = false;
  if (missing != "error" && missing != "skip")
    throw ConfigError("[[steps]] " + step + ": on_missing_tokenizer must be \"error\" or \"skip\"");
  std::lock_guard lock(mu);
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  if (missing == "skip" && tokenize::find_model_file(name).empty()) {
    if (!warned)
      spdlog::warn("{}: no '{}' tokenizer model (rpdata download tokenizer, or RPDATA_MODELS); the "
                   "alphabetic-chars-per-token rule is SKIPPED (on_missing_tokenizer = \"skip\")",
                   step, name);
    warned = true;
    return nullptr;
  }
  auto model = tokenize::load_model(name);  // ConfigError saying where it looked
  cache.emplace(name, model);
  return model;
}

}  // namespace rpdata::quality
