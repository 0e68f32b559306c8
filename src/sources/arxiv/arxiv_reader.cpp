// The `arxiv_tar` reader: one bulk source tar -> RedPajama arXiv records (arxiv_cleaner.py
// arxiv_iterator + create_record, language left to the `arxiv_language` step).
#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include "rpdata/core/error.h"
#include "rpdata/io/archive_error.h"
#include "rpdata/sources/arxiv/arxiv.h"

namespace rpdata::sources::arxiv {
namespace fs = std::filesystem;

namespace {
constexpr std::string_view kAbsUrl = "https://arxiv.org/abs/";

// The yymm RedPajama took: the stem of the .gz's parent directory ("" at the top level,
// where RedPajama got its random temporary directory's name).
std::string parent_stem(std::string_view name) {
  size_t slash = name.rfind('/');
  if (slash == std::string_view::npos) return {};
  return python_stem(name.substr(0, slash));
}
}  // namespace

struct ArxivTarReader::Impl {
  fs::path path;
  ArxivReaderOptions o;
  io::ArchiveReadPtr owner{archive_read_new()};
  archive* a = owner.get();
  bool done = false;
  int64_t member_index = 0;  // .gz members seen: the document number

  Impl(fs::path p, ArxivReaderOptions opt) : path(std::move(p)), o(std::move(opt)) {
    if (!a) throw InputError("archive_read_new failed", path.string());
    archive_read_support_filter_all(a);  // bulk tars are plain; a compressed copy works too
    archive_read_support_format_tar(a);
    if (archive_read_open_filename(a, path.c_str(), 1 << 20) != ARCHIVE_OK)
      throw InputError("cannot open as tar: " + error_text(), path.string(), 0);
  }

  uint64_t offset() const { return static_cast<uint64_t>(archive_filter_bytes(a, -1)); }

  std::string error_text() const { return io::archive_error_text(a); }

  [[noreturn]] void fail(const std::string& what) {
    std::string msg = what + ": " + error_text();
    done = true;
    if (msg.find("runcated") != std::string::npos || msg.find("premature") != std::string::npos)
      throw TruncatedInputError(msg, path.string(), offset());
    throw InputError(msg, path.string(), offset());
  }

  // One .gz member's bytes -> a document, or a counted drop.
  void paper(const std::string& name, int64_t mtime, long mtime_ns, std::string bytes, Batch& batch) {
    int64_t n = member_index++;
    PaperFiles files = load_paper(bytes, o.paper);
    if (files.unsafe_members) batch.drops["read:unsafe_member"] += files.unsafe_members;
    if (files.appledouble) batch.drops["read:appledouble"] += files.appledouble;
    if (!files.drop.empty()) {
      ++batch.drops["read:" + files.drop];
      return;
    }
    CleanResult clean = clean_tex_files(files.tex, o.clean);
    if (clean.failed) {
      ++batch.drops["read:clean_failed"];
      return;
    }
    if (clean.too_large) {
      ++batch.drops["read:text_too_large"];
      return;
    }
    if (clean.text.empty()) {
      ++batch.drops["read:empty_text"];
      return;
    }
    Document d;
    d.id = o.id_prefix + "/" + std::to_string(n);
    d.source = o.source;
    d.text = std::move(clean.text);
    std::string id = format_arxiv_id(python_stem(name));
    d.meta.set("timestamp", iso_timestamp(mtime, mtime_ns, o.local_time));
    d.meta.set("yymm", parent_stem(name));
    d.meta.set("arxiv_id", id);
    d.meta.set("language", std::string("unknown"));
    d.meta.set("url", std::string(kAbsUrl) + id);
    d.meta.set("source", o.source);
    batch.docs.push_back(std::move(d));
  }

  bool next(Batch& batch) {
    batch.docs.clear();
    batch.drops.clear();
    while (!done && batch.docs.size() < o.batch_docs) {
      archive_entry* e = nullptr;
      int rc = archive_read_next_header(a, &e);
      if (rc == ARCHIVE_EOF) {
        done = true;
        break;
      }
      if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) fail("bad tar header");
      const char* p = archive_entry_pathname(e);
      std::string name = p ? p : "";
      if (archive_entry_filetype(e) != AE_IFREG) continue;
      if (unsafe_member_name(name)) {
        ++batch.drops["read:unsafe_member"];
        continue;
      }
      if (!name.ends_with(".gz")) {
        ++batch.drops["read:not_gz_member"];
        continue;
      }
      size_t slash = name.rfind('/');
      if (o.paper.ignore_appledouble && name.compare(slash == std::string::npos ? 0 : slash + 1, 2, "._") == 0) {
        ++batch.drops["read:appledouble"];
        continue;
      }
      int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
      if (size < 0 || static_cast<uint64_t>(size) > o.paper.max_paper_bytes) {
        ++member_index;
        ++batch.drops["read:paper_too_large"];
        continue;  // the next header call skips its data
      }
      std::string bytes(static_cast<size_t>(size), '\0');
      size_t got = 0;
      while (got < bytes.size()) {
        la_ssize_t n = archive_read_data(a, bytes.data() + got, bytes.size() - got);
        if (n < 0) fail("cannot read member " + name);
        if (n == 0) break;
        got += static_cast<size_t>(n);
      }
      if (got != bytes.size()) {
        done = true;
        throw TruncatedInputError("tar member " + name + " ends early", path.string(), offset());
      }
      paper(name, archive_entry_mtime(e), archive_entry_mtime_nsec(e), std::move(bytes), batch);
    }
    return !batch.docs.empty() || !batch.drops.empty() || !done;
  }
};

ArxivTarReader::ArxivTarReader(fs::path path, ArxivReaderOptions options)
    : impl_(std::make_unique<Impl>(std::move(path), std::move(options))) {}
ArxivTarReader::~ArxivTarReader() = default;
bool ArxivTarReader::next(Batch& batch) { return impl_->next(batch); }
uint64_t ArxivTarReader::bytes_read() const { return impl_->offset(); }

}  // namespace rpdata::sources::arxiv
