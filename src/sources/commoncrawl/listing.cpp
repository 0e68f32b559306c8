#include "rpdata/sources/commoncrawl/listing.h"

#include <cstdint>

#include "rpdata/core/error.h"
#include "rpdata/io/input_stream.h"
#include "rpdata/text/utf8.h"

namespace rpdata::sources::commoncrawl {

std::vector<std::string> read_listing(const std::filesystem::path& path) {
  auto in = io::InputStream::open(path);
  std::string data;
  char buf[1 << 16];
  while (size_t n = in->read(buf, sizeof(buf))) data.append(buf, n);
  std::vector<std::string> out;
  size_t start = 0, line_no = 0;
  while (start < data.size()) {
    size_t nl = data.find('\n', start);
    size_t end = nl == std::string::npos ? data.size() : nl;
    ++line_no;
    std::string_view raw(data.data() + start, end - start);
    std::string entry(text::python_strip(raw));
    auto bad = [&](const std::string& why) {
      throw InputError("listing line " + std::to_string(line_no) + ": " + why, path.string(), start);
    };
    if (entry.empty()) bad("empty entry");
    if (!text::is_valid_utf8(entry)) bad("not UTF-8");
    if (entry[0] == '/' || entry.find("..") != std::string::npos || entry.find('\\') != std::string::npos ||
        entry.find('\0') != std::string::npos || entry.find("://") != std::string::npos)
      bad("'" + entry + "' is not a relative segment path");
    out.push_back(std::move(entry));
    start = end + 1;
  }
  return out;
}

std::pair<size_t, size_t> ccnet_shard_range(size_t n, size_t num_shards, size_t shard) {
  if (num_shards == 0 || shard >= num_shards) throw Error("ccnet_shard_range: shard out of range");
  auto lo = static_cast<size_t>(static_cast<uint64_t>(shard) * n / num_shards);
  auto hi = static_cast<size_t>(static_cast<uint64_t>(shard + 1) * n / num_shards);
  return {lo, hi};
}

std::string segment_name_of(const std::filesystem::path& local_path) {
  std::string p = local_path.generic_string();
  size_t pos = p.rfind("crawl-data/");
  if (pos != std::string::npos && (pos == 0 || p[pos - 1] == '/')) return p.substr(pos);
  return local_path.filename().string();
}

}  // namespace rpdata::sources::commoncrawl
