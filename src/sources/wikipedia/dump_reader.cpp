// MediaWiki XML dump -> one Document per article page, streamed with expat (see wikipedia.h).
#include <expat.h>

#include <cstring>
#include <deque>
#include <exception>
#include <optional>

#include "rpdata/core/error.h"
#include "rpdata/io/input_stream.h"
#include "rpdata/io/xml_parser_ptr.h"
#include "rpdata/sources/wikipedia/wikipedia.h"
#include "bz2_stream.h"

namespace rpdata::sources::wikipedia {
namespace {
constexpr size_t kChunk = 1 << 20;

enum class Field { kNone, kTitle, kNs, kText, kDbname };
}  // namespace

// bz2 (the dumps' format, multistream or not) through libbz2; anything else through the
// shared decoders (gz, xz, zst, plain).
// A slice reads the dump's header stream, then its range of streams, then (unless the range
// runs to the end of the file and so holds the dump's own) a closing </mediawiki>.
class Source {
 public:
  Source(const std::filesystem::path& p, const std::optional<InputSlice>& slice) {
    if (slice) {
      if (!detail::Bz2Stream::is_bz2(p.string()))
        throw InputError("a byte range of a dump needs a multistream .bz2 file", p.string());
      bz_ = std::make_unique<detail::Bz2Stream>(p.string(), slice->begin, slice->end);
      if (slice->end) tail_ = "</mediawiki>\n";
    } else if (detail::Bz2Stream::is_bz2(p.string())) {
      bz_ = std::make_unique<detail::Bz2Stream>(p.string());
    } else {
      other_ = io::InputStream::open(p);
    }
  }
  size_t read(char* buf, size_t n) {
    if (!bz_) return other_->read(buf, n);
    size_t got = read_bz(buf, n);
    if (got == 0 && !tail_.empty()) {
      got = std::min(n, tail_.size());
      std::memcpy(buf, tail_.data(), got);
      tail_.erase(0, got);
    }
    return got;
  }
  uint64_t compressed_read() const { return bz_ ? bz_->compressed_read() : other_->compressed_offset(); }
  uint64_t compressed_offset() const { return bz_ ? bz_->compressed_offset() : other_->compressed_offset(); }
  uint64_t offset() const { return bz_ ? bz_->offset() : other_->offset(); }
  const std::string& path() const { return bz_ ? bz_->path() : other_->path(); }

 private:
  size_t read_bz(char* buf, size_t n) {
    // Hand out what was decoded before a failure; the failure comes with the next call.
    if (pending_) std::rethrow_exception(std::exchange(pending_, nullptr));
    size_t got = 0;
    try {
      while (got < n) {
        size_t k = bz_->read(buf + got, n - got);
        if (k == 0) break;
        got += k;
      }
    } catch (const std::exception&) {
      if (got == 0) throw;
      pending_ = std::current_exception();
    }
    return got;
  }
  std::unique_ptr<detail::Bz2Stream> bz_;
  std::unique_ptr<io::InputStream> other_;
  std::exception_ptr pending_;
  std::string tail_;
};

struct DumpReader::Impl {
  std::unique_ptr<Source> in;
  DumpReaderOptions opt;
  io::XmlParserPtr owner = io::new_xml_parser(nullptr);
  XML_Parser parser = owner.get();
  std::vector<char> buf = std::vector<char>(kChunk);
  uint64_t fed = 0;  // decompressed bytes given to expat
  bool done = false;
  std::exception_ptr pending;
  std::string refused;  // why the handler stopped the parser
  std::string fatal;    // a non-XML problem found inside a handler (no throwing through expat)

  // Current element path (names only while inside <mediawiki>).
  std::vector<std::string> path;
  Field field = Field::kNone;
  std::string title, ns, text, dbname;
  bool redirect = false, has_text = false, too_large = false;
  uint64_t page_index = 0;

  std::deque<Document> ready;
  DropCounts drops;

