// Fuzz target: recipe TOML (exec/recipe.cpp parse_recipe) and what `rpdata run`/`plan` do
// with a parsed recipe before any work: validate_recipe (settings, every step and reader
// built from its keys; model files not checked).
#include "fuzz_support.h"
#include "rpdata/exec/recipe.h"
#include "rpdata/exec/runner.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(rpdata::fuzz::as_view(data, size));
  try {
    rpdata::exec::Recipe recipe = rpdata::exec::parse_recipe(text, "fuzz.toml");
    rpdata::exec::validate_recipe(recipe, false);
  } catch (const rpdata::Error&) {
  }
  return 0;
}
