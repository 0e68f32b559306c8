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

// A small fastText training file for the sample's quality classifier, in RedPajama's
// create_corpus.py form ("__label__wiki <lines joined by spaces>" / "__label__cc ..."): fluent
// English from the same sentence templates as the sample's pages vs word salad and
// boilerplate. Deterministic.
void write_classifier_training(const std::filesystem::path& file, uint64_t seed = 20230401);

// Fluent English sentences from half of each phrase list of the sample's page templates: the
// training text of the sample's stand-in SentencePiece + KenLM pair (cc_net's are several
// GB). Pages then score by how many phrases the model has not seen: fluent pages spread over
// the head and middle buckets, word salad lands in the tail. Deterministic.
std::vector<std::string> english_training_lines(int count, uint64_t seed = 20230402);

// "sha1:<BASE32>" of `block`, as CommonCrawl's WARC-Block-Digest.
std::string block_digest(std::string_view block);

}  // namespace rpdata::sources::commoncrawl
