// Books (26B tokens of RedPajama-Data-1T, spec section 4): PG-19 book files (one document per
// book, meta {short_book_title, publication_date, url} from PG-19's metadata.csv, text as the
// Hugging Face `pg19` loader read it: UTF-8 text mode, universal newlines) and Books3 `.epub.txt`
// files (meta {title}, bytes decoded as-is); a step annotates each with its 64-bit SimHash for
// the cross-unit near-duplicate stage (dedup/simhash.h). Also a Project Gutenberg license stripper
// for raw PG texts and the bundled offline sample.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rpdata/core/params.h"
#include "rpdata/core/step.h"

namespace rpdata::sources::books {

// One row of PG-19's metadata.csv ("id,short_book_title,publication_date,url", no header).
struct Pg19Meta {
  std::string short_book_title;
  int64_t publication_date = 0;
  std::string url;
};

// Parses metadata.csv with Python csv's default dialect (quotes, doubled quotes, quoted
// newlines). Rows with fewer than 4 fields or a non-integer year are skipped and counted in
// `skipped`; a repeated id keeps the last row (HF pg19 builds a dict).
std::map<std::string, Pg19Meta> parse_pg19_metadata(std::string_view csv, int64_t* skipped = nullptr);

enum class BookKind { kPg19, kBooks3 };

struct BookReaderOptions {
  BookKind kind = BookKind::kPg19;
  // HF pg19 opened books with open(path, encoding="utf-8"): "\r\n" and "\r" become "\n".
  // Books3 (HF the_pile_books3) decoded the raw bytes: no translation.
  bool universal_newlines = true;
  bool require_metadata = false;       // PG-19: drop books without a metadata row
  uint64_t max_book_bytes = 1ull << 30;  // larger files: counted drop read:book_too_large
  // An empty file is an empty book (text ""), as the HF loaders gave RedPajama; false drops
  // it instead (counted read:empty_book).
  bool keep_empty_books = true;
  size_t batch_docs = 16;
  std::string metadata_name = "metadata.csv";  // a part with this file name is the table
  // Non-empty: only files whose name ends with it are books (Books3: ".epub.txt", as
  // the_pile_books3 kept); other files are counted as read:skipped_file.
  std::string suffix;
  std::string source;
  std::string id_prefix;  // unit name: ids are "<unit>/<n>", n = book position in the unit
};

// Reads the books of one unit (its parts, in order); a metadata.csv part is the PG-19 table,
// every other part is one book. Per-book problems are counted drops: read:invalid_utf8 (the
// HF loaders raised UnicodeDecodeError and aborted the whole build), read:book_too_large,
// read:no_metadata (only with require_metadata), read:skipped_file (name without `suffix`),
// read:empty_book (when keep_empty_books is false).
std::unique_ptr<Reader> make_book_reader(const std::vector<std::filesystem::path>& parts,
                                         const BookReaderOptions& options);
BookReaderOptions book_reader_options(const Params& read);

// PG-19 book id of a file: its stem when all digits ("10001.txt"), else the digits after a
// leading "pg" ("pg11-alice-11-0.txt" -> "11"), else "".
std::string pg19_book_id(const std::filesystem::path& file);
// Books3 title as the_pile_books3 made it: basename up to its first '.'.
std::string books3_title(const std::filesystem::path& file);

// Project Gutenberg header/footer removal: keeps the lines strictly between the first START
// marker ("*** START OF THIS PROJECT GUTENBERG EBOOK", "***START OF THE PROJECT GUTENBERG
// EBOOK", "*END*THE SMALL PRINT", ...) and the first END marker after it ("*** END OF THIS
// PROJECT GUTENBERG EBOOK", "End of Project Gutenberg's ...", "End of the Project Gutenberg
// EBook ..."), matched after removing '*' and whitespace and upper-casing, then drops blank
// lines at both ends. Line ends are kept as they are. `found` reports whether a START marker
// was seen; without one the text is returned unchanged.
std::string strip_gutenberg_license(std::string_view text, bool* found = nullptr);

// `[[steps]] type = "book_simhash"`: meta "simhash" = 16 hex digits of dedup::book_simhash
// (text as it stands after earlier steps), the per-unit half of RedPajama's book dedup; the
// cross-unit stage reads it back (dedup::parse_simhash_hex) and removes the key before the
// final book.jsonl. Keys: width (default 6), meta_key (default "simhash").
class BookSimhashStep final : public Step {
 public:
  explicit BookSimhashStep(const Params& params);
  std::string_view name() const override { return "book_simhash"; }
  void process(Batch& batch) override;

 private:
  int width_ = 6;
  std::string meta_key_;
};

// `[[steps]] type = "pg_strip_license"`: strip_gutenberg_license on every document. Key:
// require_marker (default false): drop "no_marker" documents without a START marker.
class PgStripLicenseStep final : public Filter {
 public:
  explicit PgStripLicenseStep(const Params& params);
  std::string_view name() const override { return "pg_strip_license"; }

 protected:
  bool keep(Document& doc, std::string& reason) override;

 private:
  bool require_marker_ = false;
};

struct SampleOptions {
  int books = 24;             // PG-19-style books, one near-duplicate pair among them
  int books_per_unit = 8;     // must match the sample recipe's files_per_unit
  uint64_t seed = 20230417;
};

// Writes a deterministic PG-19-style bucket mirror into `dir`: deepmind-gutenberg/metadata.csv
// and deepmind-gutenberg/train/<id>.txt (synthetic public-domain-style prose; book 2 is a copy
// of book 1 with a few words changed), and a Books3-style local folder dir/books3/<title>.epub.txt
// (6 books: edited copies of PG-19 books 0 and 10 and of its own book 3 among them). Returns
// the mirror's file names, relative to `dir` (the books3 folder is a local --input, not listed).
std::vector<std::string> write_sample(const std::filesystem::path& dir, const SampleOptions& options = {});

}  // namespace rpdata::sources::books
