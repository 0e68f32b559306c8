#include "rpdata/sources/github/license.h"

namespace rpdata::sources::github {
namespace {

std::string normalize(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = true;
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (alnum) {
      out += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      space = false;
    } else if (!space) {
      out += ' ';
      space = true;
    }
  }
  return out;
}

bool has(const std::string& norm, std::string_view phrase) { return norm.find(phrase) != std::string::npos; }

}  // namespace

bool is_license_file_name(std::string_view name) {
  std::string upper(name);
  for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  for (std::string_view stem : {"LICENSE", "LICENCE", "COPYING"}) {
    if (std::string_view(upper).substr(0, stem.size()) != stem) continue;
    if (upper.size() == stem.size()) return true;
    char next = upper[stem.size()];
    if (next == '.' || next == '-' || next == '_') return true;
  }
  return false;
}

std::string detect_license(std::string_view text) {
  std::string n = normalize(text.substr(0, 256 * 1024));
  for (std::string_view copyleft : {"gnu general public license", "gnu lesser general public license",
                                    "gnu library general public license", "gnu affero general public license",
                                    "mozilla public license", "eclipse public license"})
    if (has(n, copyleft)) return {};
  if (has(n, "apache license version 2 0")) return "apache-2.0";
  if (has(n, "permission is hereby granted free of charge to any person obtaining a copy") &&
      has(n, "the above copyright notice and this permission notice shall be included"))
    return "mit";
  if (has(n, "redistribution and use in source and binary forms with or without modification are permitted")) {
    if (has(n, "all advertising materials mentioning features or use of this software")) return "bsd-4-clause";
    if (has(n, "endorse or promote products derived from this software")) return "bsd-3-clause";
    return "bsd-2-clause";
  }
  return {};
}

}  // namespace rpdata::sources::github
