#include "rpdata/sources/commoncrawl/wet.h"

#include <vector>

#include "rpdata/text/utf8.h"

namespace rpdata::sources::commoncrawl {
namespace {

// First whitespace-separated token of a header value: cc_net's `headers[i].split()[1]`.
std::string header_token(const io::WarcRecord& record, std::string_view name) {
  const std::string* v = record.headers.find(name);
  return v ? std::string(text::python_first_token(*v)) : std::string();
}

bool parse_int(std::string_view s, int64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::string_view to_string(WetResult r) {
  switch (r) {
    case WetResult::kOk: return "ok";
    case WetResult::kNotConversion: return "not_conversion";
    case WetResult::kMissingHeader: return "missing_header";
    case WetResult::kInvalidUtf8: return "invalid_utf8";
  }
  return "unknown";
}

std::string url_netloc(std::string_view url) {
  // urlsplit: lstrip C0 controls and space, remove \t \r \n, optional scheme, then "//" netloc.
  while (!url.empty() && static_cast<unsigned char>(url.front()) <= 0x20) url.remove_prefix(1);
  std::string u;
  u.reserve(url.size());
  for (char c : url)
    if (c != '\t' && c != '\r' && c != '\n') u += c;
  std::string_view rest = u;
  size_t colon = rest.find(':');
  auto is_alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (colon != std::string_view::npos && colon > 0 && is_alpha(rest[0])) {
    bool scheme_ok = true;
    for (char c : rest.substr(0, colon))
      if (!is_alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') scheme_ok = false;
    if (scheme_ok) rest.remove_prefix(colon + 1);
  }
  if (rest.substr(0, 2) != "//") return {};
  rest.remove_prefix(2);
  size_t end = rest.find_first_of("/?#");
  return std::string(rest.substr(0, end));
}

WetResult parse_wet_record(const io::WarcRecord& record, WetDocument& out) {
  if (header_token(record, "WARC-Type") != "conversion") return WetResult::kNotConversion;
  out.url = header_token(record, "WARC-Target-URI");
  out.date_download = header_token(record, "WARC-Date");
  out.digest = header_token(record, "WARC-Block-Digest");
  if (out.url.empty() || out.date_download.empty() || out.digest.empty() ||
      !parse_int(header_token(record, "Content-Length"), out.length))
    return WetResult::kMissingHeader;  // cc_net: "Can't parse header", doc skipped
  // cc_net decodes the file as strict UTF-8 (a bad byte would abort its whole segment).
  if (!text::is_valid_utf8(record.block)) return WetResult::kInvalidUtf8;

  // The lines cc_net sees between the header's blank line and the next "WARC/1.0": the
  // block, then the record's closing CRLF CRLF, split in universal-newline mode.
  std::string body = record.block;
  body += "\r\n\r\n";
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\n' && c != '\r') continue;
    lines.push_back(text::python_strip(std::string_view(body).substr(start, i - start)));
    if (c == '\r' && i + 1 < body.size() && body[i + 1] == '\n') ++i;
    start = i + 1;
  }
  // (The appended CRLFs leave no unterminated tail.)
  size_t end = lines.size();
  if (lines.size() >= 2 && lines[end - 1].empty() && lines[end - 2].empty()) end -= 2;
  out.title = std::string(lines[0]);
  out.raw_content.clear();
  out.nlines = 0;
  for (size_t i = 1; i < end; ++i) {
    if (i > 1) out.raw_content += '\n';
    out.raw_content += lines[i];
    ++out.nlines;
  }
  out.source_domain = url_netloc(out.url);
  return WetResult::kOk;
}

Document to_document(WetDocument&& d, std::string id, const std::string& cc_segment) {
  Document doc;
  doc.id = std::move(id);
  doc.source = "commoncrawl";
  doc.text = std::move(d.raw_content);
  doc.meta.set("url", std::move(d.url));
  doc.meta.set("date_download", std::move(d.date_download));
  doc.meta.set("digest", std::move(d.digest));
  doc.meta.set("length", d.length);
  doc.meta.set("nlines", d.nlines);
  doc.meta.set("source_domain", std::move(d.source_domain));
  doc.meta.set("title", std::move(d.title));
  doc.meta.set("cc_segment", cc_segment);
  return doc;
}

WetReader::WetReader(const std::filesystem::path& path, WetOptions options)
    : reader_(io::WarcReader::open(path, options.warc)), options_(std::move(options)) {
  if (options_.id_prefix.empty()) options_.id_prefix = path.filename().string();
}

WetReader::~WetReader() = default;

uint64_t WetReader::bytes_read() const { return reader_.compressed_offset(); }

void WetReader::count(const std::string& reason, int64_t n, DropCounts* batch_drops) {
  if (n <= 0) return;
  drops_[reason] += n;
  if (batch_drops) (*batch_drops)[reason] += n;
}

void WetReader::sync_warc_drops(DropCounts* batch_drops) {
  const io::WarcReaderStats& s = reader_.stats();
  count("warc_malformed", static_cast<int64_t>(s.malformed - seen_.malformed), batch_drops);
  count("warc_too_large", static_cast<int64_t>(s.too_large - seen_.too_large), batch_drops);
  count("warc_truncated", static_cast<int64_t>(s.truncated - seen_.truncated), batch_drops);
  // A damaged or cut compressed stream that ended the segment (throw_on_damage = false).
  count("warc_stream_error", static_cast<int64_t>(s.stream_errors - seen_.stream_errors), batch_drops);
  seen_ = s;
}

bool WetReader::next_into(Document& doc, DropCounts* batch_drops) {
  while (reader_.next(record_)) {
    sync_warc_drops(batch_drops);
    WetDocument d;
    WetResult r = parse_wet_record(record_, d);
    if (r == WetResult::kNotConversion) continue;
    if (r != WetResult::kOk) {
      count(std::string(to_string(r)), 1, batch_drops);
      continue;
    }
    if (static_cast<int64_t>(text::codepoint_count(d.raw_content)) < options_.min_len) {
      count("too_short", 1, batch_drops);
      continue;
    }
    doc = to_document(std::move(d), options_.id_prefix + "/" + std::to_string(record_.index), options_.cc_segment);
    return true;
  }
  sync_warc_drops(batch_drops);
  return false;
}

bool WetReader::next(Document& doc) { return next_into(doc, nullptr); }

bool WetReader::next(Batch& batch) {
  batch.docs.clear();
  batch.drops.clear();
  Document doc;
  while (batch.docs.size() < options_.batch_docs && next_into(doc, &batch.drops)) batch.docs.push_back(std::move(doc));
  return !batch.docs.empty() || !batch.drops.empty();
}

}  // namespace rpdata::sources::commoncrawl
