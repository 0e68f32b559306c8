// Fuzz target: GPT-NeoX-20B token counting (tokenize/neox_bpe.cpp and its pre-tokenizer) on
// arbitrary bytes. The model is the real tokenizer.json, found as every rpdata command finds
// it (model_search_dirs: $RPDATA_MODELS, then ~/.cache/rpdata/models); without it the target
// aborts rather than pass vacuously. Valid UTF-8 (what documents hold) is counted and encoded,
// and the two must agree; other bytes are counted only, which must not crash either.
#include <cstdio>
#include <cstdlib>

#include "fuzz_support.h"
#include "rpdata/tokenize/models.h"

namespace {

rpdata::tokenize::Tokenizer& tokenizer() {
  static std::unique_ptr<rpdata::tokenize::Tokenizer> tok = [] {
    try {
      return rpdata::tokenize::load_model("neox")->make_tokenizer();
    } catch (const rpdata::Error& e) {
      std::fprintf(stderr, "neox_tokenizer_fuzz: %s (set RPDATA_MODELS to ../shared/realdata/models)\n",
                   e.what());
      std::abort();
    }
  }();
  return *tok;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = rpdata::fuzz::as_view(data, size);
  rpdata::tokenize::Tokenizer& tok = tokenizer();
  if (!rpdata::text::is_valid_utf8(text)) {
    tok.count(text);
    return 0;
  }
  int64_t n = tok.count(text);
  std::vector<int32_t> ids;
  tok.encode(text, ids);
  if (n != static_cast<int64_t>(ids.size())) {
    std::fprintf(stderr, "neox_tokenizer_fuzz: count %lld != encode %zu\n", static_cast<long long>(n), ids.size());
    std::abort();
  }
  return 0;
}
