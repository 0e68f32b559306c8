// The training corpus of RedPajama's CC quality classifier (spec §1.7): fetched
// Wikipedia-reference pages (a WARC) become cc_net documents, and create_corpus.py's rules
// make the fastText file: "__label__wiki " + " ".join(raw_content.splitlines()) for docs of
// >= 1000 chars, then from each CC head/middle file the first floor(#wiki records / #files)
// records as "__label__cc ...".
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "rpdata/io/http_fetch.h"
#include "rpdata/io/warc.h"

namespace rpdata::quality {

// ---- fetching: URL list -> WARC (RedPajama: wget --timeout=5 -i urls --warc-file=...) ----

struct PageFetchOptions {
  io::FetchOptions fetch;             // retry policy, per-host limits, user agent
  uint64_t max_body_bytes = 1 << 20;  // payloads cut here (WARC-Truncated), as CommonCrawl does
  int threads = 4;                    // concurrent page fetches (records stay in list order)
};

struct PageFetchStats {
  uint64_t urls = 0;
  uint64_t written = 0;    // response records
  uint64_t truncated = 0;
  uint64_t failed = 0;     // after the retries (4xx, DNS, timeouts, ...)
  uint64_t bytes = 0;      // payload bytes
  std::map<std::string, int64_t> failures;  // first words of the error -> count
};

// Fetches every URL and writes one response record per success, in list order, after a
// warcinfo record; the WARC appears atomically when complete. `on_progress(done, total)`.
PageFetchStats fetch_pages_to_warc(const std::vector<std::string>& urls, const std::filesystem::path& warc,
                                   const PageFetchOptions& options,
                                   const std::function<void(uint64_t, uint64_t)>& on_progress = {});

// ---- WARC response -> cc_net document ----

enum class PageResult { kOk, kNotResponse, kMalformedHttp, kHttpStatus, kNoPayload, kNotHtml, kNotUtf8 };
std::string_view to_string(PageResult r);  // "ok", "not_response", "malformed_http", ...

struct PageDoc {
  std::string url;
  std::string title;        // <title>, cc_net's first WET line
  std::string raw_content;  // the text lines after it, joined by '\n'
};

// A 2xx HTML (or text/plain) response with a valid UTF-8 payload -> cc_net's fields.
PageResult warc_page_to_doc(const io::WarcRecord& record, PageDoc& out);

// ---- WARC -> WET, for running the fetched pages through the cc_net pipeline ----

struct WetConversionStats {
  uint64_t pages = 0;                       // conversion records written
  std::map<std::string, int64_t> drops;     // response records not converted, by PageResult
};

// Writes a WET file: a warcinfo record, then per convertible response a `conversion` record
// with CommonCrawl's header order (WARC-Type, -Target-URI, -Date, -Record-ID, -Refers-To,
// -Block-Digest, Content-Type, Content-Length: cc_net's by-position parse finds the URL at [2],
// the date at [3], the digest at [6] and the length at [8]) and the body "title\ntext\n".
WetConversionStats warc_to_wet(const std::filesystem::path& warc, const std::filesystem::path& wet);

// ---- the fastText training file ----

struct CorpusOptions {
  int64_t min_len = 300;          // cc_net mine.Config.min_len, applied to WARC pages
  int64_t min_wiki_chars = 1000;  // create_corpus.py: len(raw_content) >= 1000
  std::string lid_model;          // optional fastText LID model: WARC pages must be cc_net "en"
  double lid_threshold = 0.5;     // cc_net lang_threshold
  std::string wiki_label = "__label__wiki";
  std::string cc_label = "__label__cc";
};

struct CorpusStats {
  int64_t wiki_records = 0;  // create_corpus.py's i: wiki records read, short ones included
  int64_t wiki_written = 0;
  int64_t cc_files = 0;
  double per_file = 0;       // i / #cc files
  int64_t cc_written = 0;
  std::map<std::string, int64_t> drops;  // WARC pages and unreadable records, by reason
};

// `wiki_warcs`: fetched pages (run through warc_page_to_doc, min_len, optional LID);
// `wiki_jsonl`: cc_net output of those pages (raw_content), as RedPajama used; `cc_jsonl`:
// cc_net head/middle files in the caller's order (RedPajama: glob order). Writes `out`
// atomically; InputError on unreadable inputs, ConfigError when there is no CC file.
CorpusStats build_training_corpus(const std::vector<std::filesystem::path>& wiki_warcs,
                                  const std::vector<std::filesystem::path>& wiki_jsonl,
                                  const std::vector<std::filesystem::path>& cc_jsonl,
                                  const std::filesystem::path& out, const CorpusOptions& options = {});

}  // namespace rpdata::quality