  Impl(const std::filesystem::path& p, DumpReaderOptions o)
      : in(std::make_unique<Source>(p, o.slice)),
        opt(std::move(o)),
        page_index(opt.slice ? static_cast<uint64_t>(opt.slice->first_record) : 0) {
    XML_SetUserData(parser, this);
    XML_SetElementHandler(parser, &Impl::on_start, &Impl::on_end);
    XML_SetCharacterDataHandler(parser, &Impl::on_chars);
    // No DOCTYPE: nothing can declare an entity, so nothing can be expanded (billion
    // laughs) and no external entity (file or URL) is ever fetched.
    XML_SetStartDoctypeDeclHandler(parser, &Impl::on_doctype);
    XML_SetEntityDeclHandler(parser, &Impl::on_entity_decl);
    XML_SetParamEntityParsing(parser, XML_PARAM_ENTITY_PARSING_NEVER);
  }

  void refuse(const char* why) {
    if (refused.empty()) refused = why;
    XML_StopParser(parser, XML_FALSE);
  }
  static void on_doctype(void* u, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    static_cast<Impl*>(u)->refuse("a DOCTYPE declaration (entity declarations are refused, never expanded)");
  }
  static void on_entity_decl(void* u, const XML_Char*, int, const XML_Char*, int, const XML_Char*, const XML_Char*,
                             const XML_Char*, const XML_Char*) {
    static_cast<Impl*>(u)->refuse("an entity declaration (refused, never expanded)");
  }

  static void on_start(void* u, const XML_Char* name, const XML_Char** attrs) {
    auto* s = static_cast<Impl*>(u);
    s->path.emplace_back(name);
    size_t d = s->path.size();
    if (d == 2 && s->path[1] == "page") {
      s->title.clear(), s->ns.clear(), s->text.clear();
      s->redirect = s->has_text = s->too_large = false;
    } else if (d == 3 && s->path[1] == "page") {
      const std::string& n = s->path[2];
      if (n == "title") s->field = Field::kTitle;
      else if (n == "ns") s->field = Field::kNs;
      else if (n == "redirect") s->redirect = true;
    } else if (d == 4 && s->path[1] == "page" && s->path[2] == "revision" && s->path[3] == "text") {
      s->field = Field::kText;
      s->has_text = true;
    } else if (d == 3 && s->path[1] == "siteinfo" && s->path[2] == "dbname") {
      s->field = Field::kDbname;
    }
    (void)attrs;
  }
  static void on_end(void* u, const XML_Char*) {
    auto* s = static_cast<Impl*>(u);
    s->field = Field::kNone;
    if (s->path.size() == 2 && s->path[1] == "page") s->finish_page();
    s->path.pop_back();
  }
  static void on_chars(void* u, const XML_Char* data, int len) {
    auto* s = static_cast<Impl*>(u);
    switch (s->field) {
      case Field::kNone: return;
      case Field::kTitle: s->title.append(data, static_cast<size_t>(len)); return;
      case Field::kNs: s->ns.append(data, static_cast<size_t>(len)); return;
      case Field::kDbname: s->dbname.append(data, static_cast<size_t>(len)); return;
      case Field::kText:
        if (s->too_large) return;
        if (s->text.size() + static_cast<size_t>(len) > s->opt.max_page_bytes) {
          s->too_large = true;
          s->text.clear();
          s->text.shrink_to_fit();
          return;
        }
        s->text.append(data, static_cast<size_t>(len));
        return;
    }
  }

  void finish_page() {
    uint64_t index = page_index++;
    // _extract_content: ns != "0" skipped; then text None or a <redirect> dropped.
    if (ns != "0") {
      ++drops["read:not_article"];
      return;
    }
    if (redirect) {
      ++drops["read:redirect"];
      return;
    }
    if (too_large) {
      ++drops["read:page_too_large"];
      return;
    }
    if (!has_text || text.empty()) {
      ++drops["read:no_text"];
      return;
    }
    if (opt.language.empty()) {
      std::string db = dbname;
      opt.language = language_from_file_name(db + "-");
      if (opt.language.empty()) {
        fatal = "cannot tell the dump's language: name the file <lang>wiki-... or set [read] language";
        XML_StopParser(parser, XML_FALSE);
        return;
      }
    }
    Document& doc = ready.emplace_back();
    doc.id = opt.id_prefix + "/" + std::to_string(index);
    doc.source = opt.source;
    doc.text = std::move(text);
    text.clear();
    doc.meta.set("title", title);
    doc.meta.set("language", opt.language);
  }

