#include "rpdata/io/hashing_zstd_stream.h"

#include <zstd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "rpdata/core/error.h"
#include "rpdata/io/hash.h"

namespace rpdata::io {

struct HashingZstdStream::Impl {
  std::FILE* file = nullptr;
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  std::vector<char> in_buf = std::vector<char>(ZSTD_DStreamInSize());
  ZSTD_inBuffer in{nullptr, 0, 0};
  Hasher sha256;
  size_t frame_left = 0;  // the last progressing call's hint: 0 when a frame just ended
  bool pending = false;   // the last call filled the output: the decoder may hold more
  bool eof = false;
  ~Impl() {
    if (file) std::fclose(file);
    ZSTD_freeDCtx(dctx);
  }
};

HashingZstdStream::HashingZstdStream(const std::filesystem::path& path)
    : impl_(std::make_unique<Impl>()), path_(path.string()) {
  impl_->file = std::fopen(path_.c_str(), "rb");
  if (!impl_->file) throw InputError(std::string("cannot open: ") + std::strerror(errno), path_);
  impl_->in.src = impl_->in_buf.data();
}

HashingZstdStream::~HashingZstdStream() = default;

size_t HashingZstdStream::read(char* buf, size_t n) {
  Impl& s = *impl_;
  ZSTD_outBuffer out{buf, n, 0};
  while (out.pos < out.size && !s.eof) {
    if (s.in.pos == s.in.size && !s.pending) {
      size_t got = std::fread(s.in_buf.data(), 1, s.in_buf.size(), s.file);
      if (got == 0) {
        if (std::ferror(s.file)) throw InputError(std::string("read failed: ") + std::strerror(errno), path_, compressed_offset_);
        s.eof = true;
        if (s.frame_left != 0) throw TruncatedInputError("zstd stream ends inside a frame", path_, compressed_offset_);
        break;
      }
      s.sha256.update(std::string_view(s.in_buf.data(), got));
      s.in = {s.in_buf.data(), got, 0};
    }
    size_t before = s.in.pos, produced = out.pos;
    size_t hint = ZSTD_decompressStream(s.dctx, &out, &s.in);
    if (ZSTD_isError(hint))
      throw InputError(std::string("corrupt zstd data: ") + ZSTD_getErrorName(hint), path_, compressed_offset_);
    // A call without progress (no input left at a frame's end) asks for the next frame's
    // header: that is not a frame left unfinished.
    if (s.in.pos != before || out.pos != produced) s.frame_left = hint;
    compressed_offset_ += s.in.pos - before;
    s.pending = out.pos == out.size;
  }
  offset_ += out.pos;
  return out.pos;
}

std::string HashingZstdStream::sha256_hex() {
  if (!impl_->eof) throw std::logic_error("HashingZstdStream::sha256_hex before the end of " + path_);
  return impl_->sha256.hex_digest();
}

}  // namespace rpdata::io
