// Placeholder until the libcurl implementation lands (same session).
#include "rpdata/io/http_fetch.h"
#include "rpdata/core/error.h"
namespace rpdata::io {
struct Fetcher::Impl {};
Fetcher::Fetcher(FetchOptions) : impl_(std::make_unique<Impl>()) {}
Fetcher::~Fetcher() = default;
FetchResult Fetcher::fetch(const std::string& url, const std::filesystem::path&, const Expect&) {
  throw DownloadError("downloader not built yet", url);
}
std::string Fetcher::get(const std::string& url) { throw DownloadError("downloader not built yet", url); }
}  // namespace rpdata::io
