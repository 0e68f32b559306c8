// `rpdata models list [RECIPE...]`: the model files recipes name (language id, classifiers,
// SentencePiece, KenLM, tokenizers), each found (where, size) or missing, and where rpdata
// looked. A production recipe stops before any work when one of its models is missing.
#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <set>
#include <tuple>

#include "common.h"
#include "rpdata/exec/recipe.h"
#include "rpdata/exec/runner.h"
#include "rpdata/quality/model_files.h"

namespace rpdata::cli {
namespace {
std::vector<std::string> g_recipes;

std::string size_text(const std::filesystem::path& p) {
  std::error_code ec;
  auto n = static_cast<double>(std::filesystem::file_size(p, ec));
  if (ec) return "?";
  char buf[32];
  if (n >= 1e9) std::snprintf(buf, sizeof(buf), "%.1f GB", n / 1e9);
  else if (n >= 1e6) std::snprintf(buf, sizeof(buf), "%.1f MB", n / 1e6);
  else std::snprintf(buf, sizeof(buf), "%.1f KB", n / 1e3);
  return buf;
}
}  // namespace

void register_models(CLI::App& app) {
  auto* cmd = app.add_subcommand("models", "The model files recipes need: what is present, what is missing");
  cmd->require_subcommand(1);
  auto* list = cmd->add_subcommand(
      "list", "Every model file the recipes name (default: all built-in recipes), found or missing, and where "
              "rpdata looks ($RPDATA_MODELS, then the cache dir)");
  list->add_option("recipes", g_recipes, "Recipes to check: built-in names or .toml paths");
  list->callback([] {
    std::vector<std::string> names = g_recipes.empty() ? exec::builtin_recipe_names() : g_recipes;
    std::printf("model dirs: %s\n", quality::model_dirs_text().c_str());
    std::vector<std::array<std::string, 4>> rows{{"RECIPE", "USED BY", "MODEL", "STATUS"}};
    size_t total = 0, missing = 0;
    for (const auto& name : names) {
      exec::Recipe recipe = exec::load_recipe(name);
      std::set<std::tuple<std::string, std::string>> seen;  // a group recipe resolves its reader per group
      for (const auto& use : exec::recipe_models(recipe)) {
        std::string files;
        for (const auto& f : use.files) files += (files.empty() ? "" : " | ") + f;
        if (!seen.insert({use.user, files}).second) continue;
        ++total;
        std::string status = use.found.empty() ? "MISSING" : "ok " + size_text(use.found) + "  " + use.found.string();
        if (use.found.empty()) ++missing;
        rows.push_back({name, use.user, files, status});
      }
    }
    std::array<size_t, 3> width{};
    for (const auto& r : rows)
      for (size_t c = 0; c < width.size(); ++c) width[c] = std::max(width[c], r[c].size());
    for (const auto& r : rows)
      std::printf("%-*s  %-*s  %-*s  %s\n", static_cast<int>(width[0]), r[0].c_str(), static_cast<int>(width[1]),
                  r[1].c_str(), static_cast<int>(width[2]), r[2].c_str(), r[3].c_str());
    std::printf("%zu model file(s) named, %zu missing%s\n", total, missing,
                missing ? " (a recipe with missing_models = \"error\" stops before any work without them; "
                          "`rpdata download tokenizer` fetches GPT-NeoX's tokenizer)"
                        : "");
  });
}

}  // namespace rpdata::cli
