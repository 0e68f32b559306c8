// Wikitext -> plain text as the Hugging Face `wikipedia` builder produced it for
// RedPajama-Data-1T (spec §6): mwparserfromhell's parse + strip_code after removing
// File/Image/Media links (with each language's namespace aliases), keeping category links'
// text without the prefix, dropping <ref> and <table> elements, per flat section, magic
// words __X__ deleted, sections joined by a blank line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rpdata::sources::wikipedia {

// The namespace prefixes the builder matched (case-insensitively, at the start of a link
// title, followed by ':'): File/Image/Media and Category plus the language's aliases
// (the builder's MEDIA_ALIASES / CAT_ALIASES tables, accessed 21 December 2021).
struct LanguagePrefixes {
  std::vector<std::string> media;
  std::vector<std::string> category;
};
LanguagePrefixes language_prefixes(std::string_view language);

// The builder's _parse_and_clean_wikicode(raw, mwparserfromhell, language). Returns "" for
// pages whose text is empty after cleaning (the builder drops them). Throws
// std::runtime_error where mwparserfromhell would raise ParserError (the builder drops
// those pages too).
std::string clean_wikitext(std::string_view raw, const LanguagePrefixes& prefixes);

}  // namespace rpdata::sources::wikipedia
