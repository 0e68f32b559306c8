#include "rpdata/exec/bundled_models.h"

#include <cstdlib>

#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/hash.h"
#include "rpdata/io/input_stream.h"

#ifndef RPDATA_BUNDLED_MODELS_DIR
#error "RPDATA_BUNDLED_MODELS_DIR must name the source tree's models/ (CMakeLists.txt sets it)"
#endif

namespace rpdata::exec {
namespace fs = std::filesystem;

const std::vector<BundledModel>& bundled_models() {
  // Provenance and licences: models/README.md and the NOTICE files beside each model.
  static const std::vector<BundledModel> kModels = {
      {"gpt-neox-20b/tokenizer.json.zst", "gpt-neox-20b/tokenizer.json",
       "56ac4821e129d2c520fdaba60abd920fa852ada51b45c0dd52bbb6bd8c985ade"},
      {"fasttext/lid.176.ftz", "fasttext/lid.176.ftz",
       "8f3472cfe8738a7b6099e8e999c3cbfae0dcd15696aac7d7738a8039db603e83"},
  };
  return kModels;
}

fs::path bundled_models_dir() {
  if (const char* env = std::getenv("RPDATA_BUNDLED_MODELS"); env && *env) return env;
  return RPDATA_BUNDLED_MODELS_DIR;
}

void install_bundled_models(const fs::path& bundle, const fs::path& models) {
  for (const auto& m : bundled_models()) {
    fs::path dest = models / m.dest;
    if (fs::exists(dest) && io::file_sha256_hex(dest) == m.sha256) continue;
    fs::path from = bundle / m.file;
    if (!fs::exists(from))
      throw VerifyError("bundled model missing (the repository's models/ folder; set RPDATA_BUNDLED_MODELS to "
                        "where it is)",
                        from.string());
    std::string bytes;
    if (from.extension() == ".zst") {
      auto in = io::InputStream::open(from);
      char buf[1 << 16];
      while (size_t n = in->read(buf, sizeof(buf))) bytes.append(buf, n);
    } else {
      bytes = io::read_file(from);
    }
    if (io::sha256_hex(bytes) != m.sha256)
      throw VerifyError("bundled model does not match its pinned sha256 " + m.sha256, from.string());
    io::write_file_atomic(dest, bytes);
  }
}

}  // namespace rpdata::exec
