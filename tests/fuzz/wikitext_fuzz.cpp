// Fuzz target: wikitext cleaning (sources/wikipedia/wikitext.cpp and its tokenizer) through
// the wikipedia_clean step, on one page's text. The first byte picks the page's language
// (its File/Category prefix aliases); the rest is the wikitext, which the dump reader only
// ever hands on as valid UTF-8 (other inputs are skipped).
#include <array>

#include "fuzz_support.h"
#include "rpdata/core/params.h"
#include "rpdata/sources/wikipedia/wikipedia.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::array<const char*, 6> kLanguages = {"en", "bg", "uk", "de", "ja", "ru"};
  if (size == 0) return 0;
  std::string_view text = rpdata::fuzz::as_view(data + 1, size - 1);
  if (!rpdata::text::is_valid_utf8(text)) return 0;
  static rpdata::sources::wikipedia::CleanStep clean{"20230320"};
  rpdata::Batch batch;
  rpdata::Document& doc = batch.docs.emplace_back();
  doc.id = "fuzz/0";
  doc.text = std::string(text);
  doc.source = "wikipedia";
  doc.meta.set("title", "Fuzz");
  doc.meta.set("language", kLanguages[data[0] % kLanguages.size()]);
  clean.process(batch);
  for (const rpdata::Document& kept : batch.docs) rpdata::fuzz::require_utf8(kept);
  return 0;
}
