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
#include "rpdata/tokenize/models.h"

namespace rpdata::sources::github {
namespace {

ReaderFactory configure_bigquery(const Params& p, const ModelLookup&) {
  BigQueryReaderOptions o;
  o.max_line_bytes = static_cast<uint64_t>(p.get_int("max_line_bytes"));
  o.max_expansion_ratio = p.get_double("max_expansion_ratio");
  o.batch_docs = static_cast<size_t>(p.get_int("batch_docs"));
  return [o](const ReaderInput& in) -> std::unique_ptr<Reader> {
    if (in.parts.size() != 1) throw ConfigError("[read] format github_bigquery reads one file per input");
    auto opt = o;
    opt.source = in.source;
    opt.id_prefix = in.unit;
    return std::make_unique<BigQueryReader>(in.parts[0], opt);
  };
}

ReaderFactory configure_tarball(const Params& p, const ModelLookup&) {
  TarballReaderOptions o;
  o.strip_components = static_cast<int>(p.get_int("strip_components"));
  o.max_file_bytes = static_cast<uint64_t>(p.get_int("max_file_bytes"));
  o.max_total_bytes = static_cast<uint64_t>(p.get_int("max_total_bytes"));
  o.max_members = static_cast<uint64_t>(p.get_int("max_members"));
  o.max_expansion_ratio = p.get_double("max_expansion_ratio");
  o.require_license = p.get_bool("require_license");
  o.batch_docs = static_cast<size_t>(p.get_int("batch_docs"));
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
                 "BigQuery github_repos export (gzip JSONL, content + columns)",
                 {Key::integer("max_line_bytes", 16ll << 20, "a longer line fails the unit"),
                  Key::number("max_expansion_ratio", 200, "decompressed/compressed bytes beyond which the unit fails"),
                  Key::integer("batch_docs", 1024, "documents per batch")},
                 configure_bigquery,
                 {".jsonl", ".json"}});
  r.readers.add({"github_tarball",
                 "one repository tarball (codeload tar.gz), license from its LICENSE/COPYING file",
                 {Key::integer("strip_components", 1, "leading path components removed from member names"),
                  Key::integer("max_file_bytes", 1ll << 20, "larger files are skipped (counted)"),
                  Key::integer("max_total_bytes", 8ll << 30, "decompressed bytes beyond which the unit fails"),
                  Key::integer("max_members", 1000000, "members beyond which the unit fails"),
                  Key::number("max_expansion_ratio", 1000, "decompressed/compressed bytes beyond which the unit fails"),
                  Key::flag("require_license", true, "a repository without a license file yields nothing"),
                  Key::integer("batch_docs", 256, "documents per batch")},
                 configure_tarball,
                 {".tar"}});
  r.steps.add({"github_clean",
               "GitHub file -> RedPajama record (github_clean_dedup_local.py): skip .crt/LICENSE, md5 "
               "content_hash, copyright-comment removal, Python line stats",
               {Key::flag("compat_copyright", true, "remove the copyright comment exactly as RedPajama's regex did"),
                Key::flag("compat_license_path", true, "skip files named like licenses as RedPajama did"),
                Key::flag("dedup_within_unit", true, "drop a file whose content_hash the unit has seen"),
                Key::list("license_prefixes", {"mit", "bsd", "apache"}, "the licenses kept (prefixes)")},
               [](const Params& p, const ModelLookup&) { return std::make_unique<CleanStep>(p); }});
  r.steps.add({"github_filter",
               "GitHub quality filter (github_run_filter.py): extension whitelist, max/avg line length, "
               "alnum share, alphabetic chars per GPT-NeoX token",
               {Key::integer("max_line_length", 1000, "files with a longer line are dropped"),
                Key::number("max_avg_line_length", 100, "files with a longer mean line are dropped"),
                Key::number("min_alnum_prop", 0.25, "the least share of alphanumeric characters"),
                Key::number("min_alpha_per_token", 1.5, "the least alphabetic characters per token"),
                Key::text("tokenizer", "neox", "the tokenizer of the per-token rule (skipped: the rule is off)")},
               [](const Params& p, const ModelLookup& models) {
                 std::string name = p.get_string("tokenizer");
                 if (tokenize::model_relative_paths(name).empty())
                   throw ConfigError("[[steps]] github_filter: unknown tokenizer '" + name + "' (known: neox, llama)");
                 std::filesystem::path file = models.find("[[steps]] github_filter", quality::tokenizer_files(name));
                 quality::LazyModel<tokenize::TokenizerModel> model;
                 if (!file.empty()) model = quality::LazyModel<tokenize::TokenizerModel>([name, file] {
                   return quality::shared_tokenizer(name, file);
                 });
                 return std::make_unique<FilterStep>(p, std::move(model));
               }});
  r.samples.push_back({"github", "sample/github", {},
                       [](const std::filesystem::path& m, const SampleSource::Options&) { return write_sample(m); }});
}

}  // namespace rpdata::sources::github
