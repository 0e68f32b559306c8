// The "books" reader format: PG-19 / Books3 book files -> one Document per book.
#include <cerrno>
#include <cstring>
#include <fstream>

#include "rpdata/core/error.h"
#include "rpdata/sources/books/books.h"
#include "rpdata/text/utf8.h"

namespace rpdata::sources::books {
namespace fs = std::filesystem;

namespace {

// Python csv.reader (default dialect) over the whole table: rows of fields.
std::vector<std::vector<std::string>> parse_csv(std::string_view s) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool in_quotes = false, quoted = false, any = false;
  auto end_field = [&] {
    row.push_back(std::move(field));
    field.clear();
    quoted = false;
  };
  auto end_row = [&] {
    if (any) {
      end_field();
      rows.push_back(std::move(row));
    }
    row.clear();
    any = false;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < s.size() && s[i + 1] == '"') { field.push_back('"'); ++i; }
        else in_quotes = false;
      } else {
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && field.empty() && !quoted) { in_quotes = quoted = any = true; continue; }
    if (c == ',') { end_field(); any = true; continue; }
    if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      end_row();
      continue;
    }
    field.push_back(c);
    any = true;
  }
  end_row();
  return rows;
}

bool parse_int(const std::string& s, int64_t& out) {
  // Python int(): surrounding whitespace allowed, optional sign, digits (underscores ignored here).
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  if (b == std::string::npos) return false;
  std::string t = s.substr(b, e - b + 1);
  size_t i = t[0] == '-' || t[0] == '+' ? 1 : 0;
  if (i == t.size() || t.find_first_not_of("0123456789", i) != std::string::npos || t.size() > 18) return false;
  out = std::stoll(t);
  return true;
}

std::string read_file(const fs::path& p, uint64_t size) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw InputError(std::string("cannot open book: ") + std::strerror(errno), p.string());
  std::string data(size, '\0');
  in.read(data.data(), static_cast<std::streamsize>(size));
  if (static_cast<uint64_t>(in.gcount()) != size) throw InputError("book file shrank while reading", p.string(), in.gcount());
  return data;
}

// Python's universal newlines: "\r\n" -> "\n", lone "\r" -> "\n".
void translate_newlines(std::string& s) {
  if (s.find('\r') == std::string::npos) return;
  size_t w = 0;
  for (size_t r = 0; r < s.size(); ++r) {
    if (s[r] == '\r') {
      s[w++] = '\n';
      if (r + 1 < s.size() && s[r + 1] == '\n') ++r;
    } else {
      s[w++] = s[r];
    }
  }
  s.resize(w);
}

class BookReader final : public Reader {
 public:
  BookReader(const std::vector<fs::path>& parts, BookReaderOptions opt) : opt_(std::move(opt)) {
    for (const auto& p : parts) {
      if (p.filename() == opt_.metadata_name) {
        auto size = fs::file_size(p);
        bytes_ += size;
        int64_t skipped = 0;
        for (auto& [id, m] : parse_pg19_metadata(read_file(p, size), &skipped)) meta_[id] = std::move(m);
      } else {
        books_.push_back(p);
      }
    }
  }

