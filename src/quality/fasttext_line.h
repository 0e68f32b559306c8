// Internal to quality: the caller's text, then one '\n', as a std::streambuf without copying
// the document. fastText's Python predict() appends "\n" (so the line ends with the EOS token
// "</s>", as in the CLI) and reads through a std::stringstream; this yields the same bytes.
// Shared by the language-id (langid.cpp) and quality-classifier (cc_classifier.cpp) paths.
#pragma once

#include <streambuf>
#include <string_view>

namespace rpdata::quality {

class LineBuf : public std::streambuf {
 public:
  explicit LineBuf(std::string_view s) {
    char* p = const_cast<char*>(s.data());
    setg(p, p, p + s.size());
  }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (newline_done_) return traits_type::eof();
    newline_done_ = true;
    setg(newline_, newline_, newline_ + 1);
    return traits_type::to_int_type(*gptr());
  }

 private:
  char newline_[1] = {'\n'};
  bool newline_done_ = false;
};

}  // namespace rpdata::quality
