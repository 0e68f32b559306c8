// [download] dump_date = "20230320" (or "latest") with languages and a pattern holding
// "{language}" and "{date}": one input per language, all of one dump date, as the HF
// `wikipedia` builder was called (load_dataset("wikipedia", language=L, date=D)).
//
// "latest" picks the newest date that every language has finished on the host: the dates come
// from each wiki's folder listing ([download] dates_index, dumps.wikimedia.org's
// https://dumps.wikimedia.org/<lang>wiki/), and a date counts as finished for a language when
// its dumpstatus.json ([download] dump_status, https://dumps.wikimedia.org/<lang>wiki/<date>/
// dumpstatus.json, {"jobs": {"<job>": {"status": "done", "files": {"<name>": ...}}}}) says the
// job that writes the input's file is "done". A date other than redpajama_date is recorded in
// the run's plan as not RedPajama's snapshot.
#include <simdjson.h>

#include <algorithm>
#include <set>

#include "rpdata/core/error.h"
#include "rpdata/download/url.h"
#include "rpdata/sources/wikipedia/wikipedia.h"

namespace rpdata::sources::wikipedia {
namespace {
using download::PlanContext;
using download::Planned;
using download::PlanUnit;
using download::replace_all;

bool is_date(const std::string& s) {
  return s.size() == 8 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string name_of(const std::string& rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string::npos ? rel : rel.substr(slash + 1);
}

struct DumpKeys {
  std::vector<std::string> languages;
  std::string pattern, dump_date, redpajama_date, dates_index, dump_status;
  int64_t latest_tries = 4;
};

class DumpPlanner : public download::InputPlanner {
 public:
  explicit DumpPlanner(DumpKeys k) : k_(std::move(k)) {}

  Planned plan(const PlanContext& ctx) const override {
    const std::string& base = ctx.require_base();
    for (const auto& lang : k_.languages)
      if (lang.empty() || lang.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos)
        throw ConfigError("[download] languages: '" + lang + "' is not a language code", ctx.recipe);
    Planned out;
    std::string date = k_.dump_date;
    if (date == "latest") {
      if (!ctx.download)
        throw ConfigError("[download] dump_date = \"latest\" is resolved by downloading; run `rpdata download` first",
                          ctx.recipe);
      date = resolve_latest(ctx, base, out.log);
    }
    for (const auto& lang : k_.languages) {
      std::string rel = path_of(lang, date);
      out.units.push_back({name_of(rel), base + "/" + download::encode_path(rel), ""});
    }
    if (date != k_.redpajama_date)
      out.deviations.push_back("Wikipedia dumps of " + date + (k_.dump_date == "latest" ? " (the latest)" : "") +
                               ", not the " + k_.redpajama_date + " dumps RedPajama used");
    return out;
  }

  // For an input, or a companion file of its dump (its multistream index): "<lang>wiki-<date>-...".
  std::string expand(const std::string& text, const PlanUnit& unit) const override {
    std::string date = date_from_file_name(unit.name);
    for (const auto& lang : k_.languages) {
      bool input = name_of(path_of(lang, date)) == unit.name;
      bool companion = !date.empty() && unit.name.starts_with(lang + "wiki-" + date + "-");
      if (input || companion) return replace_all(replace_all(text, "{language}", lang), "{date}", date);
    }
    return text;
  }

  bool listing_needs_network() const override { return k_.dump_date == "latest"; }

 private:
  std::string path_of(const std::string& lang, const std::string& date) const {
    return replace_all(replace_all(k_.pattern, "{language}", lang), "{date}", date);
  }

  // The newest date every language lists and has finished; ConfigError when none of the
  // newest `latest_tries` common dates is.
  std::string resolve_latest(const PlanContext& ctx, const std::string& base, std::vector<std::string>& log) const {
    if (k_.dates_index.empty() || k_.dump_status.empty())
      throw ConfigError("[download] dump_date = \"latest\" needs dates_index and dump_status (this host's recipe "
                        "cannot list dump dates); give a date, e.g. --dump-date 20230320",
                        ctx.recipe);
    io::Fetcher fetcher(ctx.fetch);
    std::set<std::string> common;
    for (size_t i = 0; i < k_.languages.size(); ++i) {
      std::string url = base + "/" + download::encode_path(replace_all(k_.dates_index, "{language}", k_.languages[i]));
      std::set<std::string> dates = listed_dates(fetcher.get(url));
      if (dates.empty()) throw DownloadError("no dump dates listed (expected links to <YYYYMMDD>/ folders)", url);
      if (i == 0) {
        common = std::move(dates);
      } else {
        std::set<std::string> both;
        std::set_intersection(common.begin(), common.end(), dates.begin(), dates.end(),
                              std::inserter(both, both.end()));
        common = std::move(both);
      }
    }
    if (common.empty())
      throw ConfigError("the " + std::to_string(k_.languages.size()) + " languages list no dump date in common on " +
                            base,
                        ctx.recipe);
    int64_t tried = 0;
    std::string unfinished;
    for (auto it = common.rbegin(); it != common.rend() && tried < k_.latest_tries; ++it, ++tried) {
      std::string waiting = first_unfinished(fetcher, base, *it);
      if (waiting.empty()) {
        log.push_back("dump_date latest = " + *it + ": the newest date all " + std::to_string(k_.languages.size()) +
                      " languages have finished on " + base);
        return *it;
      }
      log.push_back("dump date " + *it + " skipped: " + waiting);
      unfinished += (unfinished.empty() ? "" : "; ") + *it + ": " + waiting;
    }
    throw ConfigError("no finished dump among the newest " + std::to_string(tried) + " dates (" + unfinished +
                          "); give a date with --dump-date",
                      ctx.recipe);
  }

  // "" when every language's dump of `date` is done, else what is not ("enwiki: running").
  std::string first_unfinished(io::Fetcher& fetcher, const std::string& base, const std::string& date) const {
    for (const auto& lang : k_.languages) {
      std::string url = base + "/" +
                        download::encode_path(replace_all(replace_all(k_.dump_status, "{language}", lang), "{date}", date));
      std::string body;
      try {
        body = fetcher.get(url);
      } catch (const DownloadError& e) {
        return lang + ": no dump status (" + e.message() + ")";
      }
      std::string status = job_status(body, name_of(path_of(lang, date)));
      if (status != "done") return lang + ": " + (status.empty() ? "its file is not in the dump status" : status);
    }
    return "";
  }

  static std::set<std::string> listed_dates(const std::string& html) {
    std::set<std::string> dates;
    const std::string open = "href=\"";
    for (size_t at = html.find(open); at != std::string::npos; at = html.find(open, at + 1)) {
      size_t start = at + open.size(), end = html.find('"', start);
      if (end == std::string::npos) break;
      std::string target = html.substr(start, end - start);
      if (!target.empty() && target.back() == '/') target.pop_back();
      if (is_date(target)) dates.insert(target);
    }
    return dates;
  }

  // The status of the job whose files include `file` ("" when none lists it, or the JSON is
  // not a dump status; "its job has no status" when that job's status is missing).
  static std::string job_status(const std::string& json, const std::string& file) {
    simdjson::dom::parser parser;
    simdjson::dom::object jobs;
    if (parser.parse(json)["jobs"].get_object().get(jobs)) return "";
    for (auto [name, job] : jobs) {
      simdjson::dom::object files;
      if (job["files"].get_object().get(files)) continue;
      for (auto [f, info] : files) {
        (void)info;
        if (f != file) continue;
        std::string_view status;
        if (job["status"].get(status)) return "its job has no status";
        return std::string(status);
      }
    }
    return "";
  }

  DumpKeys k_;
};

}  // namespace

std::string date_from_file_name(const std::string& name) {
  size_t wiki = name.find("wiki-");
  if (wiki == std::string::npos || language_from_file_name(name).empty()) return "";
  std::string date = name.substr(wiki + 5, 8);
  return is_date(date) && (name.size() == wiki + 13 || name[wiki + 13] == '-') ? date : "";
}

download::PlannerType dump_planner_type() {
  return {"wikipedia_dumps",
          {"dump_date"},
          false,
          "Wikipedia's per-language dumps of one date (or the latest finished), pattern with {language} and {date}",
          {Key::require("dump_date", ParamType::kString,
                        "the dump date, YYYYMMDD, or \"latest\": the newest date every language has finished "
                        "(needs dates_index and dump_status)"),
           Key::require("languages", ParamType::kStrings, "the language codes, one input each"),
           Key::require("pattern", ParamType::kString, "the input's path under base_url, with {language} and {date}"),
           Key::text("redpajama_date", "20230320",
                     "the date RedPajama used; another is recorded as not RedPajama's snapshot"),
           Key::text("dates_index", "",
                     "path under base_url of a wiki's folder listing its dump dates, with {language} "
                     "(\"\": this host cannot list them)"),
           Key::text("dump_status", "",
                     "path under base_url of a dump's dumpstatus.json, with {language} and {date}"),
           Key::integer("latest_tries", 4, "\"latest\" looks at most this many of the newest dates")},
          [](const Params& d) -> std::unique_ptr<download::InputPlanner> {
            DumpKeys k;
            k.dump_date = d.get_string("dump_date");
            k.languages = d.get_strings("languages");
            k.pattern = d.get_string("pattern");
            k.redpajama_date = d.get_string("redpajama_date");
            k.dates_index = d.get_string("dates_index");
            k.dump_status = d.get_string("dump_status");
            k.latest_tries = d.get_int("latest_tries");
            if (k.dump_date != "latest" && !is_date(k.dump_date))
              throw ConfigError("[download] dump_date must be YYYYMMDD or \"latest\", got '" + k.dump_date + "'");
            if (k.pattern.find("{language}") == std::string::npos || k.pattern.find("{date}") == std::string::npos)
              throw ConfigError("[download] dump_date needs a pattern with {language} and {date}");
            if (k.latest_tries < 1) throw ConfigError("[download] latest_tries must be at least 1");
            return std::make_unique<DumpPlanner>(std::move(k));
          },
          {"languages"}};
}

}  // namespace rpdata::sources::wikipedia
