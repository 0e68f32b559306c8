// Test filter for the StackExchange HTML differential test: each stdin line is the hex of a
// UTF-8 post body; each stdout line is the hex of clean_html(body).
#include <iostream>
#include <string>

#include "rpdata/sources/stackexchange/html_text.h"

namespace {

std::string unhex(const std::string& h) {
  std::string out;
  out.reserve(h.size() / 2);
  auto v = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<char>(v(h[i]) * 16 + v(h[i + 1])));
  return out;
}

void put_hex(const std::string& s, std::string& out) {
  static const char* kHex = "0123456789abcdef";
  for (unsigned char c : s) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line, out;
  while (std::getline(std::cin, line)) {
    out.clear();
    put_hex(rpdata::sources::stackexchange::clean_html(unhex(line)), out);
    out.push_back('\n');
    std::cout << out;
  }
  return 0;
}
