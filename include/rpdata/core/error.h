// The project's one error type and its subclasses (CONVENTIONS.md "Errors").
// Task-fatal problems throw these with the input path, a byte offset and the source
// location; per-document problems are counted drops and never throw.
#pragma once

#include <cstdint>
#include <optional>
#include <source_location>
#include <stdexcept>
#include <string>
#include <utility>

namespace rpdata {

class Error : public std::runtime_error {
 public:
  Error(std::string message, std::string path = {}, std::optional<uint64_t> offset = std::nullopt,
        std::source_location where = std::source_location::current());

  const std::string& message() const { return message_; }
  const std::string& path() const { return path_; }
  std::optional<uint64_t> offset() const { return offset_; }
  // "src/io/foo.cpp:123" of the throw site, for bug reports.
  std::string where() const;
  // Exit code the CLI maps this error to: 1 task failed, 2 usage/config.
  virtual int exit_code() const { return 1; }

 private:
  std::string message_;
  std::string path_;
  std::optional<uint64_t> offset_;
  std::source_location where_;
};

// Bad recipe, unknown config key, bad flag value: exit code 2.
class ConfigError : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return 2; }
};

// Corrupt or unreadable input (bad gzip, truncated file): names file and byte offset.
class InputError : public Error {
 public:
  using Error::Error;
};

// Input that ends too early (a gzip stream cut inside a member): the bytes before the cut
// are intact, unlike corrupt data.
class TruncatedInputError : public InputError {
 public:
  using InputError::InputError;
};

// Local filesystem problems (cannot write, rename, disk full).
class IoError : public Error {
 public:
  using Error::Error;
};

// A download that could not be completed after all retries.
class DownloadError : public Error {
 public:
  using Error::Error;
};

// A download the server answered with an HTTP error status (after any retries): callers can
// tell a refusal (401, 403) from an absence (404).
class HttpStatusError : public DownloadError {
 public:
  HttpStatusError(long status, std::string message, std::string path = {},
                  std::source_location where = std::source_location::current())
      : DownloadError(std::move(message), std::move(path), std::nullopt, where), status_(status) {}
  long status() const { return status_; }

 private:
  long status_;
};

// A completed output that no longer verifies (size or sha256 mismatch).
class VerifyError : public Error {
 public:
  using Error::Error;
};

}  // namespace rpdata
