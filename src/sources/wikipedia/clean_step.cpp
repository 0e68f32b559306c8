// The `wikipedia_clean` step (see wikipedia.h): the HF builder's cleaning and URL, and
// RedPajama's convert_format.py meta.
#include <stdexcept>

#include "rpdata/core/error.h"
#include "rpdata/sources/wikipedia/wikipedia.h"

namespace rpdata::sources::wikipedia {

CleanStep::CleanStep(std::string timestamp) : timestamp_(std::move(timestamp)) {}

const std::string& CleanStep::input_date(const std::string& id) {
  std::string_view input(id);
  input = input.substr(0, input.rfind('/'));
  if (input != date_input_) {
    date_input_ = std::string(input);
    date_ = date_from_file_name(date_input_);
    if (date_.empty())
      throw ConfigError("wikipedia_clean timestamp = \"" + std::string(kTimestampFromInput) + "\": input '" +
                        date_input_ + "' names no dump date (<lang>wiki-YYYYMMDD-...)");
  }
  return date_;
}

bool CleanStep::keep(Document& doc, std::string& reason) {
  const MetaValue* title = doc.meta.find("title");
  const MetaValue* language = doc.meta.find("language");
  const auto* t = title ? std::get_if<std::string>(title) : nullptr;
  const auto* l = language ? std::get_if<std::string>(language) : nullptr;
  if (!t || !l) {
    reason = "missing_field";
    return false;
  }
  auto it = prefixes_.find(*l);
  if (it == prefixes_.end()) it = prefixes_.emplace(*l, language_prefixes(*l)).first;
  std::string text;
  try {
    text = clean_wikitext(doc.text, it->second);
  } catch (const std::runtime_error&) {
    reason = "parser_error";  // the builder logs mwparserfromhell's ParserError and skips
    return false;
  }
  if (text.empty()) {
    reason = "empty";  // "empty-clean-examples"
    return false;
  }
  doc.text = std::move(text);
  Meta meta;
  meta.set("title", *t);
  meta.set("url", "https://" + *l + ".wikipedia.org/wiki/" + url_quote(*t));
  meta.set("language", *l);
  meta.set("timestamp", timestamp_ == kTimestampFromInput ? input_date(doc.id) : timestamp_);
  doc.meta = std::move(meta);
  return true;
}

}  // namespace rpdata::sources::wikipedia
