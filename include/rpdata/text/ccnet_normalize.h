// cc_net's text normalisers (cc_net/text_normalizer.py) with Python 3 string semantics:
// normalize_for_dedup() keys the paragraph/line dedup (CCN:dedup.py, spec 1.4) and normalize()
// prepares text for SentencePiece + KenLM perplexity (CCN:perplexity.py, spec 1.5).
// Unicode properties come from ICU (Unicode 15 in Debian 12; cc_net ran on an older Python
// database, so only characters assigned after that can differ). Input must be valid UTF-8.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rpdata::text {

// cc_net normalize_for_dedup(line): strip(); empty -> ""; Python lower() (full case mapping:
// U+0130 -> "i\u0307", context-sensitive final sigma); every \d (category Nd) -> '0'; deletes the
// 34 UNICODE_PUNCT keys and the control characters U+0000-U+001F, U+007F-U+009F.
// ASCII punctuation is kept. `out` is overwritten (reuse it to avoid allocations).
void normalize_for_dedup(std::string_view line, std::string& out);
std::string normalize_for_dedup(std::string_view line);

// cc_net normalize(text) with its defaults (accent=True, case=True, numbers=True, punct=1):
// strip(); empty -> ""; lower(); NFD then drop category Mn (the result stays decomposed, e.g.
// Hangul syllables become jamo); \d -> '0'; UNICODE_PUNCT keys replaced by their ASCII value
// ('—' -> " - ", '…' -> "...", '．' -> ". "); control characters deleted, which deletes '\n'
// and so glues a document's lines together with no separator.
void normalize(std::string_view text, std::string& out);
std::string normalize(std::string_view text);

// Python str.lower() on UTF-8 (full case mapping, final sigma), e.g. for RedPajama's arXiv
// language-id preprocessing.
std::string python_lower(std::string_view text);

// The replacement of a UNICODE_PUNCT key, or nullptr if `cp` is not one of the 34 keys.
const char* unicode_punct_replacement(uint32_t cp);

}  // namespace rpdata::text
