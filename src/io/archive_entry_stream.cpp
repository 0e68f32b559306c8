// libarchive member stream (see the header).
#include "rpdata/io/archive_entry_stream.h"

#include <archive.h>
#include <archive_entry.h>

#include <fstream>
#include <string_view>

#include "rpdata/core/error.h"

namespace rpdata::io {
namespace {

constexpr size_t kReadChunk = 1 << 20;

class ArchiveMemberStream final : public InputStream {
 public:
  ArchiveMemberStream(const std::filesystem::path& path, const std::string& member) : path_(path.string()) {
    a_ = archive_read_new();
    archive_read_support_filter_all(a_);
    archive_read_support_format_7zip(a_);
    if (archive_read_open_filename(a_, path_.c_str(), kReadChunk) != ARCHIVE_OK) fail("cannot open archive");
    archive_entry* entry = nullptr;
    for (;;) {
      int rc = archive_read_next_header(a_, &entry);
      if (rc == ARCHIVE_EOF) throw InputError("archive has no member " + member, path_, compressed_offset());
      if (rc < ARCHIVE_WARN) fail("cannot read archive header");
      const char* name = archive_entry_pathname(entry);
      std::string_view n = name ? name : "";
      auto slash = n.rfind('/');
      if (slash != std::string_view::npos) n.remove_prefix(slash + 1);
      if (n == member && archive_entry_filetype(entry) == AE_IFREG) break;
    }
  }
  ~ArchiveMemberStream() override { archive_read_free(a_); }

  size_t read(char* buf, size_t n) override {
    if (done_ || n == 0) return 0;
    la_ssize_t got = archive_read_data(a_, buf, n);
    if (got < 0) fail("cannot decode archive member");
    if (got == 0) done_ = true;
    offset_ += static_cast<uint64_t>(got);
    return static_cast<size_t>(got);
  }
  uint64_t compressed_offset() const override { return static_cast<uint64_t>(archive_filter_bytes(a_, -1)); }
  uint64_t offset() const override { return offset_; }
  const std::string& path() const override { return path_; }

 private:
  [[noreturn]] void fail(const std::string& what) {
    const char* err = archive_error_string(a_);
    std::string msg = what + ": " + (err ? err : "unknown libarchive error");
    std::string_view m = msg;
    if (m.find("runcated") != std::string_view::npos || m.find("premature end") != std::string_view::npos ||
        m.find("Premature end") != std::string_view::npos)
      throw TruncatedInputError(msg, path_, compressed_offset());
    throw InputError(msg, path_, compressed_offset());
  }

  archive* a_ = nullptr;
  std::string path_;
  uint64_t offset_ = 0;
  bool done_ = false;
};

}  // namespace

bool is_7z_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[6] = {};
  in.read(magic, 6);
  return in.gcount() == 6 && std::string_view(magic, 6) == std::string_view("7z\xBC\xAF\x27\x1C", 6);
}

std::unique_ptr<InputStream> open_archive_member(const std::filesystem::path& path, const std::string& member) {
  if (is_7z_file(path)) return std::make_unique<ArchiveMemberStream>(path, member);
  return InputStream::open(path);
}

}  // namespace rpdata::io
