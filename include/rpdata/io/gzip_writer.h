// gzip file writer (zlib), used to produce the bundled offline sample in the raw formats
// the real sources publish (C4's .json.gz). Written to a temp name, renamed on close().
#pragma once

#include <filesystem>
#include <memory>
#include <string_view>

namespace rpdata::io {

class GzipWriter {
 public:
  explicit GzipWriter(std::filesystem::path path, int level = 6);
  ~GzipWriter();
  void write(std::string_view data);
  // Ends the current gzip member; later writes start a new one (multi-member files such as
  // CommonCrawl's WARC/WET, one member per record).
  void end_member();
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rpdata::io
