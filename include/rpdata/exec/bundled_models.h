// The small redistributable models the repository bundles (models/README.md: GPT-NeoX-20B's
// tokenizer, fastText lid.176.ftz), installed by `rpdata sample` into OUT/_models so the
// offline sample runs every stage. Each is checked against its pinned sha256.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace rpdata::exec {

struct BundledModel {
  std::string file;    // in the bundle dir (".zst": installed decompressed)
  std::string dest;    // relative to the models dir, in the layout the recipes name
  std::string sha256;  // of the installed bytes
};
const std::vector<BundledModel>& bundled_models();

// The bundle dir: $RPDATA_BUNDLED_MODELS, else the source tree's models/ this binary was
// built from.
std::filesystem::path bundled_models_dir();

// Installs every bundled model into `models` (atomically; a file already there with the
// pinned sha256 is kept). VerifyError naming the file when a bundled file is missing or its
// bytes do not match.
void install_bundled_models(const std::filesystem::path& bundle, const std::filesystem::path& models);

}  // namespace rpdata::exec
