// Wikipedia's recipe vocabulary: the `wikipedia_xml` reader and the `wikipedia_clean` step.
#include "rpdata/core/error.h"
#include "rpdata/sources/registry.h"
#include "rpdata/sources/wikipedia/wikipedia.h"

namespace rpdata::sources::wikipedia {

void register_source(Registries& r) {
  // RedPajama-Data README: Wikipedia 24B.
  r.sources.push_back({"wikipedia", 24e9, {"wikipedia"}});
  r.readers.add({"wikipedia_xml",
                 "MediaWiki XML dump (pages-articles[-multistream].xml.bz2), articles only (ns 0, no redirects)",
                 {Key::text("language", "", "the wiki's language (default: from the input's name)"),
                  Key::integer("max_page_bytes", 64ll << 20, "a longer page fails the unit"),
                  Key::integer("batch_docs", 256, "documents per batch"),
                  Key::integer("unit_max_bytes", int64_t{1} << 30,
                               "a multistream dump with its -multistream-index.txt.bz2 is cut into units of whole "
                               "bz2 streams of at most this many bytes (1 GiB: ~8 CPU-minutes at 2.24 MB/s); "
                               "smaller dumps stay one unit; 0: never cut")},
                 [](const Params& p, const ModelLookup&) -> ReaderFactory {
                   DumpReaderOptions o;
                   o.language = p.get_string("language");
                   o.max_page_bytes = static_cast<uint64_t>(p.get_int("max_page_bytes"));
                   o.batch_docs = static_cast<size_t>(p.get_int("batch_docs"));
                   (void)p.get_int("unit_max_bytes");  // read by the splitter
                   return [o](const ReaderInput& in) -> std::unique_ptr<Reader> {
                     if (in.parts.size() != 1)
                       throw ConfigError("[read] format wikipedia_xml reads one dump file per input");
                     DumpReaderOptions opt = o;
                     opt.source = in.source;
                     // A unit cut from a dump keeps the dump's ids and language.
                     opt.id_prefix = in.slice ? in.slice->of : in.unit;
                     opt.slice = in.slice;
                     if (opt.language.empty()) opt.language = language_from_file_name(opt.id_prefix);
                     return std::make_unique<DumpReader>(in.parts[0], opt);
                   };
                 },
                 {},
                 [](const Params& p) -> std::shared_ptr<const UnitSplitter> {
                   int64_t max = p.get_int("unit_max_bytes");
                   if (max < 0) throw ConfigError("[read] unit_max_bytes must not be negative");
                   return std::make_shared<UnitSplitter>(dump_splitter(static_cast<uint64_t>(max)));
                 }});
  r.steps.add({"wikipedia_clean",
               "Wikipedia wikitext -> text as the HF wikipedia builder (mwparserfromhell strip_code after its "
               "media/category/ref/table rules), meta {title, url, language, timestamp}",
               {Key::text("timestamp", "20230320",
                          "meta timestamp: the dump date, or \"from_input\": the date in the input's name")},
               [](const Params& p, const ModelLookup&) { return std::make_unique<CleanStep>(p.get_string("timestamp")); }});
  r.planners.add(dump_planner_type());
  r.run_flags.push_back(
      {"dump-date", "YYYYMMDD|latest",
       "Wikipedia recipes: read the dumps of this date, or the latest every language has finished, instead of "
       "RedPajama's 20230320 (recorded in the plan; `rpdata report` flags another date)",
       {"wikipedia"},
       [](const std::string& v) -> std::vector<std::string> {
         bool date = v.size() == 8 && v.find_first_not_of("0123456789") == std::string::npos;
         if (!date && v != "latest") throw ConfigError("--dump-date must be YYYYMMDD or latest, got '" + v + "'");
         // An explicit date is also the records' timestamp; "latest" is known only once listed.
         return {"download.dump_date=\"" + v + "\"",
                 "steps.wikipedia_clean.timestamp=\"" + (date ? v : std::string(CleanStep::kTimestampFromInput)) + "\""};
       }});
  r.samples.push_back({"wikipedia", "sample/wikipedia", {},
                       [](const std::filesystem::path& m, const SampleSource::Options&) {
                         return write_sample(m, {{"de", "en", "uk"}});
                       }});
}

}  // namespace rpdata::sources::wikipedia
