#include "rpdata/text/ccnet_normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

#include <algorithm>
#include <vector>

#include "rpdata/core/error.h"
#include "rpdata/text/utf8.h"

namespace rpdata::text {
namespace {

// Decodes UTF-8 into code points. Ill-formed bytes (the contract says they never come) decode
// as U+FFFD one byte at a time so the functions stay total.
void decode(std::string_view s, std::vector<uint32_t>& out) {
  out.clear();
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) { out.push_back(c); ++p; continue; }
    int n;
    uint32_t cp, min;
    if ((c & 0xe0) == 0xc0) { n = 1; cp = c & 0x1f; min = 0x80; }
    else if ((c & 0xf0) == 0xe0) { n = 2; cp = c & 0x0f; min = 0x800; }
    else if ((c & 0xf8) == 0xf0) { n = 3; cp = c & 0x07; min = 0x10000; }
    else { out.push_back(0xFFFD); ++p; continue; }
    bool ok = end - p > n;
    for (int i = 1; ok && i <= n; ++i) {
      if ((p[i] & 0xc0) != 0x80) ok = false;
      else cp = (cp << 6) | (p[i] & 0x3f);
    }
    if (!ok || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      out.push_back(0xFFFD);
      ++p;
      continue;
    }
    out.push_back(cp);
    p += n + 1;
  }
}

bool is_control(uint32_t c) { return c < 0x20 || (c >= 0x7f && c < 0xa0); }

bool is_decimal_digit(uint32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  return u_charType(static_cast<UChar32>(c)) == U_DECIMAL_DIGIT_NUMBER;
}

bool is_cased(uint32_t c) { return u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_CASED); }
bool is_case_ignorable(uint32_t c) {
  return u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_CASE_IGNORABLE);
}

// CPython's handle_capital_sigma: U+03A3 lowers to final sigma U+03C2 when preceded by a cased
// letter and not followed by one (case-ignorable characters skipped on both sides).
uint32_t lower_sigma(const std::vector<uint32_t>& s, size_t begin, size_t end, size_t i) {
  size_t j = i;
  uint32_t c = 0;
  bool found = false;
  while (j > begin) {
    c = s[--j];
    if (!is_case_ignorable(c)) { found = true; break; }
  }
  bool final_sigma = found && is_cased(c);
  if (final_sigma) {
    for (j = i + 1; j < end; ++j) {
      c = s[j];
      if (!is_case_ignorable(c)) break;
    }
    final_sigma = j == end || !is_cased(c);
  }
  return final_sigma ? 0x3C2 : 0x3C3;
}

// Python str.lower() of s[begin, end) appended to `out` as code points.
void py_lower(const std::vector<uint32_t>& s, size_t begin, size_t end, std::vector<uint32_t>& out) {
  out.clear();
  for (size_t i = begin; i < end; ++i) {
    uint32_t c = s[i];
    if (c < 0x80) {
      out.push_back(c >= 'A' && c <= 'Z' ? c + 32 : c);
    } else if (c == 0x130) {  // the one unconditional multi-code-point lowercase mapping
      out.push_back('i');
      out.push_back(0x307);
    } else if (c == 0x3A3) {
      out.push_back(lower_sigma(s, begin, end, i));
    } else {
      out.push_back(static_cast<uint32_t>(u_tolower(static_cast<UChar32>(c))));
    }
  }
}

// [begin, end) of `s` after Python str.strip().
void py_strip(const std::vector<uint32_t>& s, size_t& begin, size_t& end) {
  begin = 0;
  end = s.size();
  while (begin < end && is_python_space(s[begin])) ++begin;
  while (end > begin && is_python_space(s[end - 1])) --end;
}

// Trims Python whitespace when the string is ASCII; returns false if non-ASCII is present.
bool ascii_strip(std::string_view s, std::string_view& out) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  size_t b = 0, e = s.size();
  while (b < e && is_python_space(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && is_python_space(static_cast<unsigned char>(s[e - 1]))) --e;
  out = s.substr(b, e - b);
  return true;
}

struct Scratch {
  std::vector<uint32_t> cps;
  std::vector<uint32_t> lowered;
  std::vector<uint32_t> decomposed;
};

