// Unicode NFC normalisation with ICU as the Hugging Face `tokenizers` "NFC" normalizer does it
// (GPT-NeoX-20B's tokenizer.json applies it before pre-tokenisation): with Unicode 9.0 data,
// the version of its Rust normalisation crate. Already-NFC text (ASCII and characters that
// take no part in normalisation, or ICU's check says so) is returned as is, without copying.
#pragma once

#include <string>
#include <string_view>

namespace rpdata::tokenize::detail {

// The NFC form of `in`: `in` itself when already normalised, else a view of `buf`.
// Ill-formed UTF-8 is not an error (ICU passes it through); nothing is thrown per text.
std::string_view nfc(std::string_view in, std::string& buf);

// True if every byte is < 0x80.
bool is_ascii(std::string_view s);

}  // namespace rpdata::tokenize::detail
