#include "rpdata/io/input_stream.h"

#include <archive.h>
#include <zlib.h>

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

// gzip through zlib: concatenated members are one stream (RFC 1952 §2.2); every member's
// CRC32 and ISIZE are checked by inflate. A stream that ends inside a member is truncated.
class GzipStream final : public InputStream {
 public:
  explicit GzipStream(std::string path) : path_(std::move(path)), in_(kReadChunk) {
    std::memset(&z_, 0, sizeof(z_));
    if (inflateInit2(&z_, 15 + 16) != Z_OK) throw InputError("zlib init failed", path_);
    file_ = std::fopen(path_.c_str(), "rb");
    if (!file_) {
      int err = errno;
      inflateEnd(&z_);
      throw InputError(std::string("cannot open: ") + std::strerror(err), path_);
    }
  }
  ~GzipStream() override {
    inflateEnd(&z_);
    if (file_) std::fclose(file_);
  }

  // Bytes decoded before damage are returned first; the error is thrown on the next call.
  size_t read(char* buf, size_t n) override {
    if (pending_) std::rethrow_exception(std::exchange(pending_, nullptr));
    if (done_ || n == 0) return 0;
    try {
      return read_some(buf, n);
    } catch (const InputError&) {
      size_t got = n - z_.avail_out;
      if (got == 0) throw;
      pending_ = std::current_exception();
      out_total_ += got;
      return got;
    }
  }

  size_t read_some(char* buf, size_t n) {
    z_.next_out = reinterpret_cast<Bytef*>(buf);
    z_.avail_out = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
    while (z_.avail_out > 0) {
      if (z_.avail_in == 0 && !refill()) {
        if (in_member_) throw TruncatedInputError("truncated gzip stream (ends inside a member)", path_, consumed());
        done_ = true;
        break;
      }
      int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
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
        inflateReset(&z_);
        continue;
      }
      if (rc == Z_OK || rc == Z_BUF_ERROR) {
        in_member_ = true;
        if (rc == Z_BUF_ERROR && z_.avail_in != 0) break;
        continue;
      }
      std::string msg = z_.msg ? z_.msg : "inflate error " + std::to_string(rc);
      throw InputError("corrupt gzip data: " + msg, path_, consumed());
    }
    size_t got = n - z_.avail_out;
    out_total_ += got;
    return got;
  }

  uint64_t compressed_offset() const override { return consumed(); }
  uint64_t offset() const override { return out_total_; }
  const std::string& path() const override { return path_; }

 private:
  uint64_t consumed() const { return file_pos_ - z_.avail_in; }
  bool refill() {
    size_t got = std::fread(in_.data(), 1, in_.size(), file_);
    if (got == 0) {
      if (std::ferror(file_)) throw InputError(std::string("read error: ") + std::strerror(errno), path_, file_pos_);
      return false;
    }
    file_pos_ += got;
    z_.next_in = reinterpret_cast<Bytef*>(in_.data());
    z_.avail_in = static_cast<uInt>(got);
    return true;
  }

  std::string path_;
  std::FILE* file_ = nullptr;
  z_stream z_;
  std::vector<char> in_;
  uint64_t file_pos_ = 0;
  uint64_t out_total_ = 0;
  bool in_member_ = false;
  bool done_ = false;
  std::exception_ptr pending_;
};

// Everything else via libarchive's raw format with every filter (bz2, xz, zstd, lz4, none).
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