const icu::Normalizer2& nfd_instance() {
  static const icu::Normalizer2* nfd = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFDInstance(status);
    if (U_FAILURE(status)) throw Error(std::string("ICU NFD unavailable: ") + u_errorName(status));
    return n;
  }();
  return *nfd;
}

// Unicode canonical ordering: stable sort of each maximal run of combining class != 0.
void canonical_order(std::vector<uint32_t>& s) {
  size_t i = 0;
  while (i < s.size()) {
    if (u_getCombiningClass(static_cast<UChar32>(s[i])) == 0) { ++i; continue; }
    size_t j = i + 1;
    while (j < s.size() && u_getCombiningClass(static_cast<UChar32>(s[j])) != 0) ++j;
    if (j - i > 1)
      std::stable_sort(s.begin() + static_cast<std::ptrdiff_t>(i), s.begin() + static_cast<std::ptrdiff_t>(j),
                       [](uint32_t a, uint32_t b) {
                         return u_getCombiningClass(static_cast<UChar32>(a)) <
                                u_getCombiningClass(static_cast<UChar32>(b));
                       });
    i = j;
  }
}

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

}  // namespace


const char* unicode_punct_replacement(uint32_t cp) {
  switch (cp) {
    case 0xFF0C: return ",";      // ，
    case 0x3002: return ".";      // 。
    case 0x3001: return ",";      // 、
    case 0x201E: return "\"";     // „
    case 0x201D: return "\"";     // ”
    case 0x201C: return "\"";     // “
    case 0x00AB: return "\"";     // «
    case 0x00BB: return "\"";     // »
    case 0xFF11: return "\"";     // １ (cc_net's table says so; \d turns it into '0' first)
    case 0x300D: return "\"";     // 」
    case 0x300C: return "\"";     // 「
    case 0x300A: return "\"";     // 《
    case 0x300B: return "\"";     // 》
    case 0x00B4: return "'";      // ´
    case 0x2236: return ":";      // ∶
    case 0xFF1A: return ":";      // ：
    case 0xFF1F: return "?";      // ？
    case 0xFF01: return "!";      // ！
    case 0xFF08: return "(";      // （
    case 0xFF09: return ")";      // ）
    case 0xFF1B: return ";";      // ；
    case 0x2013: return "-";      // –
    case 0x2014: return " - ";    // —
    case 0xFF0E: return ". ";     // ．
    case 0xFF5E: return "~";      // ～
    case 0x2019: return "'";      // ’
    case 0x2026: return "...";    // …
    case 0x2501: return "-";      // ━
    case 0x3008: return "<";      // 〈
    case 0x3009: return ">";      // 〉
    case 0x3010: return "[";      // 【
    case 0x3011: return "]";      // 】
    case 0xFF05: return "%";      // ％
    case 0x25BA: return "-";      // ►
    default: return nullptr;
  }
}

namespace {
// Both normalisers agree on stripped ASCII: lower case, digits to 0, controls deleted (no
// UNICODE_PUNCT key is ASCII; NFD and Mn removal are no-ops on ASCII).
void normalize_ascii(std::string_view ascii, std::string& out) {
  out.reserve(ascii.size());
  for (char ch : ascii) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) continue;
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c + 32);
    else if (c >= '0' && c <= '9') c = '0';
    out.push_back(static_cast<char>(c));
  }
}
}  // namespace

namespace {

constexpr uint32_t kDrop = UINT32_MAX;

// What normalize_for_dedup appends for an already lowercased code point: '0' for a decimal
// digit, nothing (kDrop) for a control or punctuation character, else the code point.
uint32_t dedup_keep(uint32_t lowered) {
  if (is_decimal_digit(lowered)) return '0';
  if (is_control(lowered) || unicode_punct_replacement(lowered) != nullptr) return kDrop;
  return lowered;
}

// dedup_keep(lowercase(c)) for every BMP code point, computed once per process. U+0130 and
// U+03A3 are not looked up here: their lowercase is two code points or depends on the context.
const std::vector<uint32_t>& dedup_bmp() {
  static const std::vector<uint32_t> table = [] {
    std::vector<uint32_t> t(0x10000);
    for (uint32_t c = 0; c < t.size(); ++c) {
      const uint32_t lowered = c < 0x80 ? (c >= 'A' && c <= 'Z' ? c + 32 : c)
                                        : static_cast<uint32_t>(u_tolower(static_cast<UChar32>(c)));
      t[c] = dedup_keep(lowered);
    }
    return t;
  }();
  return table;
}

}  // namespace

