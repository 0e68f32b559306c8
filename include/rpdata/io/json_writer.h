// JSON serialisation of Documents into the RedPajama record layouts. The "python" style is
// byte-identical to Python's json.dumps defaults (ensure_ascii=True, ", " and ": "
// separators, float repr), which is how RedPajama wrote C4, GitHub, ArXiv, Wikipedia and
// StackExchange, so our shards can be diffed against the published files.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rpdata/core/document.h"

namespace rpdata::io {

enum class JsonStyle {
  kPython,      // json.dumps(x): \uXXXX escapes for non-ASCII, ", " and ": "
  kPythonUtf8,  // json.dumps(x, ensure_ascii=False): raw UTF-8, ", " and ": " (cc_net files)
  kCompact,     // raw UTF-8, no spaces
  // jq 1.6 `jq -c` output (how RedPajama's cc_classifier.sh rewrote the CC records): raw
  // UTF-8, no spaces, DEL as \u007f, integral floats without ".0" ("1", "0").
  kJqCompact,
};

enum class RecordLayout {
  kTextMeta,  // {"text": ..., "meta": {...}}            (C4, GitHub, ArXiv, Wiki, SE)
  kMetaText,  // {"meta": {...}, "text": ...}            (Books, book.jsonl)
  kFlat,      // {"text": ..., <meta keys at top level>} (CommonCrawl classifier output)
  // {<meta keys but the last>, "text": ..., <last meta key>}: classify.py's key order
  // {pred_label, pred_label_prob, wiki_prob, text, source} (published CC slice).
  kFlatTextBeforeLast,
};

JsonStyle parse_json_style(std::string_view name);        // "python" | "python_utf8" | "compact" | "jq_compact"
RecordLayout parse_record_layout(std::string_view name);  // "text_meta" | "meta_text" | "flat" |
                                                          // "flat_text_before_last"

// Appends `s` (valid UTF-8) as a JSON string literal in `style`.
void append_json_string(std::string& out, std::string_view s, JsonStyle style);
// Appends a double as Python's repr() does ("1e-05", "0.25", "1e+16", "2.0", "NaN").
void append_python_float(std::string& out, double v);
void append_meta_value(std::string& out, const MetaValue& v, JsonStyle style);
// Appends one record and a trailing '\n'.
void append_record(std::string& out, const Document& doc, JsonStyle style, RecordLayout layout);

// Builds one JSON object (Python json.dumps layout) for manifests, markers and reports:
//   JsonObject o; o.str("path", p).num("docs", n).counts("tokens", m); std::string s = o.done();
class JsonObject {
 public:
  JsonObject& str(std::string_view key, std::string_view value);
  JsonObject& num(std::string_view key, int64_t value);
  JsonObject& real(std::string_view key, double value);  // Python float repr
  JsonObject& boolean(std::string_view key, bool value);
  JsonObject& null(std::string_view key);
  JsonObject& counts(std::string_view key, const std::map<std::string, int64_t>& values);
  JsonObject& raw(std::string_view key, std::string_view json);  // an already-encoded value
  // The object text ("{...}"); the builder is spent afterwards.
  std::string done();

 private:
  void key(std::string_view k);
  std::string out_ = "{";
  bool first_ = true;
};

// {"a": 1, "b": 2} from an ordered map.
std::string json_counts(const std::map<std::string, int64_t>& values);
// ["a", "b"] (Python json.dumps layout).
std::string json_strings(const std::vector<std::string>& values);

}  // namespace rpdata::io
