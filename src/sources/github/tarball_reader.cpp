#include "rpdata/sources/github/tarball_reader.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <map>

#include "rpdata/core/error.h"
#include "rpdata/io/archive_error.h"
#include "rpdata/io/hash.h"
#include "rpdata/sources/github/license.h"
#include "rpdata/text/utf8.h"

namespace rpdata::sources::github {
namespace fs = std::filesystem;
namespace {

constexpr uint64_t kMaxLicenseBytes = 256ull << 10;

using io::archive_compressed_offset;
using io::archive_error_text;
using ArchivePtr = io::ArchiveReadPtr;

ArchivePtr open_archive(const fs::path& path) {
  ArchivePtr a = io::new_archive_reader();
  archive_read_support_filter_all(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  if (archive_read_open_filename(a.get(), path.c_str(), 1 << 20) != ARCHIVE_OK)
    throw InputError("cannot open tarball: " + archive_error_text(a.get()), path.string(),
                     archive_compressed_offset(a.get()));
  return a;
}

// The member path below the stripped components; "" when nothing is left (the top directory).
// Sets `unsafe` for absolute paths and any ".." component.
std::string member_path(const char* raw, int strip, bool& unsafe) {
  std::string p = raw ? raw : "";
  unsafe = !p.empty() && p[0] == '/';
  std::vector<std::string_view> parts;
  std::string_view s(p);
  while (!s.empty()) {
    size_t slash = s.find('/');
    std::string_view part = s.substr(0, slash);
    if (part == "..") unsafe = true;
    if (!part.empty() && part != ".") parts.push_back(part);
    if (slash == std::string_view::npos) break;
    s.remove_prefix(slash + 1);
  }
  std::string out;
  for (size_t i = static_cast<size_t>(std::max(strip, 0)); i < parts.size(); ++i) {
    if (!out.empty()) out += '/';
    out.append(parts[i]);
  }
  return out;
}

}  // namespace

std::pair<std::string, std::string> repo_from_unit_name(const std::string& unit) {
  std::string stem = unit;
  for (std::string_view ext : {".tar.gz", ".tgz", ".tar"})
    if (stem.size() > ext.size() && stem.compare(stem.size() - ext.size(), ext.size(), ext) == 0) {
      stem.resize(stem.size() - ext.size());
      break;
    }
  std::replace(stem.begin(), stem.end(), '~', '/');
  size_t at = stem.find('@');
  if (at == std::string::npos) return {stem, ""};
  return {stem.substr(0, at), stem.substr(at + 1)};
}

struct TarballReader::Impl {
  TarballReaderOptions opt;
  fs::path path;
  ArchivePtr ar;
  std::string license;
  bool has_license_file = false;
  uint64_t member = 0;  // member index (document ids)
  uint64_t total = 0;   // declared bytes of the members so far (pass 2)
  bool done = false;

  Impl(const fs::path& p, TarballReaderOptions o) : opt(std::move(o)), path(p) {
    scan_license();
    ar = open_archive(path);
  }

  void check_limits(archive* a, uint64_t members, uint64_t declared) const {
    if (members > opt.max_members)
      throw InputError("more than max_members (" + std::to_string(opt.max_members) + ") members (tar bomb?)",
                       path.string());
    if (declared > opt.max_total_bytes)
      throw InputError("members total more than max_total_bytes (" + std::to_string(opt.max_total_bytes) +
                           ") bytes (tar bomb?)",
                       path.string());
    int64_t raw = archive_filter_bytes(a, 0), packed = archive_filter_bytes(a, -1);
    if (opt.max_expansion_ratio > 0 && raw > static_cast<int64_t>(opt.expansion_check_bytes) && packed > 0 &&
        static_cast<double>(raw) / static_cast<double>(packed) > opt.max_expansion_ratio)
      throw InputError("decoded/compressed ratio exceeds max_expansion_ratio (gzip bomb?)", path.string(),
                       static_cast<uint64_t>(packed));
  }

