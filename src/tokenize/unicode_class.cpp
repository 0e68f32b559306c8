#include "unicode_class.h"

#include <unicode/uchar.h>

#include <cstring>
#include <map>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace rpdata::tokenize::detail {
namespace {

CharClass icu_class(UChar32 cp) {
  // Oniguruma's \s in Unicode mode is the White_Space property.
  if (u_isUWhiteSpace(cp)) return CharClass::kSpace;
  switch (u_charType(cp)) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
      return CharClass::kLetter;
    case U_DECIMAL_DIGIT_NUMBER:
    case U_LETTER_NUMBER:
    case U_OTHER_NUMBER:
      return CharClass::kNumber;
    default:
      return CharClass::kOther;
  }
}

}  // namespace

CharClassTable::CharClassTable() {
  for (uint32_t cp = 0; cp < 0x80; ++cp) ascii_[cp] = static_cast<uint8_t>(icu_class(cp));
  // Deduplicate the 256-entry blocks: most of the 0x1100 are all "other" (unassigned).
  std::map<uint64_t, uint16_t> seen;  // XXH3 of a block's contents -> block number
  uint8_t block[256];
  for (uint32_t hi = 0; hi < 0x1100; ++hi) {
    for (uint32_t lo = 0; lo < 256; ++lo) {
      block[lo] = static_cast<uint8_t>(icu_class(static_cast<UChar32>((hi << 8) | lo)));
    }
    const uint64_t h = XXH3_64bits(block, sizeof(block));
    auto it = seen.find(h);
    if (it == seen.end() ||
        std::memcmp(blocks_.data() + size_t{it->second} * 256, block, sizeof(block)) != 0) {
      const auto number = static_cast<uint16_t>(blocks_.size() / 256);
      blocks_.insert(blocks_.end(), block, block + sizeof(block));
      it = seen.insert_or_assign(h, number).first;
    }
    stage1_[hi] = it->second;
  }
}

const CharClassTable& char_classes() {
  static const CharClassTable table;
  return table;
}

}  // namespace rpdata::tokenize::detail