  // Feeds one chunk (or the final empty one). Throws InputError on malformed XML.
  void feed() {
    size_t n = in->read(buf.data(), buf.size());
    bool final = n == 0;
    fed += n;
    XML_Status st = XML_Parse(parser, buf.data(), static_cast<int>(n), final ? XML_TRUE : XML_FALSE);
    if (st != XML_STATUS_OK) {
      // Expat has no position (-1) when it never got to an event, e.g. on an empty dump.
      XML_Index index = XML_GetCurrentByteIndex(parser);
      uint64_t at = index >= 0 ? static_cast<uint64_t>(index) : fed;
      std::string where = " (line " + std::to_string(XML_GetCurrentLineNumber(parser)) + ", column " +
                          std::to_string(XML_GetCurrentColumnNumber(parser)) + ", decompressed byte " +
                          std::to_string(at) + ")";
      if (!fatal.empty()) throw InputError(fatal, in->path(), at);
      if (!refused.empty()) throw InputError("XML dump refused: it contains " + refused + where, in->path(), at);
      XML_Error code = XML_GetErrorCode(parser);
      std::string what = XML_ErrorString(code);
      if (final && (code == XML_ERROR_NO_ELEMENTS || code == XML_ERROR_UNCLOSED_TOKEN ||
                    code == XML_ERROR_UNCLOSED_CDATA_SECTION || code == XML_ERROR_PARTIAL_CHAR))
        throw TruncatedInputError("XML dump ends too early: " + what + where, in->path(), at);
      throw InputError("malformed XML dump: " + what + where, in->path(), at);
    }
    if (final) {
      done = true;
      check_slice_pages();
    }
  }

  // A slice holds exactly the pages the multistream index lists in its range (else the
  // index does not describe this dump, and the ids would be wrong).
  void check_slice_pages() const {
    if (!opt.slice || opt.slice->records < 0) return;
    auto found = static_cast<int64_t>(page_index) - opt.slice->first_record;
    if (found != opt.slice->records)
      throw InputError("the multistream index lists " + std::to_string(opt.slice->records) + " pages in bytes [" +
                           std::to_string(opt.slice->begin) + ", " +
                           (opt.slice->end ? std::to_string(opt.slice->end) : std::string("end")) +
                           ") of the dump, which holds " + std::to_string(found) + " there",
                       in->path(), opt.slice->begin);
  }
};

DumpReader::DumpReader(const std::filesystem::path& path, DumpReaderOptions options)
    : impl_(std::make_unique<Impl>(path, std::move(options))) {
  if (impl_->opt.language.empty()) impl_->opt.language = language_from_file_name(path.filename().string());
}
DumpReader::~DumpReader() = default;

uint64_t DumpReader::bytes_read() const { return impl_->in->compressed_read(); }
uint64_t DumpReader::raw_bytes_read() const { return impl_->in->offset(); }

bool DumpReader::next(Batch& batch) {
  batch.docs.clear();
  batch.drops.clear();
  Impl& s = *impl_;
  if (s.pending && s.ready.empty()) std::rethrow_exception(std::exchange(s.pending, nullptr));
  while (s.ready.size() < s.opt.batch_docs && !s.done && !s.pending) {
    try {
      s.feed();
    } catch (const std::exception&) {
      // Hand out the pages decoded before the damage first; throw on the next call.
      s.pending = std::current_exception();
    }
  }
  while (!s.ready.empty() && batch.docs.size() < s.opt.batch_docs) {
    batch.docs.push_back(std::move(s.ready.front()));
    s.ready.pop_front();
  }
  batch.drops = std::move(s.drops);
  s.drops.clear();
  if (batch.docs.empty() && batch.drops.empty() && s.pending) std::rethrow_exception(std::exchange(s.pending, nullptr));
  return !batch.docs.empty() || !batch.drops.empty();
}

std::string language_from_file_name(const std::string& name) {
  size_t w = name.find("wiki");
  if (w == std::string::npos || w == 0) return {};
  if (w + 4 < name.size() && name[w + 4] != '-' && name[w + 4] != '.') return {};
  std::string lang = name.substr(0, w);
  for (char& c : lang) {
    if (c == '_') c = '-';
    else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return {};
  }
  return lang;
}

std::string url_quote(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
                c == '-' || c == '~' || c == '/';
    if (keep) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace rpdata::sources::wikipedia
