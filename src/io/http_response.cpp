// parse_http_response: an HTTP response out of a WARC `response` block, with chunked
// transfer decoding (decode_chunked) and gzip content decoding bounded in size.
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "rpdata/io/warc.h"
#include "header_fields.h"

namespace rpdata::io {

using header_fields::add_header_line;
using header_fields::trim;

std::optional<std::string> decode_chunked(std::string_view body) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t eol = body.find('\n', pos);
    if (eol == std::string_view::npos) return std::nullopt;
    std::string_view size_line = trim(body.substr(pos, eol - pos));
    size_t semi = size_line.find(';');
    if (semi != std::string_view::npos) size_line = trim(size_line.substr(0, semi));
    if (size_line.empty() || size_line.size() > 15) return std::nullopt;
    uint64_t size = 0;
    for (char c : size_line) {
      int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (d < 0) return std::nullopt;
      size = size * 16 + static_cast<uint64_t>(d);
    }
    pos = eol + 1;
    if (size == 0) return out;  // trailers, if any, are ignored
    if (size > body.size() - pos) return std::nullopt;
    out.append(body.substr(pos, size));
    pos += size;
    if (body.substr(pos, 2) == "\r\n") pos += 2;
    else if (body.substr(pos, 1) == "\n") pos += 1;
  }
}

namespace {

// Inflates gzip (all members); nullopt if corrupt or larger than `max`.
std::optional<std::string> gunzip(std::string_view in, uint64_t max) {
  z_stream z;
  std::memset(&z, 0, sizeof(z));
  if (inflateInit2(&z, 15 + 16) != Z_OK) return std::nullopt;
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  char buf[1 << 16];
  bool ok = false;
  while (true) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof(buf);
    int rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - z.avail_out);
    if (out.size() > max) break;
    if (rc == Z_STREAM_END) {
      if (z.avail_in == 0 || z.next_in[0] != 0x1f) {
        ok = true;
        break;
      }
      inflateReset(&z);
      continue;
    }
    if (rc != Z_OK) break;  // Z_BUF_ERROR here means the input ended inside the member
  }
  inflateEnd(&z);
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace

std::optional<HttpResponse> parse_http_response(std::string_view block, std::string* error,
                                                const HttpOptions& options) {
  auto set_error = [&](const char* e) {
    if (error) *error = e;
    return std::nullopt;
  };
  HttpResponse r;
  size_t pos = 0;
  bool first = true, ended = false;
  while (pos < block.size()) {
    size_t eol = block.find('\n', pos);
    if (eol == std::string_view::npos) break;
    std::string_view line = block.substr(pos, eol - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = eol + 1;
    if (first) {
      if (line.substr(0, 5) != "HTTP/") return set_error("no HTTP status line");
      r.status_line = std::string(line);
      size_t sp = line.find(' ');
      if (sp != std::string_view::npos) {
        std::string_view code = line.substr(sp + 1, 3);
        if (code.size() == 3 && std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }))
          r.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
      }
      first = false;
      continue;
    }
    if (line.empty()) {
      ended = true;
      break;
    }
    // Lenient: a header line without a colon is kept as a nameless field, never fatal.
    if (!add_header_line(r.headers, line)) r.headers.add("", std::string(trim(line)));
  }
  if (first) return set_error("no HTTP status line");
  if (!ended) return set_error("HTTP headers not terminated by a blank line");
  std::string_view body = block.substr(pos);

  std::string_view te = r.headers.get("Transfer-Encoding");
  std::optional<std::string> dechunked;
  if (options.decode_chunked && te.find("chunked") != std::string_view::npos &&
      (dechunked = decode_chunked(body))) {
    r.chunked = true;
    r.payload = std::move(*dechunked);
  } else {
    r.payload = std::string(body);
  }
  std::string ce(trim(r.headers.get("Content-Encoding")));
  std::transform(ce.begin(), ce.end(), ce.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; });
  if (ce.empty() || ce == "identity") {
    r.content_encoding = "identity";
  } else if (ce == "gzip" || ce == "x-gzip") {
    if (r.payload.size() < 2 || static_cast<unsigned char>(r.payload[0]) != 0x1f ||
        static_cast<unsigned char>(r.payload[1]) != 0x8b) {
      r.content_encoding = "gzip_not_compressed";
    } else if (!options.decode_gzip) {
      r.content_encoding = "gzip_not_decoded";
    } else if (auto plain = gunzip(r.payload, options.max_decoded_bytes)) {
      r.payload = std::move(*plain);
      r.content_encoding = "gzip";
    } else {
      r.content_encoding = "gzip_corrupt";
    }
  } else {
    r.content_encoding = ce;
  }
  return r;
}

}  // namespace rpdata::io
