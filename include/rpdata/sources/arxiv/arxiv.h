// ArXiv (28B tokens of RedPajama-Data-1T): the `arxiv_tar` reader, which reads one bulk source
// tar of arXiv's requester-pays bucket (src/arXiv_src_YYMM_NNN.tar) the way RP:data_prep/arxiv/
// arxiv_cleaner.py did (every *.gz member is a paper: a tar.gz project or one gzipped .tex),
// in memory with libarchive and bounded, and emits RedPajama's records {"text", "meta":
// {timestamp, yymm, arxiv_id, language, url, source}} (language filled by `arxiv_language`).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rpdata/core/params.h"
#include "rpdata/core/registry.h"
#include "rpdata/core/step.h"
#include "rpdata/sources/arxiv/latex_clean.h"

namespace rpdata::sources::arxiv {

struct PaperOptions {
  // Decompressed bytes of one paper (its whole tar stream, figures included): more is a
  // counted drop (gzip/tar bombs). The compressed member is bounded by the same number.
  uint64_t max_paper_bytes = 1ull << 30;
  // macOS AppleDouble "._*" files: read like any other member, as RedPajama did (false: a
  // binary "._x.tex" then fails its paper as non-UTF-8), or ignored and counted (true).
  bool ignore_appledouble = false;
};

struct PaperFiles {
  std::vector<std::string> tex;  // .tex members in member order (or the one gunzipped file)
  std::string drop;              // non-empty: why the paper is dropped (snake_case)
  int64_t unsafe_members = 0;    // absolute or ".." member names, skipped
  int64_t appledouble = 0;       // "._*" members ignored
};

// One paper's .gz bytes -> its .tex sources, as _tex_proj_loader: a tar (gzip, bzip2, xz or
// none) gives its members ending ".tex"; otherwise the bytes are gunzipped as one file. Any
// file that is not UTF-8 drops the paper ("non_utf8").
PaperFiles load_paper(std::string_view bytes, const PaperOptions& options);

// True for absolute names and names with a ".." component.
bool unsafe_member_name(std::string_view name);
// Python's PurePath(name).stem of the last component ("0903.0180.gz" -> "0903.0180").
std::string python_stem(std::string_view name);
// datetime.fromtimestamp(sec + nsec).isoformat(): "YYYY-MM-DDTHH:MM:SS[.ffffff]", in UTC or
// in the machine's local time zone (what RedPajama wrote).
std::string iso_timestamp(int64_t sec, long nsec, bool local_time);

struct ArxivReaderOptions {
  PaperOptions paper;
  CleanOptions clean;
  bool local_time = false;  // timestamps in local time (RedPajama) instead of UTC
  size_t batch_docs = 64;
  std::string source = "arxiv";
  std::string id_prefix;    // document ids are "<id_prefix>/<n>", n = index of the .gz member
};

// Reads one bulk tar. Per-paper problems are counted drops ("read:<reason>"): non_utf8,
// paper_too_large, not_gzip, corrupt_paper, clean_failed (RedPajama's re.sub exception),
// text_too_large (macro expansion past max_paper_bytes),
// empty_text; members with unsafe names ("read:unsafe_member"), AppleDouble junk
// ("read:appledouble") and non-.gz members such as PDFs ("read:not_gz_member") are counted
// too. A damaged bulk tar throws InputError (TruncatedInputError when cut short) with its
// byte offset, after the papers before the damage were handed out.
class ArxivTarReader final : public Reader {
 public:
  ArxivTarReader(std::filesystem::path path, ArxivReaderOptions options);
  ~ArxivTarReader() override;
  bool next(Batch& batch) override;
  uint64_t bytes_read() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Language as RedPajama's create_record: fastText lid.176 top-1 of lid_text_arxiv(text) into
// meta "language" (not a filter). Keys: model (path; default: fasttext/lid.176.bin, then
// lid.176.ftz, under $RPDATA_MODELS or ~/.cache/rpdata/models). Skipped (a run with
// missing_models = "skip" and no model): the language stays "unknown", RedPajama's
// no-prediction value.
std::unique_ptr<Step> make_language_step(const Params& params, const ModelLookup& models);

struct SampleOptions {
  uint64_t seed = 20230417;
};

// Writes a deterministic bulk tar in arXiv's real layout (arXiv_src_9107_001.tar: members
// 9107/<id>.gz, each a tar.gz project or a gzipped single .tex, plus a PDF-only paper and a
// macOS "._" member) into `dir`; returns the file names written.
std::vector<std::string> write_sample(const std::filesystem::path& dir, const SampleOptions& options);

}  // namespace rpdata::sources::arxiv

namespace rpdata::sources::arxiv {

// One <file> of arXiv's bulk-data manifest (s3://arxiv/src/arXiv_src_manifest.xml).
struct ManifestEntry {
  std::string filename;  // "src/arXiv_src_0903_001.tar"
  uint64_t size = 0;     // bytes
  std::string md5;       // <md5sum>: md5 of the tar
  int64_t num_items = 0; // papers in the tar
  std::string yymm;
};
// The <file> entries in document order. InputError when there are none.
std::vector<ManifestEntry> parse_manifest(std::string_view xml);

// Requester-pays cost: AWS S3 "Data Transfer OUT From Amazon S3 To Internet", first 10 TB per
// month, us-east-1: $0.09 per GB (AWS bills per GiB, 2^30 bytes), from
// https://aws.amazon.com/s3/pricing/ (Data Transfer tab) as of 2026-11 (the figure AWS has
// listed since 2014). GET requests: $0.0004 per 1,000 (S3 Standard, same page).
constexpr double kEgressUsdPerGb = 0.09;
constexpr double kGetUsdPer1000 = 0.0004;
double requester_pays_usd(uint64_t bytes, uint64_t requests, double usd_per_gb = kEgressUsdPerGb);

}  // namespace rpdata::sources::arxiv
