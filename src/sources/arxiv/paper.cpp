// One arXiv paper (.gz member of a bulk tar) -> its .tex sources, RP's _tex_proj_loader.
#include <archive.h>
#include <archive_entry.h>

#include <ctime>
#include <memory>

#include "rpdata/sources/arxiv/arxiv.h"
#include "rpdata/text/utf8.h"

namespace rpdata::sources::arxiv {
namespace {

using ArchivePtr = std::unique_ptr<archive, decltype(&archive_read_free)>;

ArchivePtr open_memory(std::string_view bytes, bool as_tar) {
  ArchivePtr a(archive_read_new(), archive_read_free);
  if (!a) return a;
  // tarfile.open("r:*") tries plain, gzip, bzip2 and xz; gzip.open only gzip.
  archive_read_support_filter_gzip(a.get());
  if (as_tar) {
    archive_read_support_filter_bzip2(a.get());
    archive_read_support_filter_xz(a.get());
    archive_read_support_format_tar(a.get());
  } else {
    archive_read_support_format_raw(a.get());
  }
  if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) a.reset();
  return a;
}

bool is_appledouble(std::string_view name) {
  size_t slash = name.rfind('/');
  std::string_view base = slash == std::string_view::npos ? name : name.substr(slash + 1);
  return base.starts_with("._");
}

// Reads the current entry's data, stopping once the stream passes `cap` decompressed bytes.
// Returns false on a read error; sets `too_large` when the cap was hit.
bool read_data(archive* a, std::string& out, uint64_t cap, bool& too_large) {
  char buf[64 * 1024];
  for (;;) {
    la_ssize_t n = archive_read_data(a, buf, sizeof buf);
    if (n < 0) return false;
    if (n == 0) return true;
    if (out.size() + static_cast<size_t>(n) > cap ||
        static_cast<uint64_t>(archive_filter_bytes(a, 0)) > cap) {
      too_large = true;
      return true;
    }
    out.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace

bool unsafe_member_name(std::string_view name) {
  if (name.empty() || name[0] == '/') return true;
  size_t i = 0;
  while (i <= name.size()) {
    size_t j = name.find('/', i);
    if (j == std::string_view::npos) j = name.size();
    if (name.substr(i, j - i) == "..") return true;
    i = j + 1;
  }
  return false;
}

std::string python_stem(std::string_view name) {
  while (!name.empty() && name.back() == '/') name.remove_suffix(1);
  size_t slash = name.rfind('/');
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size()) return std::string(name);
  return std::string(name.substr(0, dot));
}

std::string iso_timestamp(int64_t sec, long nsec, bool local_time) {
  std::time_t t = static_cast<std::time_t>(sec);
  std::tm tm{};
  if (local_time) localtime_r(&t, &tm);
  else gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = buf;
  long us = nsec / 1000;
  if (us > 0) {
    char frac[32];
    std::snprintf(frac, sizeof frac, ".%06ld", us);
    out += frac;
  }
  return out;
}

PaperFiles load_paper(std::string_view bytes, const PaperOptions& o) {
  PaperFiles out;
  if (bytes.size() > o.max_paper_bytes) {
    out.drop = "paper_too_large";
    return out;
  }
  // 1. A tar (project). The first header decides, as tarfile.open's ReadError does.
  {
    // libarchive detects the format while opening: a failed open means "not a tar".
    ArchivePtr a = open_memory(bytes, true);
    archive_entry* e = nullptr;
    int rc = a ? archive_read_next_header(a.get(), &e) : ARCHIVE_FATAL;
    if (rc == ARCHIVE_OK || rc == ARCHIVE_WARN) {
      for (; rc == ARCHIVE_OK || rc == ARCHIVE_WARN; rc = archive_read_next_header(a.get(), &e)) {
        if (static_cast<uint64_t>(archive_filter_bytes(a.get(), 0)) > o.max_paper_bytes) {
          out.drop = "paper_too_large";
          return out;
        }
        const char* p = archive_entry_pathname(e);
        std::string_view name = p ? p : "";
        if (!name.ends_with(".tex")) continue;  // figures, .bbl, .cls: skipped (still decompressed)
        if (unsafe_member_name(name)) {
          ++out.unsafe_members;
          continue;
        }
        if (o.ignore_appledouble && is_appledouble(name)) {
          ++out.appledouble;
          continue;
        }
        if (archive_entry_filetype(e) != AE_IFREG) continue;
        std::string data;
        bool too_large = false;
        if (!read_data(a.get(), data, o.max_paper_bytes, too_large)) {
          out.drop = "corrupt_paper";
          return out;
        }
        if (too_large) {
          out.drop = "paper_too_large";
          return out;
        }
        if (!text::is_valid_utf8(data)) {
          out.tex.clear();
          out.drop = "non_utf8";
          return out;
        }
        out.tex.push_back(std::move(data));
      }
      if (rc != ARCHIVE_EOF) {
        out.tex.clear();
        out.drop = "corrupt_paper";
      }
      return out;
    }
  }
  // 2. Otherwise one gzipped file (gzip.open(...).read()).
  ArchivePtr a = open_memory(bytes, false);
  archive_entry* e = nullptr;
  if (!a || archive_read_next_header(a.get(), &e) != ARCHIVE_OK) {
    out.drop = "not_gzip";
    return out;
  }
  if (archive_filter_count(a.get()) < 2 || archive_filter_code(a.get(), 0) != ARCHIVE_FILTER_GZIP) {
    out.drop = "not_gzip";
    return out;
  }
  std::string data;
  bool too_large = false;
  if (!read_data(a.get(), data, o.max_paper_bytes, too_large)) {
    out.drop = "corrupt_paper";
    return out;
  }
  if (too_large) {
    out.drop = "paper_too_large";
    return out;
  }
  if (!text::is_valid_utf8(data)) {
    out.drop = "non_utf8";
    return out;
  }
  out.tex.push_back(std::move(data));
  return out;
}

}  // namespace rpdata::sources::arxiv
