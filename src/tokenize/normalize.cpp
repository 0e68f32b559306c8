#include "normalize.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uniset.h>

#include <cstdint>
#include <cstring>

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
  if (is_ascii(in)) return in;
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
