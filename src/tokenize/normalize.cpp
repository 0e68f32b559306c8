#include "normalize.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uniset.h>
#include <unicode/unistr.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "rpdata/core/error.h"

namespace rpdata::tokenize::detail {
namespace {

// The reference's NFC is that of the Rust crate unicode-normalization-alignments 0.1.12,
// whose tables are Unicode 9.0: characters assigned later are starters without
// decompositions or compositions there. ICU's NFC restricted to the characters assigned by
// Unicode 9.0 ([:Age=9.0:] is "age <= 9.0") is the same function, since normalization data
// of assigned characters is stable: text outside the set is left as is and separates the
// spans that are normalised, exactly like a Unicode 9.0 starter.
const icu::Normalizer2& nfc_instance() {
  static const icu::Normalizer2* n = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
    auto* unicode9 = new icu::UnicodeSet(UNICODE_STRING_SIMPLE("[:Age=9.0:]"), status);
    if (U_FAILURE(status) || nfc == nullptr) {
      throw ConfigError(std::string("ICU NFC normalizer unavailable: ") + u_errorName(status));
    }
    unicode9->freeze();
    return new icu::FilteredNormalizer2(*nfc, *unicode9);  // process-wide, never freed
  }();
  return *n;
}

// Bit c (c < 0x10000): a text made only of such characters (and ASCII) is in NFC under
// nfc_instance(). These are the characters whose NFC quick check is YES with canonical
// combining class 0 (or that are outside Unicode 9.0, which the filter leaves alone), so
// no composition, decomposition or reordering can involve them.
const std::vector<uint64_t>& nfc_inert_bmp() {
  static const std::vector<uint64_t> bits = [] {
    const icu::Normalizer2& n = nfc_instance();
    std::vector<uint64_t> b(0x10000 / 64, 0);
    for (UChar32 c = 0; c < 0x10000; ++c) {
      if (c >= 0xD800 && c <= 0xDFFF) continue;  // surrogates: not valid UTF-8
      UErrorCode status = U_ZERO_ERROR;
      const bool yes = n.getCombiningClass(c) == 0 &&
                       n.quickCheck(icu::UnicodeString(c), status) == UNORM_YES && U_SUCCESS(status);
      if (yes) b[static_cast<size_t>(c) >> 6] |= uint64_t{1} << (c & 63);
    }
    return b;
  }();
  return bits;
}

// True when `in` is valid UTF-8 of ASCII and nfc_inert_bmp() characters only (then it is its
// own NFC); false means "ask ICU", not "not normalised".
bool quick_nfc_yes(std::string_view in) {
  const auto* p = reinterpret_cast<const uint8_t*>(in.data());
  const size_t n = in.size();
  const std::vector<uint64_t>* bits = nullptr;
  size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if ((w & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    const uint8_t b = p[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    uint32_t cp;
    if (b >= 0xC2 && b <= 0xDF && i + 1 < n && (p[i + 1] & 0xC0) == 0x80) {
      cp = (uint32_t{b} & 0x1F) << 6 | (p[i + 1] & 0x3F);
      i += 2;
    } else if (b >= 0xE0 && b <= 0xEF && i + 2 < n && (p[i + 1] & 0xC0) == 0x80 && (p[i + 2] & 0xC0) == 0x80) {
      cp = (uint32_t{b} & 0x0F) << 12 | (uint32_t{p[i + 1]} & 0x3F) << 6 | (p[i + 2] & 0x3F);
      if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
      i += 3;
    } else {
      return false;  // 4-byte sequences and ill-formed input: ICU decides
    }
    if (!bits) bits = &nfc_inert_bmp();
    if (!(((*bits)[cp >> 6] >> (cp & 63)) & 1)) return false;
  }
  return true;
}

}  // namespace

bool is_ascii(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  uint64_t acc = 0;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    acc |= w;
  }
  for (; n > 0; ++p, --n) acc |= static_cast<uint8_t>(*p);
  return (acc & 0x8080808080808080ull) == 0;
}

std::string_view nfc(std::string_view in, std::string& buf) {
  if (quick_nfc_yes(in)) return in;
  const icu::Normalizer2& n = nfc_instance();
  UErrorCode status = U_ZERO_ERROR;
  const icu::StringPiece piece(in.data(), static_cast<int32_t>(in.size()));
  if (n.isNormalizedUTF8(piece, status) && U_SUCCESS(status)) return in;
  status = U_ZERO_ERROR;
  buf.clear();
  icu::StringByteSink<std::string> sink(&buf, static_cast<int32_t>(in.size()));
  n.normalizeUTF8(0, piece, sink, nullptr, status);
  if (U_FAILURE(status)) return in;  // cannot happen for valid UTF-8; keep the text as is
  return buf;
}

}  // namespace rpdata::tokenize::detail