  // Pass 1: license files at the root, limits on the whole archive.
  void scan_license() {
    ArchivePtr a = open_archive(path);
    std::map<std::string, std::string> candidates;  // root name -> text, in name order
    archive_entry* e;
    uint64_t members = 0, declared = 0;
    int r;
    while ((r = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
      ++members;
      int64_t size = archive_entry_size(e);
      declared += size > 0 ? static_cast<uint64_t>(size) : 0;
      check_limits(a.get(), members, declared);
      bool unsafe = false;
      std::string p = member_path(archive_entry_pathname(e), opt.strip_components, unsafe);
      if (!unsafe && archive_entry_filetype(e) == AE_IFREG && p.find('/') == std::string::npos &&
          is_license_file_name(p) && size >= 0 && static_cast<uint64_t>(size) <= kMaxLicenseBytes) {
        std::string text(static_cast<size_t>(size), '\0');
        la_ssize_t got = archive_read_data(a.get(), text.data(), text.size());
        if (got < 0)
          throw InputError("tarball: " + archive_error_text(a.get()), path.string(), archive_compressed_offset(a.get()));
        text.resize(static_cast<size_t>(got));
        candidates.emplace(p, std::move(text));
      }
      // libarchive skips unread data itself on the next header (decoding it for gzip).
    }
    if (r != ARCHIVE_EOF)
      throw InputError("tarball: " + archive_error_text(a.get()), path.string(), archive_compressed_offset(a.get()));
    check_limits(a.get(), members, declared);  // the last member's data was decoded by now
    has_license_file = !candidates.empty();
    for (const auto& [name, text] : candidates) {
      license = detect_license(text);
      if (!license.empty()) break;
    }
  }

  // Pass 2: one member; returns the drop reason, nullptr for a document, or "" to ignore
  // (directories).
  const char* read_member(archive_entry* e, Document& doc) {
    ++member;
    int64_t size = archive_entry_size(e);
    total += size > 0 ? static_cast<uint64_t>(size) : 0;
    check_limits(ar.get(), member, total);
    auto type = archive_entry_filetype(e);
    if (type == AE_IFDIR) return "";
    bool unsafe = false;
    std::string p = member_path(archive_entry_pathname(e), opt.strip_components, unsafe);
    if (unsafe) return "unsafe_path";
    if (type != AE_IFREG || archive_entry_hardlink(e)) return "not_regular_file";
    if (p.empty()) return "unsafe_path";  // a file where the stripped top directory should be
    if (opt.require_license && license.empty()) return has_license_file ? "license_not_permissive" : "no_license";
    if (size < 0 || static_cast<uint64_t>(size) > opt.max_file_bytes) return "too_large";
    std::string data(static_cast<size_t>(size), '\0');
    size_t have = 0;
    while (have < data.size()) {
      la_ssize_t got = archive_read_data(ar.get(), data.data() + have, data.size() - have);
      if (got < 0)
        throw InputError("tarball: " + archive_error_text(ar.get()), path.string(), archive_compressed_offset(ar.get()));
      if (got == 0) break;
      have += static_cast<size_t>(got);
    }
    data.resize(have);
    if (data.find('\0') < 8000) return "binary";
    if (!text::is_valid_utf8(data)) return "invalid_utf8";
    io::Hasher sha1(io::Hasher::Algo::kSha1);
    sha1.update("blob " + std::to_string(data.size()));
    sha1.update(std::string_view("\0", 1));
    sha1.update(data);
    // BigQuery's JSON export writes INT64 columns as strings; the tarball rows do the same.
    doc.meta.set("repo_name", opt.repo_name);
    doc.meta.set("id", sha1.hex_digest());
    doc.meta.set("size", std::to_string(data.size()));
    doc.meta.set("binary", false);
    doc.meta.set("ref", opt.ref);
    doc.meta.set("path", p);
    doc.meta.set("mode", std::to_string(archive_entry_mode(e)));
    doc.meta.set("license", license);
    doc.text = std::move(data);
    return nullptr;
  }
};

TarballReader::TarballReader(const fs::path& path, TarballReaderOptions options)
    : impl_(std::make_unique<Impl>(path, std::move(options))) {}
TarballReader::~TarballReader() = default;

const std::string& TarballReader::license() const { return impl_->license; }
uint64_t TarballReader::bytes_read() const {
  int64_t n = archive_filter_bytes(impl_->ar.get(), -1);
  return n > 0 ? static_cast<uint64_t>(n) : 0;
}
uint64_t TarballReader::raw_bytes_read() const {
  int64_t n = archive_filter_bytes(impl_->ar.get(), 0);
  return n > 0 ? static_cast<uint64_t>(n) : 0;
}

bool TarballReader::next(Batch& batch) {
  batch.docs.clear();
  batch.drops.clear();
  Impl& im = *impl_;
  while (!im.done && batch.docs.size() < im.opt.batch_docs) {
    archive_entry* e;
    int r = archive_read_next_header(im.ar.get(), &e);
    if (r == ARCHIVE_EOF) {
      im.check_limits(im.ar.get(), im.member, im.total);
      im.done = true;
      break;
    }
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
      throw InputError("tarball: " + archive_error_text(im.ar.get()), im.path.string(),
                       archive_compressed_offset(im.ar.get()));
    uint64_t index = im.member;
    Document doc;
    const char* reason = im.read_member(e, doc);
    if (reason && !*reason) continue;
    if (reason) {
      ++batch.drops[std::string("read:") + reason];
      continue;
    }
    doc.id = im.opt.id_prefix + "/" + std::to_string(index);
    doc.source = im.opt.source;
    batch.docs.push_back(std::move(doc));
  }
  return !batch.docs.empty() || !batch.drops.empty();
}

}  // namespace rpdata::sources::github
