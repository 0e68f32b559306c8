// Hugging Face Hub datasets publish each LFS file's sha256 and size in its pointer file, at
// the same path under /raw/ instead of /resolve/. A mirror of such files (no /resolve/ in the
// base URL) may publish a sha256sum-style checksums_file instead; without one, downloads from
// it are checked by length only.
#include <spdlog/spdlog.h>

#include <sstream>

#include "builtin_types.h"
#include "rpdata/core/error.h"
#include "rpdata/download/builtin.h"

namespace rpdata::download {
namespace {

class HfLfsPointer : public Checksums {
 public:
  explicit HfLfsPointer(std::string file) : file_(std::move(file)) {}

  Published load(const ChecksumContext& ctx) const override {
    if (ctx.base.empty() || ctx.base.find("/resolve/") != std::string::npos) return {};
    try {
      return parse_sha256sums(ctx.fetcher.get(ctx.url_of(file_)));
    } catch (const DownloadError& e) {
      spdlog::warn("mirror publishes no {} ({}); downloads are checked by length only", file_, e.what());
      return {};
    }
  }

  io::Expect expect(const PlanUnit& file, const Published& table, const ChecksumContext& ctx) const override {
    if (!table.empty()) return published_entry(table, file);
    auto pos = file.url.find("/resolve/");
    if (pos == std::string::npos) return {};
    std::string pointer_url = file.url.substr(0, pos) + "/raw/" + file.url.substr(pos + 9);
    std::string pointer = ctx.fetcher.get(pointer_url);
    io::Expect e;
    std::istringstream in(pointer);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("oid sha256:", 0) == 0) e.sha256 = line.substr(11);
      if (line.rfind("size ", 0) == 0) e.size = std::stoull(line.substr(5));
    }
    if (e.sha256.size() != 64 || !e.size)
      throw DownloadError("the Hub's LFS pointer has no 'oid sha256:' and 'size' lines", pointer_url);
    return e;
  }

 private:
  std::string file_;
};

}  // namespace

ChecksumType hf_lfs_pointer_type() {
  return {"hf_lfs_pointer",
          "each file's Hugging Face LFS pointer (/raw/ for /resolve/); a mirror's checksums_file if it has one",
          {checksums_file_key("a mirror's sums file, used instead of the pointers when the mirror has one")},
          [](const Params& d) { return std::make_unique<HfLfsPointer>(d.get_string("checksums_file")); }};
}

}  // namespace rpdata::download
