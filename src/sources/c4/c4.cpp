#include "rpdata/sources/c4/c4.h"

#include "rpdata/core/error.h"

namespace rpdata::sources::c4 {

C4FormatStep::C4FormatStep(const Params& params)
    : language_(params.get_string("language", "en")),
      source_(params.get_string("source", "c4")) {}

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

std::string output_stem(const std::string& input_name) {
  std::string stem = input_name;
  for (const char* ext : {".gz", ".zst", ".bz2", ".xz"}) {
    std::string e(ext);
    if (stem.size() > e.size() && stem.compare(stem.size() - e.size(), e.size(), e) == 0) {
      stem.resize(stem.size() - e.size());
      break;
    }
  }
  for (const char* ext : {".jsonl", ".json"}) {
    std::string e(ext);
    if (stem.size() > e.size() && stem.compare(stem.size() - e.size(), e.size(), e) == 0) {
      stem.resize(stem.size() - e.size());
      break;
    }
  }
  return stem;
}

}  // namespace rpdata::sources::c4
