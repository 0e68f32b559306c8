// Shared by the libFuzzer targets (tests/fuzz/*_fuzz.cpp): the input bytes as a file for the
// readers that take a path, and the runner's per-document work on what a reader yields
// (steps, then the JSONL record exactly as exec/runner.cpp serialises it).
// Contract of every target: the project's own errors (rpdata::Error and subclasses) are the
// expected outcome of bad input; anything else -- a crash, a sanitizer report, a leak or a
// foreign exception escaping the entry point -- is a finding.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "rpdata/core/document.h"
#include "rpdata/core/error.h"
#include "rpdata/core/step.h"
#include "rpdata/io/json_writer.h"
#include "rpdata/text/utf8.h"

namespace rpdata::fuzz {

inline std::string_view as_view(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The bytes written to a private file under /dev/shm (or the temp dir), removed again on
// destruction. `name` is the file name the reader sees (readers that take meaning from the
// name, e.g. a language or a site, get a fixed one).
class TempInput {
 public:
  TempInput(const uint8_t* data, size_t size, const std::string& name) {
    static std::atomic<uint64_t> counter{0};
    std::error_code ec;
    std::filesystem::path base = std::filesystem::is_directory("/dev/shm", ec)
                                     ? std::filesystem::path("/dev/shm")
                                     : std::filesystem::temp_directory_path();
    dir_ = base / ("rpdata-fuzz-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir_);
    path_ = dir_ / name;
    std::ofstream out(path_, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  ~TempInput() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempInput(const TempInput&) = delete;
  TempInput& operator=(const TempInput&) = delete;
  const std::filesystem::path& path() const { return path_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::filesystem::path path_;
};

// Aborts (a finding) unless `s` is valid UTF-8: every string a reader or step hands on must
// be, since the JSON writer's input contract requires it.
inline void require_utf8(std::string_view s, const char* what) {
  if (!text::is_valid_utf8(s)) {
    std::fprintf(stderr, "fuzz: %s is not valid UTF-8\n", what);
    std::abort();
  }
}

inline void require_utf8(const Document& doc) {
  require_utf8(doc.text, "document text");
  require_utf8(doc.id, "document id");
  for (const auto& [key, value] : doc.meta.entries()) {
    require_utf8(key, "meta key");
    if (const auto* s = std::get_if<std::string>(&value)) require_utf8(*s, "meta string");
  }
}

// Every batch of `reader` through `steps` in order, then each kept document serialised as the
// runner writes it. Returns the documents kept.
inline size_t drain(Reader& reader, const std::vector<Step*>& steps = {}) {
  size_t kept = 0;
  Batch batch;
  std::string line;
  while (reader.next(batch)) {
    for (Step* step : steps) step->process(batch);
    for (const Document& doc : batch.docs) {
      require_utf8(doc);
      line.clear();
      io::append_record(line, doc, io::JsonStyle::kPython, io::RecordLayout::kTextMeta);
      ++kept;
    }
  }
  return kept;
}

}  // namespace rpdata::fuzz
