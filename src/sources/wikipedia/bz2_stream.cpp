// Streaming multistream bzip2 decoding with libbz2 (see bz2_stream.h).
#include "bz2_stream.h"

#include <cerrno>
#include <cstring>
#include <utility>

#include "rpdata/core/error.h"

namespace rpdata::sources::wikipedia::detail {

Bz2Stream::Bz2Stream(std::string path) : path_(std::move(path)), in_(1 << 20) {
  file_ = std::fopen(path_.c_str(), "rb");
  if (!file_) throw InputError(std::string("cannot open: ") + std::strerror(errno), path_);
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
  size_t got = std::fread(in_.data(), 1, in_.size(), file_);
  if (got == 0) {
    if (std::ferror(file_)) throw InputError(std::string("read error: ") + std::strerror(errno), path_, consumed_);
    return false;
  }
  read_ += got;
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
    int rc = BZ2_bzDecompress(&z_);
    consumed_ += before - z_.avail_in;
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
