#include "rpdata/io/json_writer.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <algorithm>

#include "rpdata/core/error.h"

namespace rpdata::io {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// 0 = copy as is; otherwise the byte needs an escape (or is non-ASCII).
constexpr std::array<uint8_t, 256> make_ascii_table() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f) ? 1 : 0;
  return t;
}
constexpr auto kNeedsEscapeAscii = make_ascii_table();

constexpr std::array<uint8_t, 256> make_utf8_table() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = (c < 0x20 || c == '"' || c == '\\') ? 1 : 0;
  return t;
}
constexpr auto kNeedsEscapeUtf8 = make_utf8_table();

constexpr std::array<uint8_t, 256> make_jq_table() {
  auto t = make_utf8_table();
  t[0x7f] = 1;  // jq escapes DEL
  return t;
}
constexpr auto kNeedsEscapeJq = make_jq_table();

bool compact(JsonStyle style) { return style == JsonStyle::kCompact || style == JsonStyle::kJqCompact; }

void append_u16(std::string& out, uint32_t u) {
  char buf[6] = {'\\', 'u', kHex[(u >> 12) & 15], kHex[(u >> 8) & 15], kHex[(u >> 4) & 15],
                 kHex[u & 15]};
  out.append(buf, 6);
}

// Python's short escapes; everything else below 0x20 is \u00XX.
bool append_short_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"': out += "\\\""; return true;
    case '\\': out += "\\\\"; return true;
    case '\n': out += "\\n"; return true;
    case '\r': out += "\\r"; return true;
    case '\t': out += "\\t"; return true;
    case '\b': out += "\\b"; return true;
    case '\f': out += "\\f"; return true;
    default: return false;
  }
}

}  // namespace

JsonStyle parse_json_style(std::string_view name) {
  if (name == "python") return JsonStyle::kPython;
  if (name == "python_utf8") return JsonStyle::kPythonUtf8;
  if (name == "compact") return JsonStyle::kCompact;
  if (name == "jq_compact") return JsonStyle::kJqCompact;
  throw ConfigError("unknown json style '" + std::string(name) +
                    "' (expected python, python_utf8, compact or jq_compact)");
}

RecordLayout parse_record_layout(std::string_view name) {
  if (name == "text_meta") return RecordLayout::kTextMeta;
  if (name == "meta_text") return RecordLayout::kMetaText;
  if (name == "flat") return RecordLayout::kFlat;
  if (name == "flat_text_before_last") return RecordLayout::kFlatTextBeforeLast;
  throw ConfigError("unknown record layout '" + std::string(name) +
                    "' (expected text_meta, meta_text, flat or flat_text_before_last)");
}

void append_json_string(std::string& out, std::string_view s, JsonStyle style) {
  const auto& table = style == JsonStyle::kPython      ? kNeedsEscapeAscii
                      : style == JsonStyle::kJqCompact ? kNeedsEscapeJq
                                                       : kNeedsEscapeUtf8;
  out.reserve(out.size() + s.size() + 2);
  out.push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const unsigned char* run = p;
    while (p < end && !table[*p]) ++p;
    out.append(reinterpret_cast<const char*>(run), static_cast<size_t>(p - run));
    if (p == end) break;
    unsigned char c = *p;
    if (c < 0x80) {
      if (!append_short_escape(out, c)) append_u16(out, c);  // control chars and DEL
      ++p;
      continue;
    }
    // Non-ASCII in ensure_ascii mode: decode one code point. Readers only pass valid
    // UTF-8; anything else (a file name, say) becomes U+FFFD rather than being over-read.
    uint32_t cp;
    int n;
    if (c >= 0xc2 && c < 0xe0) { cp = c & 0x1f; n = 1; }
    else if (c >= 0xe0 && c < 0xf0) { cp = c & 0x0f; n = 2; }
    else if (c >= 0xf0 && c < 0xf5) { cp = c & 0x07; n = 3; }
    else { cp = 0xfffd; n = 0; }
    if (end - p <= n) { cp = 0xfffd; n = 0; }
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xc0) != 0x80) { cp = 0xfffd; n = 0; break; }
      cp = (cp << 6) | (p[i] & 0x3f);
    }
    p += n + 1;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      append_u16(out, 0xd800 | (cp >> 10));
      append_u16(out, 0xdc00 | (cp & 0x3ff));
    } else {
      append_u16(out, cp);
    }
  }
  out.push_back('"');
}

