// Wikipedia slice of RedPajama-Data-1T (spec §6): the 20 languages' 20230320
// pages-articles-multistream.xml.bz2 dumps, read as a stream (bz2 + expat), namespace 0 and
// no redirects (the HF `wikipedia` builder's _extract_content), cleaned as the builder's
// _parse_and_clean_wikicode did (wikitext.h), written as RedPajama's wiki.jsonl records
// {"text", "meta": {"title", "url", "language", "timestamp"}} (data_prep/wiki/convert_format.py).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rpdata/core/params.h"
#include "rpdata/core/registry.h"
#include "rpdata/core/step.h"
#include "rpdata/download/planner.h"
#include "rpdata/sources/wikipedia/wikitext.h"

namespace rpdata::sources::wikipedia {

struct DumpReaderOptions {
  std::string source;     // Document::source
  std::string id_prefix;  // ids are "<id_prefix>/<0-based <page> index in the dump>"
  std::string language;   // "" = from the file name ("<lang>wiki-...") or the dump's <dbname>
  // A page whose wikitext is longer is a counted drop (read:page_too_large), not an error.
  uint64_t max_page_bytes = 64ull << 20;
  size_t batch_docs = 256;
  // Set: read only the dump's header stream and this range of its streams (a unit cut by the
  // multistream index); page numbers start at first_record, and a range holding another
  // number of pages than `records` is an InputError.
  std::optional<InputSlice> slice;
};

// Streams one MediaWiki XML export (bz2/gz/xz/zst/plain; single or multistream bz2; UTF-8
// or UTF-16 with BOM) and yields one Document per article: text = raw wikitext, meta =
// {title, language}. Drops (counted): read:not_article (ns != 0), read:redirect (a
// <redirect/> element), read:no_text (empty <text/>), read:page_too_large. A DOCTYPE (and so
// any entity declaration) is refused with InputError before anything is expanded; malformed
// or truncated XML is an InputError with the decompressed byte offset, after the pages
// decoded before it have been handed out.
class DumpReader final : public Reader {
 public:
  DumpReader(const std::filesystem::path& path, DumpReaderOptions options);
  ~DumpReader() override;
  bool next(Batch& batch) override;
  uint64_t bytes_read() const override;      // compressed bytes consumed
  uint64_t raw_bytes_read() const override;  // decompressed bytes consumed

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One bz2 stream of a multistream dump as its index (<dump>-index.txt.bz2) lists it: lines
// "OFFSET:PAGEID:TITLE", OFFSET the byte offset in the dump of the stream holding the page.
struct IndexStream {
  uint64_t offset = 0;      // where the stream starts in the dump
  int64_t pages = 0;        // its index lines
  uint64_t index_at = 0;    // decompressed byte offset of its first line in the index (messages)
};

// Streams in dump order from an index's decompressed text; `text` may come in pieces (add)
// and must end with finish(). InputError naming `index` and the decompressed byte offset on
// a malformed line or an offset below the previous stream's.
class IndexParser {
 public:
  explicit IndexParser(std::string index) : index_(std::move(index)) {}
  void add(std::string_view text);
  std::vector<IndexStream> finish();

 private:
  void line(std::string_view l, uint64_t at);
  std::string index_, partial_;
  uint64_t seen_ = 0, lines_ = 0;
  std::vector<IndexStream> streams_;
};

// The streams of the index file (bz2, multistream or not, or plain text).
std::vector<IndexStream> read_multistream_index(const std::filesystem::path& index);

// The index's name for a dump "<prefix>-multistream.xml.bz2": "<prefix>-multistream-index.txt.bz2";
// "" for any other name.
std::string multistream_index_name(const std::string& dump_name);

// Cuts dump `name` into slices of whole streams, each at most `max_bytes` of the dump unless
// one stream alone is larger: the first from byte 0 (the header stream), the last to the end
// of the file (the last page stream, whose size the index does not give, and the footer).
// The cut depends on the index alone. `dump_size` > 0: the dump is here, and every offset
// must lie before its end; `dump` (if not empty) is then checked to hold a bz2 stream at each slice's
// start. InputError naming the index (or the dump) and the offset otherwise. An index whose
// first stream starts at 0 (pages in the header stream) gives one slice.
std::vector<InputSlice> plan_slices(const std::string& name, const std::vector<IndexStream>& streams,
                                    uint64_t max_bytes, const std::string& index, uint64_t dump_size = 0,
                                    const std::filesystem::path& dump = {});

// The `wikipedia_xml` splitter: dumps with a multistream index, in units of at most
// `max_bytes` of bz2.
UnitSplitter dump_splitter(uint64_t max_bytes);

// "bgwiki-20230320-pages-articles-multistream.xml.bz2" -> "bg"; "zh_yuewiki-..." -> "zh-yue";
// "" when the name does not start with "<lang>wiki".
std::string language_from_file_name(const std::string& name);

// "enwiki-20230320-pages-articles-multistream.xml.bz2" -> "20230320"; "" when the name is
// not "<lang>wiki-<YYYYMMDD>[-...]".
std::string date_from_file_name(const std::string& name);

// [download] dump_date: the per-language dumps of one date, or the latest every language has
// finished (dump_planner.cpp); supersedes the generic `languages` shape.
download::PlannerType dump_planner_type();

// Python's urllib.parse.quote(s) (safe "/"): the builder's _construct_url quoting.
std::string url_quote(std::string_view s);

// The `wikipedia_clean` step: wikitext -> text (clean_wikitext with the document's language
// prefixes), then meta = {title, url: https://<lang>.wikipedia.org/wiki/<quote(title)>,
// language, timestamp}. Drops: "empty" (nothing left after cleaning) and "parser_error".
// `timestamp`: meta timestamp (RedPajama wrote the dump date, "20230320"), or
// kTimestampFromInput: the date in the document's input name ("enwiki-20241201-...").
class CleanStep final : public Filter {
 public:
  static constexpr const char* kTimestampFromInput = "from_input";
  explicit CleanStep(std::string timestamp);
  std::string_view name() const override { return "wikipedia_clean"; }

 protected:
  bool keep(Document& doc, std::string& reason) override;

 private:
  // The dump date of the input document `id` ("<input>/<n>") comes from; ConfigError when
  // the input's name has none.
  const std::string& input_date(const std::string& id);
  std::string timestamp_;
  std::string date_input_, date_;  // the last input looked at and its date
  std::map<std::string, LanguagePrefixes> prefixes_;
};

struct SampleOptions {
  std::vector<std::string> languages = {"xx", "yy"};
  std::string date = "20230320";
  int pages_per_language = 40;
  int pages_per_stream = 10;  // pages per bz2 stream (the dumps pack 100)
  uint64_t seed = 20230320;
};

// Writes a deterministic synthetic dump per language in the real layout and format:
// <lang>wiki/<date>/<lang>wiki-<date>-pages-articles-multistream.xml.bz2 (concatenated bz2
// streams: the siteinfo header, then pages in groups, then the footer), the matching
// -multistream-index.txt.bz2 and <lang>wiki-<date>-md5sums.txt. Pages include a redirect, a
// non-article namespace, templates, tables, refs, File and Category links. Returns the dump
// and checksum file names relative to `dir`.
std::vector<std::string> write_sample(const std::filesystem::path& dir, const SampleOptions& options);

}  // namespace rpdata::sources::wikipedia
