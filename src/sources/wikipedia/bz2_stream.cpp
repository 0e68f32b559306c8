// Streaming multistream bzip2 decoding with libbz2 (see bz2_stream.h).
#include "bz2_stream.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "rpdata/core/error.h"

namespace rpdata::sources::wikipedia::detail {

Bz2Stream::Bz2Stream(std::string path, uint64_t begin, uint64_t end)
    : path_(std::move(path)), header_(begin > 0), in_(1 << 20), begin_(begin), end_(end) {
  file_ = std::fopen(path_.c_str(), "rb");
  if (!file_) throw InputError(std::string("cannot open: ") + std::strerror(errno), path_);
  if (begin_ == 0) return;
  std::error_code ec;
  uint64_t size = std::filesystem::file_size(path_, ec);
  if (!ec && begin_ >= size)
    throw InputError("byte range starts at " + std::to_string(begin_) + ", past the end of the file (" +
                         std::to_string(size) + " bytes)",
                     path_, begin_);
  if (end_ && end_ <= begin_) throw InputError("empty byte range [" + std::to_string(begin_) + ", " +
                                                   std::to_string(end_) + ")", path_, begin_);
}

void Bz2Stream::seek_range() {
  header_ = false;
  if (std::fseek(file_, static_cast<long>(begin_), SEEK_SET) != 0)
    throw InputError(std::string("cannot seek: ") + std::strerror(errno), path_, begin_);
  z_.avail_in = 0;
  consumed_ = pos_ = begin_;
}

Bz2Stream::~Bz2Stream() {
  if (open_) BZ2_bzDecompressEnd(&z_);
  if (file_) std::fclose(file_);
}

bool Bz2Stream::is_bz2(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  char m[3] = {0, 0, 0};
  size_t got = std::fread(m, 1, 3, f);
  std::fclose(f);
  return got == 3 && m[0] == 'B' && m[1] == 'Z' && m[2] == 'h';
}

bool Bz2Stream::refill() {
  size_t want = in_.size();
  if (end_ && !header_) {
    if (pos_ >= end_) return false;
    want = static_cast<size_t>(std::min<uint64_t>(want, end_ - pos_));
  }
  size_t got = std::fread(in_.data(), 1, want, file_);
  if (got == 0) {
    if (std::ferror(file_)) throw InputError(std::string("read error: ") + std::strerror(errno), path_, consumed_);
    return false;
  }
  pos_ += got;
  z_.next_in = in_.data();
  z_.avail_in = static_cast<unsigned int>(got);
  return true;
}

size_t Bz2Stream::read(char* buf, size_t n) {
  if (pending_) std::rethrow_exception(std::exchange(pending_, nullptr));
  if (done_ || n == 0) return 0;
  z_.next_out = buf;
  z_.avail_out = static_cast<unsigned int>(std::min<size_t>(n, 1u << 30));
  try {
    fill();
  } catch (const std::exception&) {
    // Return what this call decoded before the damage; the error comes with the next call.
    if (std::min<size_t>(n, 1u << 30) == z_.avail_out) throw;
    pending_ = std::current_exception();
  }
  size_t got = std::min<size_t>(n, 1u << 30) - z_.avail_out;
  produced_ += got;
  return got;
}

void Bz2Stream::fill() {
  while (z_.avail_out > 0) {
    if (z_.avail_in == 0 && !refill()) {
      if (in_stream_ && end_ && !header_ && pos_ >= end_)
        throw InputError("the byte range ends inside a bzip2 stream at byte " + std::to_string(end_) +
                             " (the multistream index names no stream start there)",
                         path_, consumed_);
      if (in_stream_)
        throw TruncatedInputError("bzip2 data ends inside a stream (truncated dump)", path_, consumed_);
      done_ = true;
      break;
    }
    if (!open_) {
      if (BZ2_bzDecompressInit(&z_, 0, 0) != BZ_OK) throw InputError("bzip2 init failed", path_, consumed_);
      open_ = true;
      in_stream_ = true;
    }
    unsigned int before = z_.avail_in;
    uint64_t stream_start = consumed_;
    bool fresh = z_.total_in_lo32 == 0 && z_.total_in_hi32 == 0;
    int rc = BZ2_bzDecompress(&z_);
    consumed_ += before - z_.avail_in;
    used_ += before - z_.avail_in;
    if (rc == BZ_STREAM_END && header_) {  // the siteinfo header is out: on to the range
      BZ2_bzDecompressEnd(&z_);
      open_ = false;
      in_stream_ = false;
      seek_range();
      continue;
    }
    if (rc == BZ_DATA_ERROR_MAGIC && fresh)
      throw InputError("no bzip2 stream starts at byte " + std::to_string(stream_start), path_, stream_start);
    if (rc == BZ_STREAM_END) {
      // Multistream: the next stream (if any) starts right after this one.
      char* next_in = z_.next_in;
      unsigned int avail = z_.avail_in;
      BZ2_bzDecompressEnd(&z_);
      open_ = false;
      in_stream_ = false;
      z_.next_in = next_in;
      z_.avail_in = avail;
      continue;
    }
    if (rc != BZ_OK)
      throw InputError("corrupt bzip2 data (libbz2 error " + std::to_string(rc) + ")", path_, consumed_);
  }
}

}  // namespace rpdata::sources::wikipedia::detail