void append_python_float(std::string& out, double v) {
  if (std::isnan(v)) { out += "NaN"; return; }
  if (std::isinf(v)) { out += v > 0 ? "Infinity" : "-Infinity"; return; }
  if (v == 0) { out += std::signbit(v) ? "-0.0" : "0.0"; return; }
  // Shortest round-trip digits via scientific to_chars, then Python's repr layout:
  // scientific when exp < -4 or exp >= 16, else positional; always a '.' or exponent.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));
  bool neg = sci.front() == '-';
  if (neg) sci.remove_prefix(1);
  size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e))
    if (c != '.') digits.push_back(c);
  int exp = std::stoi(std::string(sci.substr(e + 1)));
  if (neg) out.push_back('-');
  if (exp < -4 || exp >= 16) {
    out.push_back(digits[0]);
    if (digits.size() > 1) {
      out.push_back('.');
      out.append(digits, 1);
    }
    out.push_back('e');
    out.push_back(exp < 0 ? '-' : '+');
    int a = std::abs(exp);
    if (a < 10) out.push_back('0');
    out += std::to_string(a);
  } else if (exp < 0) {
    out += "0.";
    out.append(static_cast<size_t>(-exp - 1), '0');
    out += digits;
  } else {
    size_t int_len = static_cast<size_t>(exp) + 1;
    if (digits.size() <= int_len) {
      out += digits;
      out.append(int_len - digits.size(), '0');
      out += ".0";
    } else {
      out.append(digits, 0, int_len);
      out.push_back('.');
      out.append(digits, int_len);
    }
  }
}

void append_meta_value(std::string& out, const MetaValue& v, JsonStyle style) {
  switch (v.index()) {
    case 0: out += std::get<bool>(v) ? "true" : "false"; break;
    case 1: out += std::to_string(std::get<int64_t>(v)); break;
    case 2:
      if (style == JsonStyle::kJqCompact) {
        double d = std::get<double>(v);
        if (std::isnan(d)) {
          out += "null";  // jq prints NaN as null
          break;
        }
        size_t at = out.size();
        append_python_float(out, d);
        if (out.size() - at >= 2 && out.compare(out.size() - 2, 2, ".0") == 0) out.resize(out.size() - 2);
      } else {
        append_python_float(out, std::get<double>(v));
      }
      break;
    case 3: append_json_string(out, std::get<std::string>(v), style); break;
    default: out += std::get<MetaJson>(v).json; break;
  }
}

namespace {
void append_members(std::string& out, const Meta& meta, JsonStyle style, bool first, size_t from = 0,
                    size_t to = SIZE_MAX) {
  const char* item_sep = compact(style) ? "," : ", ";
  const char* kv_sep = compact(style) ? ":" : ": ";
  const auto& entries = meta.entries();
  for (size_t i = from; i < std::min(to, entries.size()); ++i) {
    const auto& [key, value] = entries[i];
    if (!first) out += item_sep;
    first = false;
    append_json_string(out, key, style);
    out += kv_sep;
    append_meta_value(out, value, style);
  }
}
}  // namespace

void append_record(std::string& out, const Document& doc, JsonStyle style, RecordLayout layout) {
  const char* item_sep = compact(style) ? "," : ", ";
  const char* kv_sep = compact(style) ? ":" : ": ";
  auto text = [&] {
    out += "\"text\"";
    out += kv_sep;
    append_json_string(out, doc.text, style);
  };
  auto meta = [&] {
    out += "\"meta\"";
    out += kv_sep;
    out += '{';
    append_members(out, doc.meta, style, true);
    out += '}';
  };
  out += '{';
  switch (layout) {
    case RecordLayout::kTextMeta: text(); out += item_sep; meta(); break;
    case RecordLayout::kMetaText: meta(); out += item_sep; text(); break;
    case RecordLayout::kFlat: text(); append_members(out, doc.meta, style, false); break;
    case RecordLayout::kFlatTextBeforeLast: {
      size_t n = doc.meta.size();
      size_t before = n == 0 ? 0 : n - 1;
      append_members(out, doc.meta, style, true, 0, before);
      if (before > 0) out += item_sep;
      text();
      append_members(out, doc.meta, style, false, before, n);
      break;
    }
  }
  out += "}\n";
}

void JsonObject::key(std::string_view k) {
  if (!first_) out_ += ", ";
  first_ = false;
  append_json_string(out_, k, JsonStyle::kPython);
  out_ += ": ";
}

JsonObject& JsonObject::str(std::string_view k, std::string_view value) {
  key(k);
  append_json_string(out_, value, JsonStyle::kPython);
  return *this;
}

JsonObject& JsonObject::num(std::string_view k, int64_t value) {
  key(k);
  out_ += std::to_string(value);
  return *this;
}

JsonObject& JsonObject::real(std::string_view k, double value) {
  key(k);
  append_python_float(out_, value);
  return *this;
}

JsonObject& JsonObject::boolean(std::string_view k, bool value) {
  key(k);
  out_ += value ? "true" : "false";
  return *this;
}

JsonObject& JsonObject::null(std::string_view k) {
  key(k);
  out_ += "null";
  return *this;
}

JsonObject& JsonObject::counts(std::string_view k, const std::map<std::string, int64_t>& values) {
  return raw(k, json_counts(values));
}

JsonObject& JsonObject::raw(std::string_view k, std::string_view json) {
  key(k);
  out_ += json;
  return *this;
}

std::string JsonObject::done() {
  out_ += '}';
  return std::move(out_);
}

std::string json_counts(const std::map<std::string, int64_t>& values) {
  JsonObject o;
  for (const auto& [k, v] : values) o.num(k, v);
  return o.done();
}

std::string json_strings(const std::vector<std::string>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    append_json_string(out, values[i], JsonStyle::kPython);
  }
  return out + "]";
}

}  // namespace rpdata::io
