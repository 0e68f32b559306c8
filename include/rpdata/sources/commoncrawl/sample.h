// The CommonCrawl part of the bundled offline sample: a few small WET segments in the real
// 2019-era WET format (one gzip member per record, warcinfo + conversion records, cc_net's
// header positions) and the dump's wet.paths.gz listing, with English and non-English pages,
// boilerplate lines shared across pages (line dedup removes them) and pages of varying
// fluency (so perplexity buckets differ). Deterministic: same options -> identical bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace rpdata::sources::commoncrawl {

struct SampleOptions {
  int segments = 4;
  int docs_per_segment = 40;
  uint64_t seed = 20190715;
  std::string dump = "CC-MAIN-2019-30";
};

// Writes <dir>/crawl-data/<dump>/wet.paths.gz and the segments it lists; returns the paths
// written, relative to `dir` (listing first).
std::vector<std::string> write_sample(const std::filesystem::path& dir, const SampleOptions& options = {});

// "sha1:<BASE32>" of `block`, as CommonCrawl's WARC-Block-Digest.
std::string block_digest(std::string_view block);

}  // namespace rpdata::sources::commoncrawl
