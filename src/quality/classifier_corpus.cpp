#include "rpdata/quality/classifier_corpus.h"

#include <cmath>
#include <cstdio>

#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/jsonl_reader.h"
#include "rpdata/io/warc_writer.h"
#include "rpdata/quality/cc_classifier.h"
#include "rpdata/quality/langid.h"
#include "rpdata/text/html_text.h"
#include "rpdata/text/utf8.h"

namespace rpdata::quality {
namespace {

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Streams fastText lines into a temp file renamed over `out` by commit().
class LineFile {
 public:
  explicit LineFile(const std::filesystem::path& out) : out_(out), tmp_(io::temp_sibling(out)) {
    std::error_code ec;
    if (!out.parent_path().empty()) std::filesystem::create_directories(out.parent_path(), ec);
    f_ = std::fopen(tmp_.c_str(), "wb");
    if (!f_) throw IoError("cannot create", tmp_.string());
  }
  ~LineFile() {
    if (f_) {
      std::fclose(f_);
      std::error_code ec;
      std::filesystem::remove(tmp_, ec);
    }
  }
  void line(std::string_view label, std::string_view text) {
    buf_.assign(label);
    buf_ += ' ';
    buf_ += text;
    buf_ += '\n';
    if (std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size()) throw IoError("write failed", tmp_.string());
  }
  void commit() {
    bool ok = std::fclose(f_) == 0;
    f_ = nullptr;
    if (!ok) throw IoError("cannot flush", tmp_.string());
    io::fsync_path(tmp_);
    io::rename_durable(tmp_, out_);
  }

