// WARC/1.0 writer: one gzip member per record (CommonCrawl's and wget's layout), written to a
// temporary name and renamed on close(). Stores the Wikipedia-reference pages the quality
// classifier is trained on (RedPajama ran `wget --warc-file`, spec §1.7); WarcReader reads
// the result back.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rpdata/io/warc.h"

namespace rpdata::io {

// "2023-04-01T12:34:56Z" (WARC-Date, ISO 28500 §5.4, second precision).
std::string warc_date(std::chrono::system_clock::time_point t);
// "sha1:<base32>" as in WARC-Block-Digest / WARC-Payload-Digest (RFC 4648 base32, upper case).
std::string warc_sha1_digest(std::string_view data);
// "<urn:uuid:...>" derived from `seed` (SHA-1 name-based, RFC 4122 version 5 layout), so a
// rerun over the same inputs writes the same ids.
std::string warc_record_id(std::string_view seed);

class WarcWriter {
 public:
  // Creates parent directories; the file appears under `path` only after close().
  explicit WarcWriter(std::filesystem::path path, int level = 6);
  ~WarcWriter();  // an unclosed writer removes its temporary file
  WarcWriter(const WarcWriter&) = delete;
  WarcWriter& operator=(const WarcWriter&) = delete;

  // Writes "WARC/1.0", WARC-Type, `headers` in order, Content-Length, a blank line, `block`
  // and CRLF CRLF, as one gzip member. `headers` must not contain WARC-Type or Content-Length.
  void write(std::string_view type, const std::vector<HeaderField>& headers, std::string_view block);

  // A warcinfo record (application/warc-fields) from "name: value" fields.
  void write_warcinfo(const std::vector<HeaderField>& fields, std::string_view filename,
                      std::string_view date);
  // A response record for `http_block` (status line + headers + CRLF + payload) with
  // WARC-Target-URI, WARC-Date, WARC-Record-ID, WARC-Block-Digest, WARC-Payload-Digest and,
  // when the payload was cut, WARC-Truncated: length.
  void write_response(std::string_view url, std::string_view date, std::string_view http_block,
                      bool truncated = false);

  void close();
  uint64_t records() const { return records_; }
  uint64_t bytes_written() const { return bytes_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::filesystem::path path_;
  uint64_t records_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace rpdata::io
