#include "rpdata/io/fs.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "rpdata/core/error.h"

namespace rpdata::io {
namespace fs = std::filesystem;

std::filesystem::path temp_sibling(const fs::path& path) {
  static std::atomic<uint64_t> counter{0};
  return path.parent_path() / ("." + path.filename().string() + ".tmp." +
                               std::to_string(::getpid()) + "." + std::to_string(counter++));
}

void fsync_path(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError(std::string("cannot open for fsync: ") + std::strerror(errno), path.string());
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0 && err != EINVAL) throw IoError(std::string("fsync failed: ") + std::strerror(err), path.string());
}

void rename_durable(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0)
    throw IoError(std::string("rename from ") + from.string() + " failed: " + std::strerror(errno),
                  to.string());
  fs::path dir = to.parent_path();
  fsync_path(dir.empty() ? fs::path(".") : dir);
}

void write_file_atomic(const fs::path& path, std::string_view data) {
  if (!path.parent_path().empty()) fs::create_directories(path.parent_path());
  fs::path tmp = temp_sibling(path);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError(std::string("cannot create: ") + std::strerror(errno), tmp.string());
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw IoError(std::string("write failed: ") + std::strerror(err), tmp.string(), done);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw IoError(std::string("fsync/close failed: ") + std::strerror(err), tmp.string());
  }
  rename_durable(tmp, path);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open", path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw IoError("read error", path.string());
  return ss.str();
}

}  // namespace rpdata::io
