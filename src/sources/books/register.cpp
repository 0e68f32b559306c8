// Books' recipe vocabulary: the `books` reader, `pg_strip_license` and `book_simhash`.
#include "rpdata/dedup/simhash.h"
#include "rpdata/sources/registry.h"
#include "rpdata/sources/books/book_ids.h"
#include "rpdata/sources/books/books.h"

namespace rpdata::sources::books {

void register_source(Registries& r) {
  // RedPajama-Data README: Books 26B (PG-19 + Books3; `books` and `books3` runs build one corpus of it).
  r.sources.push_back({"book", 26e9, {"book", "books", "books3"}});
  r.readers.add({"books",
                 "Book text files, one document per book (PG-19 with metadata.csv, or Books3 .epub.txt)",
                 {Key::text("kind", "pg19", "\"pg19\" or \"books3\""),
                  Key::optional("universal_newlines", ParamType::kBool,
                                "read as Python's text mode does (\\r\\n and \\r become \\n); default: pg19 only"),
                  Key::flag("require_metadata", false, "a book missing from metadata.csv fails the unit"),
                  Key::integer("max_book_bytes", 1ll << 30, "a larger book fails the unit"),
                  Key::flag("keep_empty_books", true, "write books with no text"),
                  Key::integer("batch_docs", 16, "documents per batch"),
                  Key::text("metadata_name", "metadata.csv", "the metadata file's name among the unit's files"),
                  Key::text("suffix", "", "read only files with this ending")},
                 [](const Params& p, const ModelLookup&) -> ReaderFactory {
                   BookReaderOptions o = book_reader_options(p);
                   return [o](const ReaderInput& in) -> std::unique_ptr<Reader> {
                     BookReaderOptions opt = o;
                     opt.source = in.source;
                     opt.id_prefix = in.unit;
                     return make_book_reader(in.parts, opt);
                   };
                 }});
  r.steps.add({"pg_strip_license",
               "Project Gutenberg START/END license markers -> PG-19 form (body between the markers)",
               {Key::flag("require_marker", false, "drop a book without the markers (counted)")},
               [](const Params& p, const ModelLookup&) { return std::make_unique<PgStripLicenseStep>(p); }});
  r.steps.add({"book_simhash",
               "meta simhash = 64-bit SimHash of the book as RedPajama data_prep/book/dedup.py (6-char "
               "shingles, md5 features), for the cross-unit near-dup stage",
               {Key::integer("width", dedup::kSimhashWidth, "the shingle width in characters (1..1000)"),
                Key::text("meta_key", "simhash", "the meta field receiving the signature")},
               [](const Params& p, const ModelLookup&) { return std::make_unique<BookSimhashStep>(p); }});
  r.dedup_kinds.add(simhash_kind_type());
  // Books3 is not distributed any more: its sample is a local input (--input), PG-19 a mirror.
  r.samples.push_back({"book", "sample/book", {},
                       [](const std::filesystem::path& m, const SampleSource::Options&) { return write_sample(m); },
                       [](const SampleSource::Options&) { return int64_t{-1}; }, {}, {"books3"}});
}

}  // namespace rpdata::sources::books
