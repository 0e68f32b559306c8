// `rpdata steps`: the registries of step types, input formats and download shapes; `rpdata
// recipe`: built-in recipes.
#include <cstdio>

#include "common.h"
#include "rpdata/exec/recipe.h"

namespace rpdata::cli {
namespace {
std::string g_recipe;
}

void register_steps(CLI::App& app) {
  auto* cmd = app.add_subcommand("steps",
                                 "List the step types ([[steps]] type), input formats ([read] format) and download "
                                 "shapes ([download]) recipes can use");
  cmd->callback([] {
    std::printf("step types ([[steps]] type = ...):\n");
    for (const auto& t : exec::step_registry().types())
      std::printf("  %-22s %s\n", t.name.c_str(), t.description.c_str());
    std::printf("input formats ([read] format = ...):\n");
    for (const auto& t : exec::reader_registry().types())
      std::printf("  %-22s %s\n", t.name.c_str(), t.description.c_str());
    const Registries& r = exec::registries();
    std::printf("input shapes ([download], chosen by the keys shown; pattern yields to the others):\n");
    for (const auto& t : r.planners.types()) {
      std::string keys;
      for (const auto& k : t.triggers) keys += (keys.empty() ? "" : " | ") + k;
      std::printf("  %-22s %s\n", keys.c_str(), t.description.c_str());
    }
    std::printf("checksum kinds ([download] checksums = ...):\n");
    for (const auto& t : r.checksums.types()) std::printf("  %-22s %s\n", t.name.c_str(), t.description.c_str());
    std::printf("input selections ([download] select_by = ...):\n");
    for (const auto& t : r.selectors.types()) std::printf("  %-22s %s\n", t.name.c_str(), t.description.c_str());
  });
  auto* rec = app.add_subcommand("recipe", "List built-in recipes, or print one (rpdata recipe c4)");
  rec->add_option("name", g_recipe, "Recipe to print");
  rec->callback([] {
    if (g_recipe.empty()) {
      for (const auto& n : exec::builtin_recipe_names()) std::printf("%s\n", n.c_str());
      return;
    }
    std::string text = exec::builtin_recipe_text(g_recipe);
    if (text.empty()) {
      std::fprintf(stderr, "rpdata: no built-in recipe '%s' (see: rpdata recipe)\n", g_recipe.c_str());
      g_exit_code = 2;
      return;
    }
    std::fputs(text.c_str(), stdout);
  });
}

}  // namespace rpdata::cli
