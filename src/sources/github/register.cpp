// GitHub's recipe vocabulary: the `github_bigquery` and `github_tarball` readers and the
// `github_clean` and `github_filter` steps.
#include <tuple>

#include "rpdata/core/error.h"
#include "rpdata/sources/registry.h"
#include "rpdata/quality/model_files.h"
#include "rpdata/sources/github/bigquery_reader.h"
#include "rpdata/sources/github/github.h"
#include "rpdata/sources/github/sample.h"
#include "rpdata/sources/github/tarball_reader.h"

namespace rpdata::sources::github {
namespace {

ReaderFactory configure_bigquery(const Params& p) {
  BigQueryReaderOptions o;
  o.max_line_bytes = static_cast<uint64_t>(p.get_int("max_line_bytes", 16ll << 20));
  o.max_expansion_ratio = p.get_double("max_expansion_ratio", 200);
  o.batch_docs = static_cast<size_t>(p.get_int("batch_docs", 1024));
  return [o](const ReaderInput& in) -> std::unique_ptr<Reader> {
    if (in.parts.size() != 1) throw ConfigError("[read] format github_bigquery reads one file per input");
    auto opt = o;
    opt.source = in.source;
    opt.id_prefix = in.unit;
    return std::make_unique<BigQueryReader>(in.parts[0], opt);
  };
}

ReaderFactory configure_tarball(const Params& p) {
  TarballReaderOptions o;
  o.strip_components = static_cast<int>(p.get_int("strip_components", 1));
  o.max_file_bytes = static_cast<uint64_t>(p.get_int("max_file_bytes", 1ll << 20));
  o.max_total_bytes = static_cast<uint64_t>(p.get_int("max_total_bytes", 8ll << 30));
  o.max_members = static_cast<uint64_t>(p.get_int("max_members", 1000000));
  o.max_expansion_ratio = p.get_double("max_expansion_ratio", 1000);
  o.require_license = p.get_bool("require_license", true);
  o.batch_docs = static_cast<size_t>(p.get_int("batch_docs", 256));
  return [o](const ReaderInput& in) -> std::unique_ptr<Reader> {
    if (in.parts.size() != 1) throw ConfigError("[read] format github_tarball reads one file per input");
    auto opt = o;
    opt.source = in.source;
    opt.id_prefix = in.unit;
    std::tie(opt.repo_name, opt.ref) = repo_from_unit_name(in.unit);
    return std::make_unique<TarballReader>(in.parts[0], opt);
  };
}

}  // namespace

void register_source(Registries& r) {
  // RedPajama-Data README: GitHub 59B.
  r.sources.push_back({"github", 59e9, {"github"}});
  r.readers.add({"github_bigquery",
                 "BigQuery github_repos export (gzip JSONL, content + columns); keys: max_line_bytes, "
                 "max_expansion_ratio, batch_docs",
                 configure_bigquery,
                 {".jsonl", ".json"}});
  r.readers.add({"github_tarball",
                 "one repository tarball (codeload tar.gz), license from its LICENSE/COPYING file; keys: "
                 "strip_components, max_file_bytes, max_total_bytes, max_members, max_expansion_ratio, "
                 "require_license, batch_docs",
                 configure_tarball,
                 {".tar"}});
  r.steps.add({"github_clean",
               "GitHub file -> RedPajama record (github_clean_dedup_local.py): skip .crt/LICENSE, md5 "
               "content_hash, copyright-comment removal, Python line stats; keys: compat_copyright, "
               "compat_license_path, dedup_within_unit, license_prefixes",
               [](const Params& p) { return std::make_unique<CleanStep>(p); }});
  r.steps.add({"github_filter",
               "GitHub quality filter (github_run_filter.py): extension whitelist, max/avg line length, "
               "alnum share, alphabetic chars per GPT-NeoX token; keys: max_line_length, "
               "max_avg_line_length, min_alnum_prop, min_alpha_per_token, tokenizer, on_missing_tokenizer",
               [](const Params& p) {
                 std::string name = p.get_string("tokenizer", "neox");
                 std::string missing = p.get_string("on_missing_tokenizer", "error");
                 return std::make_unique<FilterStep>(p, quality::shared_tokenizer(name, missing, "github_filter"));
               }});
  r.samples.push_back({"github", "sample/github", {},
                       [](const std::filesystem::path& m, const SampleSource::Options&) { return write_sample(m); }});
}

}  // namespace rpdata::sources::github
