// Books' recipe vocabulary: the `books` reader, `pg_strip_license` and `book_simhash`.
#include "rpdata/sources/registry.h"
#include "rpdata/sources/books/book_ids.h"
#include "rpdata/sources/books/books.h"

namespace rpdata::sources::books {

void register_source(Registries& r) {
  // RedPajama-Data README: Books 26B (PG-19 + Books3; `books` and `books3` runs build one corpus of it).
  r.sources.push_back({"book", 26e9, {"book", "books", "books3"}});
  r.readers.add({"books",
                 "Book text files, one document per book (PG-19 with metadata.csv, or Books3 .epub.txt); "
                 "keys: kind, universal_newlines, require_metadata, max_book_bytes, keep_empty_books, batch_docs, "
                 "metadata_name, suffix",
                 [](const Params& p) -> ReaderFactory {
                   BookReaderOptions o = book_reader_options(p);
                   return [o](const ReaderInput& in) -> std::unique_ptr<Reader> {
                     BookReaderOptions opt = o;
                     opt.source = in.source;
                     opt.id_prefix = in.unit;
                     return make_book_reader(in.parts, opt);
                   };
                 }});
  r.steps.add({"pg_strip_license",
               "Project Gutenberg START/END license markers -> PG-19 form (body between the markers); "
               "keys: require_marker",
               [](const Params& p) { return std::make_unique<PgStripLicenseStep>(p); }});
  r.steps.add({"book_simhash",
               "meta simhash = 64-bit SimHash of the book as RedPajama data_prep/book/dedup.py (6-char "
               "shingles, md5 features), for the cross-unit near-dup stage; keys: width, meta_key",
               [](const Params& p) { return std::make_unique<BookSimhashStep>(p); }});
  r.dedup_kinds.add(simhash_kind_type());
  // Books3 is not distributed any more: its sample is a local input (--input), PG-19 a mirror.
  r.samples.push_back({"book", "sample/book", {},
                       [](const std::filesystem::path& m, const SampleSource::Options&) { return write_sample(m); },
                       [](const SampleSource::Options&) { return int64_t{-1}; }, {}, {"books3"}});
}

}  // namespace rpdata::sources::books