  bool next(Batch& batch) override {
    batch.docs.clear();
    batch.drops.clear();
    uint64_t batch_bytes = 0;
    while (next_ < books_.size() && batch.docs.size() < opt_.batch_docs && batch_bytes < (64u << 20)) {
      size_t n = next_++;
      const fs::path& p = books_[n];
      std::error_code ec;
      uint64_t size = fs::file_size(p, ec);
      if (ec) throw InputError("cannot stat book: " + ec.message(), p.string());
      std::string fname = p.filename().string();
      if (!opt_.suffix.empty() &&
          (fname.size() < opt_.suffix.size() ||
           fname.compare(fname.size() - opt_.suffix.size(), opt_.suffix.size(), opt_.suffix) != 0)) {
        ++batch.drops["read:skipped_file"];
        continue;
      }
      bytes_ += size;
      if (size > opt_.max_book_bytes) {
        ++batch.drops["read:book_too_large"];
        continue;
      }
      if (size == 0 && !opt_.keep_empty_books) {
        ++batch.drops["read:empty_book"];
        continue;
      }
      std::string text = read_file(p, size);
      if (!text::is_valid_utf8(text)) {
        ++batch.drops["read:invalid_utf8"];
        continue;
      }
      Document doc;
      if (opt_.kind == BookKind::kPg19) {
        auto it = meta_.find(pg19_book_id(p));
        if (it == meta_.end() && opt_.require_metadata) {
          ++batch.drops["read:no_metadata"];
          continue;
        }
        if (it != meta_.end()) {
          doc.meta.set("short_book_title", it->second.short_book_title);
          doc.meta.set("publication_date", it->second.publication_date);
          doc.meta.set("url", it->second.url);
        } else {
          doc.meta.set("short_book_title", p.stem().string());
          doc.meta.set("publication_date", int64_t{0});
          doc.meta.set("url", std::string());
        }
      } else {
        doc.meta.set("title", books3_title(p));
      }
      if (opt_.universal_newlines) translate_newlines(text);
      batch_bytes += text.size();
      doc.text = std::move(text);
      doc.id = opt_.id_prefix + "/" + std::to_string(n);
      doc.source = opt_.source;
      batch.docs.push_back(std::move(doc));
    }
    return !batch.docs.empty() || !batch.drops.empty();
  }

  uint64_t bytes_read() const override { return bytes_; }

 private:
  BookReaderOptions opt_;
  std::map<std::string, Pg19Meta> meta_;
  std::vector<fs::path> books_;
  size_t next_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace

std::map<std::string, Pg19Meta> parse_pg19_metadata(std::string_view csv, int64_t* skipped) {
  std::map<std::string, Pg19Meta> out;
  int64_t bad = 0;
  for (auto& row : parse_csv(csv)) {
    Pg19Meta m;
    if (row.size() < 4 || !parse_int(row[2], m.publication_date)) {
      ++bad;
      continue;
    }
    m.short_book_title = std::move(row[1]);
    m.url = std::move(row[3]);
    out[row[0]] = std::move(m);
  }
  if (skipped) *skipped = bad;
  return out;
}

std::string pg19_book_id(const fs::path& file) {
  std::string stem = file.stem().string();
  auto digits = [](std::string_view s) {
    size_t n = 0;
    while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
    return n;
  };
  if (!stem.empty() && digits(stem) == stem.size()) return stem;
  if (stem.rfind("pg", 0) == 0) {
    size_t n = digits(std::string_view(stem).substr(2));
    if (n > 0) return stem.substr(2, n);
  }
  return {};
}

std::string books3_title(const fs::path& file) {
  std::string base = file.filename().string();
  return base.substr(0, base.find('.'));
}

BookReaderOptions book_reader_options(const Params& read) {
  BookReaderOptions o;
  std::string kind = read.get_string("kind");
  if (kind == "pg19") o.kind = BookKind::kPg19;
  else if (kind == "books3") o.kind = BookKind::kBooks3;
  else throw ConfigError("[read] kind must be pg19 or books3, not '" + kind + "'");
  o.universal_newlines = read.has("universal_newlines") ? read.get_bool("universal_newlines") : o.kind == BookKind::kPg19;
  o.require_metadata = read.get_bool("require_metadata");
  o.keep_empty_books = read.get_bool("keep_empty_books");
  int64_t max_bytes = read.get_int("max_book_bytes");
  if (max_bytes <= 0) throw ConfigError("[read] max_book_bytes must be positive");
  o.max_book_bytes = static_cast<uint64_t>(max_bytes);
  int64_t batch = read.get_int("batch_docs");
  if (batch <= 0) throw ConfigError("[read] batch_docs must be positive");
  o.batch_docs = static_cast<size_t>(batch);
  o.metadata_name = read.get_string("metadata_name");
  o.suffix = read.get_string("suffix");
  return o;
}

std::unique_ptr<Reader> make_book_reader(const std::vector<fs::path>& parts, const BookReaderOptions& options) {
  return std::make_unique<BookReader>(parts, options);
}

}  // namespace rpdata::sources::books
