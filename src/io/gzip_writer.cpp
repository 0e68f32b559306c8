#include "rpdata/io/gzip_writer.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>

#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"

namespace rpdata::io {

struct GzipWriter::Impl {
  std::filesystem::path path, tmp;
  gzFile gz = nullptr;
  uint64_t written = 0;  // uncompressed bytes accepted so far

  // zlib's message for the failed call (for a system error, zlib's text holds strerror).
  std::string why(const char* what) const {
    int code = Z_OK;
    const char* msg = gz ? gzerror(gz, &code) : nullptr;
    std::string out = what;
    if (msg && *msg) return out + ": " + msg;
    return out + ": " + (errno ? std::strerror(errno) : "zlib gave no reason");
  }
};

GzipWriter::GzipWriter(std::filesystem::path path, int level) : impl_(std::make_unique<Impl>()) {
  impl_->path = std::move(path);
  if (!impl_->path.parent_path().empty()) std::filesystem::create_directories(impl_->path.parent_path());
  impl_->tmp = temp_sibling(impl_->path);
  std::string mode = "wb" + std::to_string(level);
  impl_->gz = gzopen(impl_->tmp.c_str(), mode.c_str());
  if (!impl_->gz) throw IoError(std::string("cannot create: ") + std::strerror(errno), impl_->tmp.string());
}

GzipWriter::~GzipWriter() {
  if (impl_->gz) {
    gzclose(impl_->gz);
    std::error_code ec;
    std::filesystem::remove(impl_->tmp, ec);
  }
}

void GzipWriter::write(std::string_view data) {
  if (data.empty()) return;
  errno = 0;
  if (gzwrite(impl_->gz, data.data(), static_cast<unsigned>(data.size())) != static_cast<int>(data.size()))
    throw IoError(impl_->why("gzip write failed"), impl_->tmp.string(), impl_->written);
  impl_->written += data.size();
}

void GzipWriter::end_member() {
  errno = 0;
  if (gzflush(impl_->gz, Z_FINISH) != Z_OK)
    throw IoError(impl_->why("gzip flush failed"), impl_->tmp.string(), impl_->written);
}

void GzipWriter::close() {
  if (!impl_->gz) return;
  errno = 0;
  int rc = gzclose(impl_->gz);
  impl_->gz = nullptr;
  if (rc != Z_OK) {
    int err = errno;
    std::error_code ec;
    std::filesystem::remove(impl_->tmp, ec);
    throw IoError(std::string("gzip close failed: ") + (rc == Z_ERRNO && err ? std::strerror(err) : zError(rc)),
                  impl_->tmp.string(), impl_->written);
  }
  fsync_path(impl_->tmp);
  rename_durable(impl_->tmp, impl_->path);
}

}  // namespace rpdata::io
