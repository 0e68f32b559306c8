// Hugging Face AddedVocabulary matching: added tokens are cut out of the text before
// pre-tokenisation with Aho-Corasick LeftmostLongest semantics (the earliest start wins, then
// the longest token there), once over the raw text (normalized=false tokens such as
// <|endoftext|>) and once over each NFC-normalised remainder (normalized=true tokens).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rpdata::tokenize::detail {

class AddedTokenMatcher {
 public:
  AddedTokenMatcher();
  // `content` must be non-empty; a repeated content keeps the last id.
  void add(std::string_view content, int32_t id);
  bool empty() const { return count_ == 0; }

  struct Match {
    size_t begin, end;
    int32_t id;
  };
  // The leftmost-longest match starting at or after `from`; false if none.
  bool find(std::string_view s, size_t from, Match& m) const;

  // Calls text(begin, end) for the gaps and token(id) for the matches, in order.
  template <class Text, class Token>
  void split(std::string_view s, Text&& text, Token&& token) const {
    size_t pos = 0;
    Match m;
    while (pos < s.size() && find(s, pos, m)) {
      if (m.begin > pos) text(pos, m.begin);
      token(m.id);
      pos = m.end;
    }
    if (pos < s.size()) text(pos, s.size());
  }

 private:
  struct Node {
    std::array<int32_t, 256> child;  // -1: none
    int32_t id = -1;                 // token ending here, -1: none
  };
  std::vector<Node> nodes_;
  std::array<bool, 256> first_{};  // bytes a token can start with
  int single_first_ = -1;          // the only first byte, if there is exactly one
  int pair_prefix_ = -1;           // the two bytes every token starts with (a << 8 | b), if any
  bool have_short_ = false;        // some token is one byte long
  size_t count_ = 0;
};

}  // namespace rpdata::tokenize::detail
