#include "rpdata/io/fs.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>

#include "rpdata/core/error.h"

namespace rpdata::io {
namespace fs = std::filesystem;

std::filesystem::path temp_sibling(const fs::path& path) {
  static std::atomic<uint64_t> counter{0};
  return path.parent_path() / ("." + path.filename().string() + ".tmp." +
                               std::to_string(::getpid()) + "." + std::to_string(counter++));
}

namespace {

// The pid in a temp_sibling name ".<name>.tmp.<pid>.<n>", or 0 for any other name.
pid_t temp_sibling_pid(const std::string& name) {
  if (name.size() < 2 || name[0] != '.') return 0;
  size_t tmp = name.rfind(".tmp.");
  if (tmp == std::string::npos || tmp == 0) return 0;
  std::string_view rest = std::string_view(name).substr(tmp + 5);
  size_t dot = rest.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == rest.size()) return 0;
  auto all_digits = [](std::string_view v) {
    for (char c : v)
      if (c < '0' || c > '9') return false;
    return true;
  };
  std::string_view pid = rest.substr(0, dot), n = rest.substr(dot + 1);
  if (pid.size() > 9 || !all_digits(pid) || !all_digits(n)) return 0;
  return static_cast<pid_t>(std::stol(std::string(pid)));
}

bool process_running(pid_t pid) { return pid == ::getpid() || ::kill(pid, 0) == 0 || errno == EPERM; }

}  // namespace

size_t remove_stale_temp_siblings(const fs::path& dir) {
  size_t removed = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    pid_t pid = temp_sibling_pid(it->path().filename().string());
    if (pid <= 0 || process_running(pid)) continue;
    if (fs::remove(it->path(), ec)) ++removed;
  }
  return removed;
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