void normalize_for_dedup(std::string_view line, std::string& out) {
  out.clear();
  std::string_view ascii;
  if (ascii_strip(line, ascii)) return normalize_ascii(ascii, out);
  Scratch& sc = scratch();
  decode(line, sc.cps);
  size_t b, e;
  py_strip(sc.cps, b, e);
  if (b == e) return;
  // py_lower, then the digit / control / punctuation rules, one code point at a time.
  const std::vector<uint32_t>& bmp = dedup_bmp();
  out.reserve(line.size());
  auto keep = [&](uint32_t lowered) {
    if (const uint32_t k = dedup_keep(lowered); k != kDrop) append_utf8(out, k);
  };
  for (size_t i = b; i < e; ++i) {
    const uint32_t c = sc.cps[i];
    if (c < bmp.size() && c != 0x130 && c != 0x3A3) {
      if (bmp[c] != kDrop) append_utf8(out, bmp[c]);
    } else if (c == 0x130) {  // the one unconditional multi-code-point lowercase mapping
      keep('i');
      keep(0x307);
    } else if (c == 0x3A3) {
      keep(lower_sigma(sc.cps, b, e, i));
    } else {
      keep(static_cast<uint32_t>(u_tolower(static_cast<UChar32>(c))));
    }
  }
}

std::string normalize_for_dedup(std::string_view line) {
  std::string out;
  normalize_for_dedup(line, out);
  return out;
}

void normalize(std::string_view text, std::string& out) {
  out.clear();
  std::string_view ascii;
  if (ascii_strip(text, ascii)) return normalize_ascii(ascii, out);
  Scratch& sc = scratch();
  decode(text, sc.cps);
  size_t b, e;
  py_strip(sc.cps, b, e);
  if (b == e) return;
  py_lower(sc.cps, b, e, sc.lowered);

  // NFD without a UTF-16 round trip: each code point's full canonical decomposition (ICU's
  // getDecomposition, equal to normalising it alone), then canonical ordering (stable sort by
  // combining class) of every run of non-starters, which is what NFD does across characters.
  const icu::Normalizer2& nfd = nfd_instance();
  std::vector<uint32_t>& d = sc.decomposed;
  d.clear();
  bool maybe_unordered = false;
  icu::UnicodeString tmp;
  for (uint32_t c : sc.lowered) {
    if (c < 0xC0 || nfd.isInert(static_cast<UChar32>(c))) {
      d.push_back(c);
      continue;
    }
    maybe_unordered = true;
    if (nfd.getDecomposition(static_cast<UChar32>(c), tmp)) {
      for (int32_t i = 0; i < tmp.length();) {
        UChar32 x = tmp.char32At(i);
        i += U16_LENGTH(x);
        d.push_back(static_cast<uint32_t>(x));
      }
    } else {
      d.push_back(c);
    }
  }
  if (maybe_unordered) canonical_order(d);

  out.reserve(text.size());
  for (uint32_t cp : d) {
    if (cp < 0x80) {
      if (cp < 0x20 || cp == 0x7f) continue;
      out.push_back(cp >= '0' && cp <= '9' ? '0' : static_cast<char>(cp));
      continue;
    }
    int8_t type = u_charType(static_cast<UChar32>(cp));
    if (type == U_NON_SPACING_MARK) continue;
    if (type == U_DECIMAL_DIGIT_NUMBER) { out.push_back('0'); continue; }
    if (const char* rep = unicode_punct_replacement(cp)) { out += rep; continue; }
    if (is_control(cp)) continue;
    append_utf8(out, cp);
  }
}

std::string normalize(std::string_view text) {
  std::string out;
  normalize(text, out);
  return out;
}

std::string python_lower(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool ascii = true;
  for (char ch : text) ascii = ascii && static_cast<unsigned char>(ch) < 0x80;
  if (ascii) {
    for (char ch : text) out.push_back(ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch + 32) : ch);
    return out;
  }
  Scratch& sc = scratch();
  decode(text, sc.cps);
  py_lower(sc.cps, 0, sc.cps.size(), sc.lowered);
  for (uint32_t c : sc.lowered) append_utf8(out, c);
  return out;
}

}  // namespace rpdata::text
