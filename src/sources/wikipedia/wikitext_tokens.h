// Internal to the Wikipedia source: the token stream of the wikitext tokenizer, the same
// tokens mwparserfromhell's tokenizer emits (parser/tokens.py), consumed by the builder.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rpdata::sources::wikipedia::detail {

enum class T : uint8_t {
  Text,
  TemplateOpen, TemplateParamSeparator, TemplateParamEquals, TemplateClose,
  ArgumentOpen, ArgumentSeparator, ArgumentClose,
  WikilinkOpen, WikilinkSeparator, WikilinkClose,
  ExternalLinkOpen, ExternalLinkSeparator, ExternalLinkClose,
  HTMLEntityStart, HTMLEntityNumeric, HTMLEntityHex, HTMLEntityEnd,
  HeadingStart, HeadingEnd,
  CommentStart, CommentEnd,
  TagOpenOpen, TagAttrStart, TagAttrEquals, TagAttrQuote, TagCloseOpen, TagCloseSelfclose,
  TagOpenClose, TagCloseClose,
};

struct Tok {
  T t = T::Text;
  bool flag = false;  // ExternalLinkOpen: brackets; TagOpenOpen: invalid; TagCloseSelfclose: implicit
  int level = 0;      // HeadingStart
  std::string text;   // Text: the text; TagOpenOpen: wiki markup ("" for HTML tags)
};

using Tokens = std::vector<Tok>;

// mwparserfromhell's Tokenizer.tokenize(text) (pure-Python semantics: the text is split at
// marker characters and parsed with the same contexts, bad-route memo and MAX_DEPTH = 40).
// Throws std::runtime_error only on internal inconsistency (mwparserfromhell's ParserError).
Tokens tokenize(std::string_view text);

// True for characters Python's \w does not match (used for free-link scheme detection).
bool is_non_word(uint32_t cp);

}  // namespace rpdata::sources::wikipedia::detail
