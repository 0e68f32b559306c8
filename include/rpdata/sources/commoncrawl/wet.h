// CommonCrawl WET segments -> cc_net documents, exactly as RedPajama's vendored cc_net
// process_wet_file.py (group_by_docs + parse_doc with the WARC-Identified-Content-Language
// patch + parse_warc_file's min_len; spec §1.3): title = first body line, raw_content = the
// other stripped lines, length = Content-Length, digest = WARC-Block-Digest, cc_segment.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "rpdata/core/step.h"
#include "rpdata/io/warc.h"

namespace rpdata::sources::commoncrawl {

// cc_net's parse_doc() dict, keys in its order (cc_segment is added by the reader).
struct WetDocument {
  std::string url;            // first token of WARC-Target-URI
  std::string date_download;  // first token of WARC-Date
  std::string digest;         // first token of WARC-Block-Digest, e.g. "sha1:RDTSR52R..."
  int64_t length = 0;         // Content-Length in bytes, as cc_net (not len(raw_content))
  int64_t nlines = 0;         // lines of raw_content
  std::string source_domain;  // urlparse(url).netloc
  std::string title;          // first body line, stripped
  std::string raw_content;    // remaining stripped lines joined by "\n"
};

// Why a record gave no document; kOk when `out` was filled. Non-conversion records
// (warcinfo) are not documents and are not counted as drops.
enum class WetResult { kOk, kNotConversion, kMissingHeader, kInvalidUtf8 };
std::string_view to_string(WetResult r);  // "ok", "not_conversion", "missing_header", ...

// Applies parse_doc to one WARC record, reading headers by name. On real WET files this
// equals cc_net's by-position parse (tests/unit/sources/commoncrawl_wet_test.cpp shows it).
// The body is split as Python's universal-newline text mode does (\r\n, \r, \n) after the
// record's closing CRLF CRLF is appended, as cc_net's line iterator sees it.
WetResult parse_wet_record(const io::WarcRecord& record, WetDocument& out);

// urllib.parse.urlparse(url).netloc (Python 3.11): "" when the URL has no "//" authority.
std::string url_netloc(std::string_view url);

struct WetOptions {
  int64_t min_len = 300;       // cc_net mine.Config.min_len: len(raw_content) in code points
  std::string cc_segment;      // e.g. "crawl-data/CC-MAIN-2019-30/segments/.../wet/....warc.wet.gz"
  std::string id_prefix;       // ids "<id_prefix>/<WARC record index>"; default: the file name
  size_t batch_docs = 1024;
  // Malformed records are skipped and counted; a truncated or damaged segment still throws
  // (throw_on_damage) so a lost tail is never silent.
  io::WarcReaderOptions warc = {io::WarcReaderOptions::Mode::kResync};
};

// rpdata::Document{id, text = raw_content, source = "commoncrawl", meta in cc_net key order:
// url, date_download, digest, length, nlines, source_domain, title, cc_segment}.
Document to_document(WetDocument&& d, std::string id, const std::string& cc_segment);

// Reads one WET file. Drop reasons: too_short, invalid_utf8, missing_header, and
// warc_malformed / warc_too_large / warc_truncated / warc_stream_error (the compressed
// stream ended the file early; only with throw_on_damage = false) from the record reader.
class WetReader final : public Reader {
 public:
  WetReader(const std::filesystem::path& path, WetOptions options);
  ~WetReader() override;
  bool next(Batch& batch) override;
  // One document at a time; false at the end. Drops go to drops().
  bool next(Document& doc);
  uint64_t bytes_read() const override;
  const DropCounts& drops() const { return drops_; }
  const io::WarcReaderStats& warc_stats() const { return reader_.stats(); }

 private:
  bool next_into(Document& doc, DropCounts* batch_drops);
  void count(const std::string& reason, int64_t n, DropCounts* batch_drops);
  void sync_warc_drops(DropCounts* batch_drops);

  io::WarcReader reader_;
  WetOptions options_;
  io::WarcRecord record_;
  DropCounts drops_;
  io::WarcReaderStats seen_;
};

}  // namespace rpdata::sources::commoncrawl
