#include "rpdata/tokenize/models.h"

#include <algorithm>
#include <cstdlib>
#include <mutex>

#include "rpdata/core/error.h"
#include "rpdata/tokenize/neox_bpe.h"

namespace rpdata::tokenize {
namespace fs = std::filesystem;

std::vector<std::string> known_tokenizers() { return {"neox", "llama"}; }

namespace {
std::mutex g_extra_mu;
std::vector<fs::path>& extra_dirs() {
  static std::vector<fs::path> dirs;
  return dirs;
}
}  // namespace

void prefer_model_dir(const fs::path& dir) {
  std::lock_guard lock(g_extra_mu);
  auto& dirs = extra_dirs();
  if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) dirs.insert(dirs.begin(), dir);
}

std::vector<fs::path> model_search_dirs() {
  std::vector<fs::path> dirs;
  {
    std::lock_guard lock(g_extra_mu);
    dirs = extra_dirs();
  }
  if (const char* env = std::getenv("RPDATA_MODELS"); env && *env) dirs.emplace_back(env);
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) dirs.push_back(fs::path(xdg) / "rpdata" / "models");
  else if (const char* home = std::getenv("HOME"); home && *home)
    dirs.push_back(fs::path(home) / ".cache" / "rpdata" / "models");
  return dirs;
}

std::vector<fs::path> model_relative_paths(const std::string& name) {
  if (name == "neox") return {"gpt-neox-20b/tokenizer.json", "gpt-neox-20b/20B_tokenizer.json"};
  if (name == "llama") return {"llama/tokenizer.model"};
  return {};
}

fs::path find_model_file(const std::string& name) {
  for (const auto& dir : model_search_dirs())
    for (const auto& rel : model_relative_paths(name))
      if (fs::is_regular_file(dir / rel)) return dir / rel;
  return {};
}

std::shared_ptr<const TokenizerModel> load_model(const std::string& name, const fs::path& file) {
  if (model_relative_paths(name).empty())
    throw ConfigError("unknown tokenizer '" + name + "' (known: neox, llama)");
  fs::path path = file.empty() ? find_model_file(name) : file;
  if (path.empty()) {
    std::string where;
    for (const auto& dir : model_search_dirs()) where += (where.empty() ? "" : ", ") + dir.string();
    throw ConfigError("no model file for tokenizer '" + name + "' under " + (where.empty() ? "(none)" : where) +
                      " (expected " + model_relative_paths(name)[0].string() + "); " +
                      (name == "neox" ? "run `rpdata download tokenizer`, or set RPDATA_MODELS"
                                      : "place LLaMA's tokenizer.model there, or set RPDATA_MODELS"));
  }
  if (name == "neox") return load_hf_bpe(path, name);
  return load_sentencepiece(path, name);
}

}  // namespace rpdata::tokenize
