// The C4 part of the bundled offline sample: synthetic but format-exact raw shards.
#include <array>
#include <cstdio>
#include <string_view>

#include "rpdata/core/document.h"
#include "rpdata/core/splitmix.h"
#include "rpdata/io/gzip_writer.h"
#include "rpdata/io/json_writer.h"
#include "rpdata/sources/c4/c4.h"

namespace rpdata::sources::c4 {
namespace {

using Rng = SplitMix64;

constexpr std::array<std::string_view, 96> kWords = {
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be",
    "by", "on", "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have",
    "an", "had", "they", "you", "were", "their", "one", "all", "we", "can", "her", "has",
    "there", "been", "if", "more", "when", "will", "would", "who", "so", "no", "data", "model",
    "garden", "recipe", "river", "market", "season", "village", "history", "music", "travel",
    "library", "weather", "student", "project", "morning", "company", "service", "health",
    "family", "church", "window", "coffee", "mountain", "winter", "summer", "kitchen",
    "science", "language", "computer", "network", "business", "holiday", "football", "review",
    "customer", "product", "quality", "delivery", "café", "naïve", "résumé", "Zürich",
    "“quoted”", "emoji🙂", "tab\there", "back\\slash"};

constexpr std::array<std::string_view, 8> kDomains = {
    "example.com", "blog.example.org", "news.example.net", "shop.example.co.uk",
    "forum.example.io", "recipes.example.com", "travel.example.de", "wiki.example.fr"};

std::string make_text(Rng& rng) {
  std::string text;
  size_t paragraphs = 1 + rng.below(5);
  for (size_t p = 0; p < paragraphs; ++p) {
    if (p) text += '\n';
    size_t sentences = 1 + rng.below(6);
    for (size_t s = 0; s < sentences; ++s) {
      if (s) text += ' ';
      size_t words = 4 + rng.below(18);
      for (size_t w = 0; w < words; ++w) {
        std::string_view word = kWords[rng.below(kWords.size())];
        if (w == 0) {
          text += static_cast<char>(word[0] >= 'a' && word[0] <= 'z' ? word[0] - 32 : word[0]);
          text.append(word.substr(1));
        } else {
          text += ' ';
          text.append(word);
        }
      }
      text += rng.below(10) == 0 ? "?" : ".";
    }
  }
  return text;
}

}  // namespace

std::vector<std::string> write_sample(const std::filesystem::path& dir, const SampleOptions& options) {
  std::vector<std::string> names;
  for (int f = 0; f < options.files; ++f) {
    char name[64];
    std::snprintf(name, sizeof(name), "c4-train.%05d-of-01024.json.gz", f);
    names.emplace_back(name);
    Rng rng{options.seed * 1000003u + static_cast<uint64_t>(f)};
    io::GzipWriter out(dir / name);
    std::string line;
    for (int d = 0; d < options.docs_per_file; ++d) {
      Document doc;
      doc.text = make_text(rng);
      char ts[32];
      std::snprintf(ts, sizeof(ts), "2019-04-%02dT%02d:%02d:%02dZ", 18 + static_cast<int>(rng.below(9)),
                    static_cast<int>(rng.below(24)), static_cast<int>(rng.below(60)),
                    static_cast<int>(rng.below(60)));
      doc.meta.set("timestamp", std::string(ts));
      doc.meta.set("url", "https://" + std::string(kDomains[rng.below(kDomains.size())]) + "/p/" +
                              std::to_string(f) + "-" + std::to_string(d));
      line.clear();
      io::append_record(line, doc, io::JsonStyle::kCompact, io::RecordLayout::kFlat);
      out.write(line);
    }
    out.close();
  }
  return names;
}

}  // namespace rpdata::sources::c4
