#include "rpdata/io/input_stream.h"

#include <archive.h>
#include <isa-l/igzip_lib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <utility>
#include <vector>

#include "rpdata/core/error.h"
#include "rpdata/io/archive_error.h"

namespace rpdata::io {
namespace {

constexpr size_t kReadChunk = 1 << 20;

// gzip through ISA-L's igzip inflate (several times zlib's speed on one core, same bytes):
// concatenated members are one stream (RFC 1952 §2.2); every member's CRC32 and ISIZE are
// checked (ISAL_GZIP). A stream that ends inside a member is truncated.
class GzipStream final : public InputStream {
 public:
  explicit GzipStream(std::string path)
      : path_(std::move(path)), in_(std::make_unique_for_overwrite<char[]>(kReadChunk)) {
    isal_inflate_init(&z_);
    z_.crc_flag = ISAL_GZIP;
    file_ = std::fopen(path_.c_str(), "rb");
    if (!file_) {
      int err = errno;
      throw InputError(std::string("cannot open: ") + std::strerror(err), path_);
    }
  }
  ~GzipStream() override {
    if (file_) std::fclose(file_);
  }

  // Bytes decoded before damage are returned first; the error is thrown on the next call.
  size_t read(char* buf, size_t n) override {
    if (pending_) std::rethrow_exception(std::exchange(pending_, nullptr));
    if (done_ || n == 0) return 0;
    try {
      return read_some(buf, n);
    } catch (const InputError&) {
      size_t got = static_cast<size_t>(reinterpret_cast<char*>(z_.next_out) - buf);
      if (got == 0) throw;
      pending_ = std::current_exception();
      out_total_ += got;
      return got;
    }
  }

  size_t read_some(char* buf, size_t n) {
    z_.next_out = reinterpret_cast<uint8_t*>(buf);
    z_.avail_out = static_cast<uint32_t>(std::min<size_t>(n, 1u << 30));
    while (z_.avail_out > 0) {
      if (z_.avail_in == 0 && !refill()) {
        if (in_member_) throw TruncatedInputError("truncated gzip stream (ends inside a member)", path_, consumed());
        done_ = true;
        break;
      }
      in_member_ = true;
      int rc = isal_inflate(&z_);
      if (rc != ISAL_DECOMP_OK) throw InputError("corrupt gzip data: " + error_text(rc), path_, consumed());
      if (z_.block_state != ISAL_BLOCK_FINISH) continue;  // output full, or input used up
      in_member_ = false;
      // Another member may follow; skip trailing zero padding as gzip(1) does.
      while (true) {
        if (z_.avail_in == 0 && !refill()) break;
        if (*z_.next_in == 0) {
          ++z_.next_in;
          --z_.avail_in;
          continue;
        }
        break;
      }
      if (z_.avail_in == 0) {
        done_ = true;
        break;
      }
      isal_inflate_reset(&z_);  // keeps next_in/avail_in and crc_flag
    }
    size_t got = static_cast<size_t>(reinterpret_cast<char*>(z_.next_out) - buf);
    out_total_ += got;
    return got;
  }

  uint64_t compressed_offset() const override { return consumed(); }
  uint64_t offset() const override { return out_total_; }
  const std::string& path() const override { return path_; }

 private:
  static std::string error_text(int rc) {
    switch (rc) {
      case ISAL_INVALID_BLOCK: return "invalid deflate block";
      case ISAL_INVALID_SYMBOL: return "invalid deflate symbol";
      case ISAL_INVALID_LOOKBACK: return "invalid distance too far back";
      case ISAL_INVALID_WRAPPER: return "incorrect gzip header";
      case ISAL_UNSUPPORTED_METHOD: return "unknown compression method";
      case ISAL_INCORRECT_CHECKSUM: return "incorrect CRC32 or length check";
      case ISAL_NEED_DICT: return "needs a preset dictionary";
      default: return "inflate error " + std::to_string(rc);
    }
  }
  // Bytes of the file handed to the decoder (it may hold up to a few bytes read ahead).
  uint64_t consumed() const { return file_pos_ - z_.avail_in; }
  bool refill() {
    size_t got = std::fread(in_.get(), 1, kReadChunk, file_);
    if (got == 0) {
      if (std::ferror(file_)) throw InputError(std::string("read error: ") + std::strerror(errno), path_, file_pos_);
      return false;
    }
    file_pos_ += got;
    z_.next_in = reinterpret_cast<uint8_t*>(in_.get());
    z_.avail_in = static_cast<uint32_t>(got);
    return true;
  }

  std::string path_;
  std::FILE* file_ = nullptr;
  inflate_state z_{};
  std::unique_ptr<char[]> in_;
  uint64_t file_pos_ = 0;
  uint64_t out_total_ = 0;
  bool in_member_ = false;
  bool done_ = false;
  std::exception_ptr pending_;
};

class ArchiveStream final : public InputStream {
 public:
  explicit ArchiveStream(std::string path) : path_(std::move(path)), a_(new_archive_reader()) {
    archive_read_support_filter_all(a_.get());
    archive_read_support_format_raw(a_.get());
    archive_read_support_format_empty(a_.get());
    if (archive_read_open_filename(a_.get(), path_.c_str(), kReadChunk) != ARCHIVE_OK) fail("cannot open");
    archive_entry* entry = nullptr;
    int rc = archive_read_next_header(a_.get(), &entry);
    if (rc == ARCHIVE_EOF) {
      done_ = true;
    } else if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      fail("cannot read");
    }
  }

  size_t read(char* buf, size_t n) override {
    if (done_ || n == 0) return 0;
    la_ssize_t got = archive_read_data(a_.get(), buf, n);
    if (got < 0) fail("corrupt compressed data");
    if (got == 0) done_ = true;
    out_total_ += static_cast<uint64_t>(got);
    return static_cast<size_t>(got);
  }
  uint64_t compressed_offset() const override { return archive_compressed_offset(a_.get()); }
  uint64_t offset() const override { return out_total_; }
  const std::string& path() const override { return path_; }

 private:
  [[noreturn]] void fail(const std::string& what) {
    throw InputError(what + ": " + archive_error_text(a_.get()), path_, archive_compressed_offset(a_.get()));
  }
  std::string path_;
  ArchiveReadPtr a_;
  uint64_t out_total_ = 0;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<InputStream> InputStream::open(const std::filesystem::path& path) {
  unsigned char magic[2] = {0, 0};
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw InputError(std::string("cannot open: ") + std::strerror(errno), path.string());
  size_t got = std::fread(magic, 1, 2, f);
  std::fclose(f);
  if (got == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
    return std::make_unique<GzipStream>(path.string());
  // A non-empty ".gz" without gzip's magic is damaged, not plain text (an empty file reads
  // as empty, as Python's gzip module does).
  if (got > 0 && path.extension() == ".gz")
    throw InputError("not gzip data (no 1f 8b magic) although named .gz", path.string(), 0);
  return std::make_unique<ArchiveStream>(path.string());
}

}  // namespace rpdata::io
