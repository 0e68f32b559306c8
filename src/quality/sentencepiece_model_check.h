// Reads a SentencePiece ModelProto (a minimal protobuf wire-format reader, no libprotobuf)
// and decides whether SentencePieceWords' word path is exact for the model: the conditions
// argued at the top of sentencepiece_words.cpp (libsentencepiece 0.1.97 semantics).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rpdata::quality::spm {

inline constexpr std::string_view kSpace = "\xE2\x96\x81";  // U+2581 '▁'

// ModelProto.SentencePiece.Type.
enum PieceType { kNormal = 1, kUnknown = 2, kControl = 3, kUserDefined = 4, kUnused = 5, kByte = 6 };

// The fields of a ModelProto the word path reads or checks; ok is false when the proto is
// unreadable.
struct ModelInfo {
  struct Piece {
    std::string piece;
    float score = 0;
    int type = kNormal;
  };
  std::vector<Piece> pieces;
  int model_type = 1;  // UNIGRAM
  bool byte_fallback = false, treat_whitespace_as_suffix = false;
  bool add_dummy_prefix = true, remove_extra_whitespaces = true, escape_whitespaces = true;
  std::string charsmap;
  bool ok = true;
};

ModelInfo parse_model(std::string_view blob);

struct WordPathCheck {
  std::string why_not;          // "" when the word path is exact, else the reason ("byte_fallback", ...)
  bool ascii_identity = false;  // set when why_not is "": no charsmap rule matches printable ASCII
};
// `piece_size` and `unk_id` are the loaded processor's, checked against the proto.
WordPathCheck check_word_path(const ModelInfo& m, int piece_size, int unk_id);

}  // namespace rpdata::quality::spm
