// The Books part of the bundled offline sample: a PG-19-style bucket mirror (metadata.csv and
// train/<id>.txt, LF line ends, UTF-8) with synthetic prose and one near-duplicate pair, and a
// local Books3-style folder (<title>.epub.txt) whose near-duplicates and shared ids exercise
// RedPajama's combined PG-19 + Books3 dedup (docs/books.md).
#include <random>

#include "rpdata/io/fs.h"
#include "rpdata/sources/books/books.h"

namespace rpdata::sources::books {
namespace fs = std::filesystem;
namespace {

const char* const kWords[] = {
    "the", "of", "and", "to", "a", "in", "that", "he", "was", "it", "his", "her", "with", "as", "had", "for",
    "she", "not", "at", "but", "be", "on", "him", "they", "which", "by", "all", "from", "were", "said",
    "there", "so", "one", "would", "their", "when", "what", "no", "been", "an", "could", "if", "into",
    "more", "upon", "some", "them", "very", "little", "such", "before", "over", "time", "man", "house",
    "river", "morning", "garden", "letter", "captain", "journey", "window", "evening", "country", "lady",
    "quiet", "ancient", "golden", "silent", "weary", "cheerful", "distant", "narrow", "gentle", "strange",
    "walked", "looked", "answered", "remembered", "wondered", "returned", "whispered", "laughed",
    "Mr.", "Mrs.", "London", "Thames", "England", "café", "naïve", "façade", "señor", "Zürich"};
constexpr size_t kWordCount = sizeof(kWords) / sizeof(kWords[0]);

// A book's own words (names, places): invented syllable strings, so two books differ in
// their 6-character shingles the way real books do, not only in word order.
std::vector<std::string> own_words(std::mt19937_64& rng, int n) {
  static const char* const kSyllables[] = {"ar", "bel", "cor", "dun", "el", "fen", "gar", "hol", "is", "jor",
                                           "kel", "lor", "mar", "nim", "or", "pel", "quin", "ros", "sil", "tor",
                                           "ul", "var", "wen", "xan", "yor", "zel"};
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    std::string w;
    int parts = 2 + static_cast<int>(rng() % 3);
    for (int k = 0; k < parts; ++k) w += kSyllables[rng() % 26];
    out.push_back(w);
  }
  return out;
}

std::string make_book(std::mt19937_64& rng, int chapters) {
  std::vector<std::string> own = own_words(rng, 60);
  std::string s;
  for (int c = 1; c <= chapters; ++c) {
    s += "CHAPTER " + std::to_string(c) + ".\n\n";
    int paragraphs = 6 + static_cast<int>(rng() % 6);
    for (int p = 0; p < paragraphs; ++p) {
      int sentences = 3 + static_cast<int>(rng() % 5);
      size_t col = 0;
      for (int k = 0; k < sentences; ++k) {
        int words = 6 + static_cast<int>(rng() % 14);
        for (int w = 0; w < words; ++w) {
          std::string word = rng() % 3 == 0 ? own[rng() % own.size()] : kWords[rng() % kWordCount];
          if (w == 0 && word[0] >= 'a' && word[0] <= 'z') word[0] = static_cast<char>(word[0] - 32);
          if (w + 1 == words) word += (rng() % 5 == 0) ? "?" : ".";
          else if (rng() % 9 == 0) word += ",";
          if (col > 0 && col + word.size() + 1 > 70) {
            s += "\n";
            col = 0;
          } else if (col > 0) {
            s += " ";
            ++col;
          }
          s += word;
          col += word.size();
        }
      }
      s += "\n\n";
    }
  }
  return s;
}

// Replaces `n` words of `text` by another vocabulary word.
std::string edit_words(std::string text, std::mt19937_64& rng, int n) {
  for (int k = 0; k < n; ++k) {
    size_t at = rng() % text.size();
    size_t s = text.find(' ', at);
    if (s == std::string::npos) continue;
    size_t e = text.find_first_of(" \n", s + 1);
    if (e == std::string::npos) continue;
    text.replace(s + 1, e - s - 1, "wandered");
  }
  return text;
}

}  // namespace

std::vector<std::string> write_sample(const fs::path& dir, const SampleOptions& options) {
  std::mt19937_64 rng(options.seed);
  const fs::path bucket = dir / "deepmind-gutenberg";
  fs::create_directories(bucket / "train");
  std::vector<std::string> names;
  std::string csv;
  std::string first_book;
  std::vector<std::string> texts;
  for (int i = 0; i < options.books; ++i) {
    int id = 10000 + 37 * i;  // PG ebook numbers; listing order is by name
    std::string text;
    if (i == 2 && !first_book.empty()) text = edit_words(first_book, rng, 4);  // the near-duplicate
    else text = make_book(rng, 2 + static_cast<int>(rng() % 3));
    if (i == 1) first_book = text;
    texts.push_back(text);
    std::string name = "deepmind-gutenberg/train/" + std::to_string(id) + ".txt";
    io::write_file_atomic(dir / name, text);
    names.push_back(name);
    std::string title = "Sample Book " + std::to_string(i + 1) + " by A. Writer";
    if (i % 5 == 3) title = "\"Tales, Old and New\" by A. \"Quoted\" Writer";  // csv quoting
    std::string field = title.find_first_of(",\"") == std::string::npos ? title : "\"";
    if (field == "\"") {
      for (char c : title) field += c == '"' ? std::string("\"\"") : std::string(1, c);
      field += "\"";
    }
    csv += std::to_string(id) + "," + field + "," + std::to_string(1850 + i) + ",http://www.gutenberg.org/ebooks/" +
           std::to_string(id) + "\n";
  }
  io::write_file_atomic(bucket / "metadata.csv", csv);
  names.push_back("deepmind-gutenberg/metadata.csv");

  // Books3 (ids 0..5 in sorted name order, PG-19's ids 0..23 in listing order): 0 is an edited
  // copy of PG-19 book 0 (the same id: neither drops the other), 4 of Books3 book 3, 5 of
  // PG-19 book 10 (id 5 < 10: PG-19's copy loses). With RedPajama's shared flags PG-19 book 2
  // (a near-duplicate of PG-19 book 1) survives because Books3 book 2 does, and PG-19 book 4
  // is lost because Books3 book 4 is.
  static const char* const kTitles[] = {"A Harbour of Lanterns", "B Letters from Wenmar", "C The Quiet Orchard",
                                        "D Salt and Iron", "E Salt and Iron Again", "F The Copyist"};
  fs::create_directories(dir / "books3");
  std::vector<std::string> books3;
  for (int i = 0; i < 6; ++i) {
    std::string text;
    if (i == 0) text = edit_words(texts[0], rng, 4);
    else if (i == 4) text = edit_words(books3[3], rng, 4);
    else if (i == 5 && texts.size() > 10) text = edit_words(texts[10], rng, 4);
    else text = make_book(rng, 2 + static_cast<int>(rng() % 3));
    books3.push_back(text);
    io::write_file_atomic(dir / "books3" / (std::string(kTitles[i]) + ".epub.txt"), text);
  }
  return names;
}

}  // namespace rpdata::sources::books
