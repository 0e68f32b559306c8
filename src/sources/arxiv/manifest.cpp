// arXiv's bulk-data manifest and the requester-pays cost estimate made from it.
#include "rpdata/core/error.h"
#include "rpdata/io/s3.h"
#include "rpdata/sources/arxiv/arxiv.h"

namespace rpdata::sources::arxiv {
namespace {
std::string field(std::string_view block, std::string_view tag) {
  std::string open = "<" + std::string(tag) + ">", close = "</" + std::string(tag) + ">";
  size_t a = block.find(open);
  if (a == std::string_view::npos) return {};
  a += open.size();
  size_t b = block.find(close, a);
  return b == std::string_view::npos ? std::string() : io::xml_unescape(block.substr(a, b - a));
}
}  // namespace

std::vector<ManifestEntry> parse_manifest(std::string_view xml) {
  std::vector<ManifestEntry> out;
  for (size_t a = xml.find("<file>"); a != std::string_view::npos; a = xml.find("<file>", a + 1)) {
    size_t b = xml.find("</file>", a);
    if (b == std::string_view::npos) throw InputError("arXiv manifest: unterminated <file>", "", a);
    std::string_view f = xml.substr(a, b - a);
    ManifestEntry e;
    e.filename = field(f, "filename");
    std::string size = field(f, "size"), items = field(f, "num_items");
    try {
      e.size = size.empty() ? 0 : std::stoull(size);
      e.num_items = items.empty() ? 0 : std::stoll(items);
    } catch (const std::exception&) {
      throw InputError("arXiv manifest: bad <size> or <num_items> for " + e.filename, "", a);
    }
    e.md5 = field(f, "md5sum");
    e.yymm = field(f, "yymm");
    if (!e.filename.empty()) out.push_back(std::move(e));
  }
  if (out.empty()) throw InputError("arXiv manifest has no <file> entries");
  return out;
}

double requester_pays_usd(uint64_t bytes, uint64_t requests, double usd_per_gb) {
  return static_cast<double>(bytes) / static_cast<double>(1ull << 30) * usd_per_gb +
         static_cast<double>(requests) / 1000.0 * kGetUsdPer1000;
}

}  // namespace rpdata::sources::arxiv
