#include "rpdata/sources/c4/c4.h"

#include "rpdata/core/error.h"

namespace rpdata::sources::c4 {

C4FormatStep::C4FormatStep(std::string language, std::string source)
    : language_(std::move(language)), source_(std::move(source)) {}

bool C4FormatStep::keep(Document& doc, std::string& reason) {
  const MetaValue* ts = doc.meta.find("timestamp");
  const MetaValue* url = doc.meta.find("url");
  if (!ts || !url) {
    reason = "missing_field";
    return false;
  }
  Meta meta;
  meta.set("timestamp", *ts);
  meta.set("url", *url);
  meta.set("language", language_);
  meta.set("source", source_);
  doc.meta = std::move(meta);
  return true;
}

}  // namespace rpdata::sources::c4
