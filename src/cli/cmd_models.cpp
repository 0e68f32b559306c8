// `rpdata models`: the model files recipes need. `list` shows each recipe's models, found or
// missing, where rpdata looked and how to get each; `catalog` the pinned table of published
// models (URLs, sizes, sha256, licences); `download` fetches and checks them.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>
#include <tuple>

#include "common.h"
#include "rpdata/core/error.h"
#include "rpdata/exec/model_download.h"
#include "rpdata/exec/recipe.h"
#include "rpdata/exec/runner.h"
#include "rpdata/quality/model_files.h"
#include "rpdata/tokenize/models.h"

namespace rpdata::cli {
namespace {
namespace fs = std::filesystem;

std::vector<std::string> g_recipes;
bool g_check = false;
std::vector<std::string> g_names;
std::vector<std::string> g_download_recipes;
std::string g_dir;
std::string g_from;
bool g_no_progress = false;

std::string size_text(const fs::path& p) {
  std::error_code ec;
  auto n = fs::file_size(p, ec);
  return ec ? "?" : human_bytes(static_cast<double>(n));
}

// The published model among a use's files (the first one the catalog knows).
const PublishedModel* published_for(const quality::ModelUse& use) {
  for (const auto& f : use.files)
    if (const auto* m = exec::published_model_for_file(f)) return m;
  return nullptr;
}

// A use's model files, each recipe's uses once (a group recipe resolves its reader per group).
std::vector<quality::ModelUse> recipe_uses(const exec::Recipe& recipe) {
  std::vector<quality::ModelUse> out;
  std::set<std::tuple<std::string, std::vector<std::string>>> seen;
  for (const auto& use : exec::recipe_models(recipe))
    if (seen.insert({use.user, use.files}).second) out.push_back(use);
  return out;
}

int list_models() {
  std::vector<std::string> names = g_recipes.empty() ? exec::builtin_recipe_names() : g_recipes;
  std::printf("model dirs: %s\n", quality::model_dirs_text().c_str());
  std::vector<std::vector<std::string>> rows{{"RECIPE", "USED BY", "MODEL", "GET", "STATUS"}};
  size_t total = 0, missing = 0, bad = 0;
  for (const auto& name : names) {
    exec::Recipe recipe = exec::load_recipe(name);
    for (const auto& use : recipe_uses(recipe)) {
      std::string files;
      for (const auto& f : use.files) files += (files.empty() ? "" : " | ") + f;
      // A sample recipe's models are the ones `rpdata sample` installs or trains.
      const PublishedModel* m = published_for(use);
      std::string get = name.rfind("sample/", 0) == 0 ? "rpdata sample"
                        : m                          ? (m->urls.empty() ? m->name + " (by hand)" : m->name)
                                                     : "-";
      ++total;
      std::string status;
      if (use.found.empty()) {
        status = "MISSING";
        ++missing;
      } else {
        status = "ok " + size_text(use.found) + "  " + use.found.string();
        if (g_check && m) {
          try {
            exec::verify_model(*m, use.found);
            status += "  (checked)";
          } catch (const VerifyError& e) {
            status = "BAD " + e.message() + "  " + use.found.string();
            ++bad;
          }
        }
      }
      rows.push_back({name, use.user, files, get, status});
    }
  }
  print_table(rows);
  std::printf("%zu model file(s) named, %zu missing%s%s\n", total, missing,
              bad ? (", " + std::to_string(bad) + " failing their check").c_str() : "",
              missing || bad ? " (a recipe with missing_models = \"error\" stops before any work without them; "
                               "`rpdata models download --recipe RECIPE` fetches those with a GET name)"
                             : "");
  return bad ? 1 : 0;
}

int print_catalog() {
  std::vector<std::vector<std::string>> rows{{"NAME", "FILE", "SIZE", "SHA256", "LICENCE", "FROM"}};
  for (const auto& m : exec::published_models()) {
    std::string from = m.urls.empty() ? "by hand: " + m.how : m.urls.front();
    rows.push_back({m.name, m.file, m.size ? human_bytes(static_cast<double>(*m.size)) : "?",
                    m.sha256.empty() ? "(not published)" : m.sha256.substr(0, 16) + "...", m.licence, from});
  }
  print_table(rows);
  std::printf("`rpdata models download NAME` fetches one into the first of the model dirs (%s)\n",
              quality::model_dirs_text().c_str());
  return 0;
}

fs::path download_dir() {
  if (!g_dir.empty()) return g_dir;
  auto dirs = tokenize::model_search_dirs();
  if (dirs.empty()) throw ConfigError("no models directory: give --dir DIR or set RPDATA_MODELS");
  return dirs.front();
}

int download_models() {
  std::vector<const PublishedModel*> todo;
  auto add = [&](const PublishedModel* m) {
    if (std::find(todo.begin(), todo.end(), m) == todo.end()) todo.push_back(m);
  };
  for (const auto& name : g_names) {
    const PublishedModel* m = exec::find_published_model(name);
    if (!m) {
      std::string known;
      for (const auto& p : exec::published_models()) known += (known.empty() ? "" : ", ") + p.name;
      throw ConfigError("no published model '" + name + "' (known: " + known + ")");
    }
    add(m);
  }
  for (const auto& name : g_download_recipes) {
    exec::Recipe recipe = exec::load_recipe(name);
    for (const auto& use : recipe_uses(recipe)) {
      if (const PublishedModel* m = published_for(use)) add(m);
      else if (use.found.empty())
        spdlog::warn("models: {} {}: no published model to fetch for {} (a file you make or place yourself)", name,
                     use.user, use.files.empty() ? "?" : use.files.front());
    }
  }
  if (todo.empty()) throw ConfigError("name the models to fetch, or give --recipe (`rpdata models catalog` lists them)");
  if (!g_from.empty() && todo.size() != 1) throw ConfigError("--from takes one model");
  fs::path dir = download_dir();
  io::FetchOptions fo;
  fo.progress = !g_no_progress;
  int rc = 0;
  for (const PublishedModel* m : todo) {
    if (m->urls.empty() && g_from.empty() && !fs::exists(dir / m->file)) {
      spdlog::error("models: {} is fetched by hand: {}", m->name, m->how);
      rc = std::max(rc, 2);
      continue;
    }
    try {
      auto f = exec::fetch_model(*m, dir, g_from.empty() ? std::vector<std::string>{} : std::vector{g_from}, fo);
      spdlog::info("models: {} {} {} (sha256 {}){}", m->name, f.already_present ? "already at" : "saved to",
                   f.path.string(), f.sha256, f.url.empty() ? "" : ", from " + f.url);
    } catch (const Error& e) {
      spdlog::error("models: {}: {}", m->name, e.message());
      rc = std::max(rc, e.exit_code());
    }
  }
  return rc;
}
}  // namespace

void register_models(CLI::App& app) {
  auto* cmd = app.add_subcommand("models", "The model files recipes need: what is present, what is missing, fetching them");
  cmd->require_subcommand(1);
  auto* list = cmd->add_subcommand(
      "list", "Every model file the recipes name (default: all built-in recipes), found or missing, where rpdata "
              "looks (any `rpdata sample` dir, $RPDATA_MODELS, then the cache dir) and how to get it");
  list->add_option("recipes", g_recipes, "Recipes to check: built-in names or .toml paths");
  list->add_flag("--check", g_check, "Also check each found published model (size, sha256 where pinned, its kind)");
  list->callback([] { g_exit_code = list_models(); });

  auto* catalog = cmd->add_subcommand("catalog", "The published models rpdata knows: file, size, sha256, licence, URL");
  catalog->callback([] { g_exit_code = print_catalog(); });

  auto* download = cmd->add_subcommand(
      "download", "Fetch published models into the first model dir, checked before they get their final name");
  download->add_option("names", g_names, "Models by name (`rpdata models catalog`)");
  download->add_option("--recipe,-r", g_download_recipes, "Every published model these recipes name");
  download->add_option("--dir", g_dir, "Models directory (default: $RPDATA_MODELS, else ~/.cache/rpdata/models)");
  download->add_option("--from", g_from, "A URL or local file to take the (one) model from instead of its own URLs");
  download->add_flag("--no-progress", g_no_progress, "No progress bar");
  download->footer(
      "Retries, resumes partial downloads, follows Google Drive's confirmation page, and tries the\n"
      "next URL when a host serves an HTML page or bytes that fail the model's check (pinned size\n"
      "and sha256 where known; a tokenizer must tokenize, a fastText model must load with its\n"
      "labels, a KenLM model must be a complete binary). Examples:\n"
      "  rpdata models download --recipe RECIPE     # every published model the recipe names\n"
      "  rpdata models download neox lid176-ftz --dir /data/models\n"
      "  rpdata models download llama --from ~/Downloads/tokenizer.model");
  download->callback([] { g_exit_code = download_models(); });
}

}  // namespace rpdata::cli
