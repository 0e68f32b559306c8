// libarchive member stream (see the header).
#include "rpdata/io/archive_entry_stream.h"

#include <archive.h>
#include <archive_entry.h>

#include <cstdint>
#include <fstream>
#include <string_view>

#include "rpdata/core/error.h"
#include "rpdata/io/archive_error.h"

namespace rpdata::io {
namespace {

constexpr size_t kReadChunk = 1 << 20;
constexpr std::string_view kSevenZipMagic("7z\xBC\xAF\x27\x1C", 6);

uint64_t le64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// The size a 7z archive declares in its 32-byte signature header: the header itself, then
// NextHeaderOffset bytes of packed streams, then NextHeaderSize bytes of header (7-Zip's
// 7zFormat.txt, "SignatureHeader"). 0 when the file is too short to hold it.
uint64_t seven_zip_declared_size(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char h[32] = {};
  in.read(reinterpret_cast<char*>(h), sizeof h);
  if (in.gcount() != static_cast<std::streamsize>(sizeof h)) return 0;
  uint64_t offset = le64(h + 12), size = le64(h + 20);
  if (offset > UINT64_MAX / 2 || size > UINT64_MAX / 2) return UINT64_MAX;
  return 32 + offset + size;
}

class ArchiveMemberStream final : public InputStream {
 public:
  ArchiveMemberStream(const std::filesystem::path& path, const std::string& member)
      : path_(path.string()), a_(new_archive_reader()) {
    archive_read_support_filter_all(a_.get());
    archive_read_support_format_7zip(a_.get());
    if (archive_read_open_filename(a_.get(), path_.c_str(), kReadChunk) != ARCHIVE_OK) fail("cannot open archive");
    archive_entry* entry = nullptr;
    for (;;) {
      int rc = archive_read_next_header(a_.get(), &entry);
      if (rc == ARCHIVE_EOF) throw InputError("archive has no member " + member, path_, compressed_offset());
      if (rc < ARCHIVE_WARN) fail("cannot read archive header");
      const char* name = archive_entry_pathname(entry);
      std::string_view n = name ? name : "";
      auto slash = n.rfind('/');
      if (slash != std::string_view::npos) n.remove_prefix(slash + 1);
      if (n == member && archive_entry_filetype(entry) == AE_IFREG) break;
    }
  }

  size_t read(char* buf, size_t n) override {
    if (done_ || n == 0) return 0;
    la_ssize_t got = archive_read_data(a_.get(), buf, n);
    if (got < 0) fail("cannot decode archive member");
    if (got == 0) done_ = true;
    offset_ += static_cast<uint64_t>(got);
    return static_cast<size_t>(got);
  }
  uint64_t compressed_offset() const override { return archive_compressed_offset(a_.get()); }
  uint64_t offset() const override { return offset_; }
  const std::string& path() const override { return path_; }

 private:
  // A file shorter than the size its 7z header declares is reported as truncated, whatever
  // libarchive says (it often says nothing for a cut archive).
  [[noreturn]] void fail(const std::string& what) {
    std::string msg = what + ": " + archive_error_text(a_.get());
    std::error_code ec;
    uint64_t have = std::filesystem::file_size(path_, ec);
    uint64_t declared = seven_zip_declared_size(path_);
    if (!ec && declared > have)
      throw TruncatedInputError(what + ": truncated 7z archive (its header declares " + std::to_string(declared) +
                                    " bytes, the file has " + std::to_string(have) + ")",
                                path_, compressed_offset());
    std::string_view m = msg;
    if (m.find("runcated") != std::string_view::npos || m.find("premature end") != std::string_view::npos ||
        m.find("Premature end") != std::string_view::npos)
      throw TruncatedInputError(msg, path_, compressed_offset());
    throw InputError(msg, path_, compressed_offset());
  }

  std::string path_;
  ArchiveReadPtr a_;
  uint64_t offset_ = 0;
  bool done_ = false;
};

}  // namespace

bool is_7z_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[6] = {};
  in.read(magic, 6);
  return in.gcount() == 6 && std::string_view(magic, 6) == kSevenZipMagic;
}

std::unique_ptr<InputStream> open_archive_member(const std::filesystem::path& path, const std::string& member) {
  if (is_7z_file(path)) return std::make_unique<ArchiveMemberStream>(path, member);
  return InputStream::open(path);
}

}  // namespace rpdata::io
