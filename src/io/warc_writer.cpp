#include "rpdata/io/warc_writer.h"

#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/hash.h"

namespace rpdata::io {
namespace fs = std::filesystem;

namespace {

std::string sha1_raw(std::string_view data) {
  Hasher h(Hasher::Algo::kSha1);
  h.update(data);
  return h.digest();
}

std::string base32(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  while (out.size() % 8 != 0) out.push_back('=');
  return out;
}

// One complete gzip member holding `data`.
std::string gzip_member(std::string_view data, int level) {
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw IoError("deflateInit2 failed");
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  size_t n = out.size() - zs.avail_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw IoError("deflate failed");
  out.resize(n);
  return out;
}

}  // namespace

std::string warc_date(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string warc_sha1_digest(std::string_view data) { return "sha1:" + base32(sha1_raw(data)); }

std::string warc_record_id(std::string_view seed) {
  std::string h = sha1_raw(seed);
  h[6] = static_cast<char>((h[6] & 0x0f) | 0x50);  // version 5
  h[8] = static_cast<char>((h[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "<urn:uuid:";
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[(static_cast<unsigned char>(h[i]) >> 4) & 15]);
    out.push_back(kHex[static_cast<unsigned char>(h[i]) & 15]);
  }
  out += ">";
  return out;
}

struct WarcWriter::Impl {
  fs::path tmp;
  std::FILE* file = nullptr;
  int level = 6;
};

WarcWriter::WarcWriter(fs::path path, int level) : impl_(std::make_unique<Impl>()), path_(std::move(path)) {
  std::error_code ec;
  if (!path_.parent_path().empty()) fs::create_directories(path_.parent_path(), ec);
  impl_->tmp = temp_sibling(path_);
  impl_->level = level;
  impl_->file = std::fopen(impl_->tmp.c_str(), "wb");
  if (!impl_->file) throw IoError(std::string("cannot create: ") + std::strerror(errno), impl_->tmp.string());
}

WarcWriter::~WarcWriter() {
  if (impl_ && impl_->file) {
    std::fclose(impl_->file);
    std::error_code ec;
    fs::remove(impl_->tmp, ec);
  }
}

void WarcWriter::write(std::string_view type, const std::vector<HeaderField>& headers, std::string_view block) {
  if (!impl_->file) throw IoError("write after close", path_.string());
  std::string rec = "WARC/1.0\r\nWARC-Type: ";
  rec += type;
  rec += "\r\n";
  for (const auto& h : headers) {
    for (char c : h.name + h.value)
      if (c == '\r' || c == '\n') throw IoError("WARC header with a line break: " + h.name, path_.string());
    rec += h.name;
    rec += ": ";
    rec += h.value;
    rec += "\r\n";
  }
  rec += "Content-Length: " + std::to_string(block.size()) + "\r\n\r\n";
  rec += block;
  rec += "\r\n\r\n";
  std::string gz = gzip_member(rec, impl_->level);
  if (std::fwrite(gz.data(), 1, gz.size(), impl_->file) != gz.size())
    throw IoError(std::string("write failed: ") + std::strerror(errno), impl_->tmp.string(), bytes_);
  bytes_ += gz.size();
  ++records_;
}

void WarcWriter::write_warcinfo(const std::vector<HeaderField>& fields, std::string_view filename,
                                std::string_view date) {
  std::string block;
  for (const auto& f : fields) block += f.name + ": " + f.value + "\r\n";
  std::vector<HeaderField> h = {
      {"WARC-Date", std::string(date)},
      {"WARC-Filename", std::string(filename)},
      {"WARC-Record-ID", warc_record_id("warcinfo\n" + std::string(filename) + "\n" + block)},
      {"Content-Type", "application/warc-fields"}};
  write("warcinfo", h, block);
}

void WarcWriter::write_response(std::string_view url, std::string_view date, std::string_view http_block,
                                bool truncated) {
  size_t split = http_block.find("\r\n\r\n");
  std::string_view payload = split == std::string_view::npos ? std::string_view() : http_block.substr(split + 4);
  std::vector<HeaderField> h = {
      {"WARC-Target-URI", std::string(url)},
      {"WARC-Date", std::string(date)},
      {"WARC-Record-ID", warc_record_id(std::string("response\n") + std::string(url) + "\n" + std::string(date))},
      {"Content-Type", "application/http; msgtype=response"},
      {"WARC-Block-Digest", warc_sha1_digest(http_block)},
      {"WARC-Payload-Digest", warc_sha1_digest(payload)}};
  if (truncated) h.push_back({"WARC-Truncated", "length"});
  write("response", h, http_block);
}

void WarcWriter::close() {
  if (!impl_->file) return;
  bool ok = std::fflush(impl_->file) == 0;
  ok = (std::fclose(impl_->file) == 0) && ok;
  impl_->file = nullptr;
  if (!ok) throw IoError("cannot flush", impl_->tmp.string());
  fsync_path(impl_->tmp);
  rename_durable(impl_->tmp, path_);
}

}  // namespace rpdata::io
