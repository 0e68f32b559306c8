// Internal to the downloader: where a transfer's bytes go (the locked .part file or memory)
// and the flock that gives one writer per destination across threads and processes.
#pragma once

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <string>

#include "rpdata/core/error.h"

namespace rpdata::io::http {
namespace fs = std::filesystem;

// Where a transfer's body goes: the .part file (fetch) or memory (get).
class Sink {
 public:
  virtual ~Sink() = default;
  virtual uint64_t size() const = 0;
  virtual void truncate() = 0;
  virtual void append(const char* data, size_t n) = 0;
  // True when the sink takes no more bytes (get_page's size cap); the transfer stops.
  virtual bool full() const { return false; }
};

class MemorySink : public Sink {
 public:
  uint64_t size() const override { return body_.size(); }
  void truncate() override { body_.clear(); }
  void append(const char* data, size_t n) override { body_.append(data, n); }
  std::string take() { return std::move(body_); }

 private:
  std::string body_;
};

// Memory, keeping at most `cap` bytes; full() once the cap is reached.
class CappedMemorySink : public Sink {
 public:
  explicit CappedMemorySink(uint64_t cap) : cap_(cap) {}
  uint64_t size() const override { return body_.size(); }
  void truncate() override { body_.clear(); }
  void append(const char* data, size_t n) override {
    body_.append(data, static_cast<size_t>(std::min<uint64_t>(n, cap_ - body_.size())));
  }
  bool full() const override { return body_.size() >= cap_; }
  std::string take() { return std::move(body_); }

 private:
  uint64_t cap_;
  std::string body_;
};

// The locked .part file, opened O_APPEND so a truncate to 0 restarts it in place.
class FileSink : public Sink {
 public:
  FileSink(int fd, fs::path path) : fd_(fd), path_(std::move(path)) {
    struct stat st {};
    if (::fstat(fd_, &st) != 0)
      throw IoError(std::string("fstat failed: ") + std::strerror(errno), path_.string());
    size_ = static_cast<uint64_t>(st.st_size);
  }
  uint64_t size() const override { return size_; }
  void truncate() override {
    if (::ftruncate(fd_, 0) != 0)
      throw IoError(std::string("truncate failed: ") + std::strerror(errno), path_.string());
    size_ = 0;
  }
  void append(const char* data, size_t n) override {
    while (n > 0) {
      ssize_t w = ::write(fd_, data, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        throw IoError(std::string("write failed: ") + std::strerror(errno), path_.string(), size_);
      }
      data += w;
      n -= static_cast<size_t>(w);
      size_ += static_cast<uint64_t>(w);
    }
  }

 private:
  int fd_;
  fs::path path_;
  uint64_t size_ = 0;
};

// Exclusive flock on the .part file: one writer per destination across threads and processes.
class PartLock {
 public:
  PartLock() = default;
  PartLock(const PartLock&) = delete;
  PartLock& operator=(const PartLock&) = delete;
  ~PartLock() { release(); }

  // Opens and locks `part`; false if the file was renamed or removed while we waited for the
  // lock (another writer finished), in which case the caller starts over.
  bool acquire(const fs::path& part) {
    fd_ = ::open(part.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) throw IoError(std::string("cannot open: ") + std::strerror(errno), part.string());
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno != EINTR) {
        int err = errno;
        release();
        throw IoError(std::string("cannot lock: ") + std::strerror(err), part.string());
      }
    }
    struct stat held {}, now {};
    if (::fstat(fd_, &held) != 0 || ::stat(part.c_str(), &now) != 0 || held.st_ino != now.st_ino ||
        held.st_dev != now.st_dev) {
      release();
      return false;
    }
    return true;
  }
  int fd() const { return fd_; }
  void release() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

}  // namespace rpdata::io::http
