// Test filter for the cc_net normaliser differential test: each stdin line is the hex of a
// UTF-8 string; each stdout line is hex(normalize_for_dedup(s)) TAB hex(normalize(s)).
#include <cstdio>
#include <iostream>
#include <string>

#include "rpdata/text/ccnet_normalize.h"

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
  std::string line, a, b, out;
  while (std::getline(std::cin, line)) {
    std::string s = unhex(line);
    rpdata::text::normalize_for_dedup(s, a);
    rpdata::text::normalize(s, b);
    out.clear();
    put_hex(a, out);
    out.push_back('\t');
    put_hex(b, out);
    out.push_back('\n');
    std::cout << out;
  }
  return 0;
}
