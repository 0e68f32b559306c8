// `rpdata steps`: every type a recipe can name (step types, input formats, download shapes,
// checksum kinds, selections) with its keys; `rpdata recipe`: built-in recipes, and
// `--explain`: a recipe with every key its types read.
#include <cstdio>

#include "common.h"
#include "rpdata/dedup/kind.h"
#include "rpdata/exec/plan_estimate.h"
#include "rpdata/exec/recipe.h"

namespace rpdata::cli {
namespace {
std::string g_recipe;
std::string g_type;
bool g_explain = false;

void print_keys(const Keys& keys) {
  for (const auto& k : keys)
    std::printf("      %-22s %-38s %s\n", k.name.c_str(), k.summary().c_str(), k.doc.c_str());
}

// One registry's types; `shown` counts the types printed (a name given filters them).
template <class Types, class Label>
void print_types(const char* title, const Types& types, Label label, int& shown) {
  bool header = false;
  for (const auto& t : types) {
    if (!g_type.empty() && t.name != g_type) continue;
    if (!header) std::printf("%s\n", title);
    header = true;
    ++shown;
    std::printf("  %-22s %s\n", label(t).c_str(), t.description.c_str());
    print_keys(t.keys);
  }
}

void print_section(const char* name, const Keys& keys, int& shown) {
  if (!g_type.empty() && g_type != name) return;
  ++shown;
  std::printf("[%s] keys (besides those of the types it names):\n", name);
  print_keys(keys);
}

}  // namespace

void register_steps(CLI::App& app) {
  auto* cmd = app.add_subcommand("steps",
                                 "List what recipes can use, with each type's keys: step types ([[steps]] type), "
                                 "input formats ([read] format), download shapes, checksum kinds and selections "
                                 "([download]), dedup kinds ([dedup]), and the keys every recipe has");
  cmd->add_option("name", g_type, "Show only this type (e.g. jsonl, sha256sums, exact) or section (download, "
                                  "read, dedup, output, plan)");
  cmd->callback([] {
    const Registries& r = exec::registries();
    int shown = 0;
    auto by_name = [](const auto& t) { return t.name; };
    print_types("step types ([[steps]] type = ...):", r.steps.types(), by_name, shown);
    print_types("input formats ([read] format = ...):", r.readers.types(), by_name, shown);
    print_types("input shapes ([download], chosen by the keys shown; pattern yields to the others):",
                r.planners.types(),
                [](const download::PlannerType& t) {
                  std::string keys;
                  for (const auto& k : t.triggers) keys += (keys.empty() ? "" : " | ") + k;
                  return keys;
                },
                shown);
    print_types("checksum kinds ([download] checksums = ...):", r.checksums.types(), by_name, shown);
    print_types("input selections ([download] select_by = ...):", r.selectors.types(), by_name, shown);
    print_types("dedup kinds ([dedup] kind = ...):", r.dedup_kinds.types(), by_name, shown);
    print_section("download", exec::run_download_keys(), shown);
    print_section("read", exec::run_read_keys(), shown);
    print_section("dedup", dedup::dedup_keys(), shown);
    print_section("output", exec::run_output_keys(), shown);
    print_section("plan", exec::plan_keys(), shown);
    if (shown == 0) {
      std::fprintf(stderr, "rpdata: no type or section '%s' (see: rpdata steps)\n", g_type.c_str());
      g_exit_code = 2;
    }
  });
  auto* rec = app.add_subcommand("recipe", "List built-in recipes, print one (rpdata recipe c4), or explain one: "
                                           "every key its types read, with value and doc (rpdata recipe c4 --explain)");
  rec->add_option("name", g_recipe, "Recipe to print: a built-in name, or with --explain also a .toml path");
  rec->add_flag("--explain", g_explain, "Print every key the recipe's types read: its value (or default) and doc");
  rec->callback([] {
    if (g_recipe.empty()) {
      for (const auto& n : exec::builtin_recipe_names()) std::printf("%s\n", n.c_str());
      return;
    }
    if (g_explain) {
      std::fputs(exec::explain_recipe(exec::load_recipe(g_recipe)).c_str(), stdout);
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
