// Temporary: replaced by the GPT-NeoX BPE implementation.
#include "rpdata/core/error.h"
#include "rpdata/tokenize/neox_bpe.h"
namespace rpdata::tokenize {
std::shared_ptr<const TokenizerModel> load_hf_bpe(const std::filesystem::path& p, std::string) {
  throw ConfigError("GPT-NeoX BPE not built yet", p.string());
}
}  // namespace rpdata::tokenize
