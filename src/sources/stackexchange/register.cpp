// Stack Exchange's recipe vocabulary: the `stackexchange_7z` reader (its [read] keys and the
// lid.176 model lookup).
#include "rpdata/core/error.h"
#include "rpdata/sources/registry.h"
#include "rpdata/sources/stackexchange/planner.h"
#include "rpdata/quality/langid.h"
#include "rpdata/quality/model_files.h"
#include "rpdata/sources/stackexchange/stackexchange.h"

namespace rpdata::sources::stackexchange {
namespace fs = std::filesystem;

namespace {

ReaderFactory configure_posts(const Params& p, const ModelLookup& models) {
  PostsReaderOptions o;
  o.member = p.get_string("member");
  o.site = p.get_string("site");
  std::string order = p.get_string("score_order");
  if (order != "string" && order != "numeric")
    throw ConfigError("[read] score_order must be \"string\" (RedPajama) or \"numeric\"");
  o.score_order = order == "string" ? ScoreOrder::kString : ScoreOrder::kNumeric;
  o.max_row_bytes = static_cast<uint64_t>(p.get_int("max_row_bytes"));
  o.max_buffer_bytes = static_cast<uint64_t>(p.get_int("max_buffer_bytes"));
  o.spill_dir = p.get_string("spill_dir");
  o.batch_docs = static_cast<size_t>(p.get_int("batch_docs"));
  std::string lid_setting = p.get_string("lid_model");
  if (o.batch_docs == 0) throw ConfigError("[read] batch_docs must be positive");
  // lid.176: "auto" looks for fasttext/lid.176.bin, then fasttext/lid.176.ftz, under the
  // model dirs; "none" writes language ""; anything else is a model file.
  fs::path model;
  if (lid_setting != "none")
    model = models.find("[read] stackexchange_7z lid_model",
                        lid_setting == "auto" ? quality::lid176_files() : std::vector{lid_setting});
  // Loaded (once, shared) by the first unit.
  return [o, model](const ReaderInput& in) -> std::unique_ptr<Reader> {
    if (in.parts.size() != 1) throw ConfigError("[read] format stackexchange_7z reads one file per input");
    PostsReaderOptions opt = o;
    opt.source = in.source;
    opt.id_prefix = in.unit;
    if (opt.site.empty()) opt.site = site_from_unit_name(in.unit);
    if (!model.empty()) opt.lid = quality::LangId::shared(model);
    return std::make_unique<PostsReader>(in.parts[0], opt);
  };
}

}  // namespace

void register_source(Registries& r) {
  r.selectors.add(top_sites_selector_type());
  // RedPajama-Data README: StackExchange 20B.
  r.sources.push_back({"stackexchange", 20e9, {"stackexchange"}});
  r.readers.add({"stackexchange_7z",
                 "Stack Exchange site dump (.7z streamed with libarchive, or a plain Posts.xml) -> RedPajama Q/A "
                 "documents",
                 {Key::text("member", "Posts.xml", "the archive member holding the posts"),
                  Key::text("site", "", "the site's name (default: from the input's name)"),
                  Key::text("score_order", "string", "answers ordered by score as RedPajama did (\"string\") or "
                                                     "\"numeric\""),
                  Key::integer("max_row_bytes", 256ll << 20, "a longer row fails the unit"),
                  Key::integer("max_buffer_bytes", 0, "posts held in memory before spilling (0: no limit)"),
                  Key::text("spill_dir", "", "where posts spill (default: the unit's work dir)"),
                  Key::integer("batch_docs", 1024, "documents per batch"),
                  Key::text("lid_model", "auto", "lid.176 for meta language: \"auto\", a model file, or \"none\" "
                                                 "(none, or skipped: language is \"\")")}, 
                 configure_posts,
                 {".7z"},
                 {},
                 "a site's .7z is one solid LZMA stream, decodable only from its start, and its Q/A documents "
                 "join questions with answers from anywhere in Posts.xml"});
  r.samples.push_back({"stackexchange", "sample/stackexchange", {},
                       [](const std::filesystem::path& m, const SampleSource::Options&) { return write_sample(m); }});
}

}  // namespace rpdata::sources::stackexchange
