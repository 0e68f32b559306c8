// Test helper for the Wikipedia cross-check (wikipedia_crosscheck.py): runs the
// `wikipedia_xml` reader and the `wikipedia_clean` step on one dump and prints one JSON line
// per kept page: {"title", "url", "text"} (ensure_ascii=False, dump order).
#include <cstdio>
#include <iostream>
#include <string>

#include "rpdata/core/params.h"
#include "rpdata/sources/wikipedia/wikipedia.h"

namespace {
std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", c);
      out += b;
    } else out += static_cast<char>(c);
  }
  return out + "\"";
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: wikipedia_dump_filter DUMP LANGUAGE\n";
    return 2;
  }
  try {
    rpdata::sources::wikipedia::DumpReaderOptions o;
    o.language = argv[2];
    o.id_prefix = "x";
    rpdata::sources::wikipedia::DumpReader reader(argv[1], o);
    rpdata::sources::wikipedia::CleanStep step("20230320");
    rpdata::Batch batch;
    while (reader.next(batch)) {
      step.process(batch);
      for (const auto& d : batch.docs) {
        const auto& title = std::get<std::string>(*d.meta.find("title"));
        const auto& url = std::get<std::string>(*d.meta.find("url"));
        std::cout << "{\"title\": " << json_string(title) << ", \"url\": " << json_string(url)
                  << ", \"text\": " << json_string(d.text) << "}\n";
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "wikipedia_dump_filter: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