 private:
  std::filesystem::path out_, tmp_;
  std::FILE* f_ = nullptr;
  std::string buf_;
};

// Every document of a JSONL file (field raw_content), streamed; drops counted.
template <typename F>
void for_each_jsonl(const std::filesystem::path& path, CorpusStats& stats, F&& fn) {
  io::JsonlReaderOptions o;
  o.text_field = "raw_content";
  o.id_prefix = path.filename().string();
  io::JsonlReader reader(path, o);
  Batch batch;
  while (reader.next(batch)) {
    for (const auto& [reason, n] : batch.drops) stats.drops["jsonl:" + reason] += n;
    for (auto& d : batch.docs)
      if (!fn(d)) return;
  }
}

}  // namespace

std::string_view to_string(PageResult r) {
  switch (r) {
    case PageResult::kOk: return "ok";
    case PageResult::kNotResponse: return "not_response";
    case PageResult::kMalformedHttp: return "malformed_http";
    case PageResult::kHttpStatus: return "http_status";
    case PageResult::kNoPayload: return "no_payload";
    case PageResult::kNotHtml: return "not_html";
    case PageResult::kNotUtf8: return "not_utf8";
  }
  return "unknown";
}

PageResult warc_page_to_doc(const io::WarcRecord& record, PageDoc& out) {
  if (record.type() != "response") return PageResult::kNotResponse;
  if (record.block.empty()) return PageResult::kNoPayload;
  auto http = io::parse_http_response(record.block);
  if (!http) return PageResult::kMalformedHttp;
  if (http->status < 200 || http->status >= 300) return PageResult::kHttpStatus;
  if (http->payload.empty()) return PageResult::kNoPayload;
  std::string type = lower_ascii(http->headers.get("Content-Type"));
  bool plain = type.rfind("text/plain", 0) == 0;
  bool html = type.find("html") != std::string::npos;
  if (type.empty() || type.rfind("application/octet-stream", 0) == 0) {
    // Undeclared or generic type: sniff the start for markup, as browsers and wget users do.
    std::string head = lower_ascii(std::string_view(http->payload).substr(0, 1024));
    for (const char* tag : {"<!doctype html", "<html", "<head", "<body", "<title", "<p>", "<div"})
      if (head.find(tag) != std::string::npos) html = true;
  }
  if (!plain && !html) return PageResult::kNotHtml;
  if (http->content_encoding != "identity" && http->content_encoding != "gzip") return PageResult::kNotHtml;
  if (!text::is_valid_utf8(http->payload)) return PageResult::kNotUtf8;
  out.url = std::string(text::python_first_token(record.headers.get("WARC-Target-URI")));
  if (plain) {
    // A text page: its stripped non-empty lines, the first one as the title (as WET does).
    std::string lines;
    bool first = true;
    for (auto l : python_splitlines(http->payload)) {
      auto s = text::python_strip(l);
      if (s.empty()) continue;
      if (first) out.title.assign(s);
      else {
        if (!lines.empty()) lines += '\n';
        lines += s;
      }
      first = false;
    }
    out.raw_content = std::move(lines);
    return PageResult::kOk;
  }
  text::HtmlText t = text::html_to_text(http->payload);
  out.title = std::move(t.title);
  out.raw_content = std::move(t.text);
  return PageResult::kOk;
}

WetConversionStats warc_to_wet(const std::filesystem::path& warc, const std::filesystem::path& wet) {
  WetConversionStats stats;
  io::WarcReaderOptions wo;
  wo.mode = io::WarcReaderOptions::Mode::kResync;
  auto reader = io::WarcReader::open(warc, wo);
  io::WarcWriter writer(wet);
  writer.write_warcinfo({{"software", "rpdata classifier wet"},
                         {"description", "text of the fetched Wikipedia-reference pages (rpdata html_to_text)"}},
                        wet.filename().string(), io::warc_date(std::chrono::system_clock::now()));
  io::WarcRecord rec;
  while (reader.next(rec)) {
    PageDoc doc;
    PageResult r = warc_page_to_doc(rec, doc);
    if (r == PageResult::kNotResponse) continue;
    if (r != PageResult::kOk) {
      ++stats.drops[std::string(to_string(r))];
      continue;
    }
    // CommonCrawl's text ends with a newline before the record's CRLF CRLF (cc_net then
    // drops the two empty lines that follow).
    std::string body = doc.title + "\n" + doc.raw_content + "\n";
    std::string date(text::python_first_token(rec.headers.get("WARC-Date")));
    std::vector<io::HeaderField> h = {
        {"WARC-Target-URI", doc.url},
        {"WARC-Date", date},
        {"WARC-Record-ID", io::warc_record_id("conversion\n" + doc.url + "\n" + date)},
        {"WARC-Refers-To", std::string(rec.headers.get("WARC-Record-ID"))},
        {"WARC-Block-Digest", io::warc_sha1_digest(body)},
        {"Content-Type", "text/plain"}};
    writer.write("conversion", h, body);
    ++stats.pages;
  }
  const auto& ws = reader.stats();
  if (ws.malformed) stats.drops["warc_malformed"] += static_cast<int64_t>(ws.malformed);
  if (ws.too_large) stats.drops["warc_too_large"] += static_cast<int64_t>(ws.too_large);
  writer.close();
  return stats;
}

CorpusStats build_training_corpus(const std::vector<std::filesystem::path>& wiki_warcs,
                                  const std::vector<std::filesystem::path>& wiki_jsonl,
                                  const std::vector<std::filesystem::path>& cc_jsonl,
                                  const std::filesystem::path& out, const CorpusOptions& options) {
  if (cc_jsonl.empty()) throw ConfigError("no CC head/middle file for the __label__cc negatives");
  std::shared_ptr<const LangId> lid;
  if (!options.lid_model.empty()) lid = LangId::shared(options.lid_model);
  CorpusStats stats;
  LineFile file(out);
  auto wiki_doc = [&](std::string_view raw_content) {
    ++stats.wiki_records;  // create_corpus.py counts before its length check
    if (static_cast<int64_t>(text::codepoint_count(raw_content)) < options.min_wiki_chars) return;
    file.line(options.wiki_label, join_lines_for_training(raw_content));
    ++stats.wiki_written;
  };
  for (const auto& path : wiki_warcs) {
    io::WarcReaderOptions wo;
    wo.mode = io::WarcReaderOptions::Mode::kResync;
    auto reader = io::WarcReader::open(path, wo);
    io::WarcRecord rec;
    while (reader.next(rec)) {
      PageDoc doc;
      PageResult r = warc_page_to_doc(rec, doc);
      if (r == PageResult::kNotResponse) continue;  // warcinfo, request, metadata: not pages
      if (r != PageResult::kOk) {
        ++stats.drops[std::string(to_string(r))];
        continue;
      }
      if (static_cast<int64_t>(text::codepoint_count(doc.raw_content)) < options.min_len) {
        ++stats.drops["too_short"];  // cc_net drops these when reading the WET text
        continue;
      }
      if (lid) {
        CcnetLanguage lang = ccnet_language(*lid, doc.raw_content);
        if (lang.language.empty() || lang.score < options.lid_threshold) {
          ++stats.drops["lid_below_threshold"];
          continue;
        }
        if (lang.language != "en") {
          ++stats.drops["not_en"];
          continue;
        }
      }
      wiki_doc(doc.raw_content);
    }
    const auto& ws = reader.stats();
    if (ws.malformed) stats.drops["warc_malformed"] += static_cast<int64_t>(ws.malformed);
    if (ws.too_large) stats.drops["warc_too_large"] += static_cast<int64_t>(ws.too_large);
  }
  for (const auto& path : wiki_jsonl)
    for_each_jsonl(path, stats, [&](const Document& d) {
      wiki_doc(d.text);
      return true;
    });

  // perfile = i / len(jobs); records are taken while their 1-based index j <= perfile.
  stats.cc_files = static_cast<int64_t>(cc_jsonl.size());
  stats.per_file = static_cast<double>(stats.wiki_records) / static_cast<double>(stats.cc_files);
  for (const auto& path : cc_jsonl) {
    int64_t j = 0;
    for_each_jsonl(path, stats, [&](const Document& d) {
      ++j;
      if (static_cast<double>(j) > stats.per_file) return false;
      file.line(options.cc_label, join_lines_for_training(d.text));
      ++stats.cc_written;
      return true;
    });
  }
  file.commit();
  return stats;
}

}  // namespace rpdata::quality
