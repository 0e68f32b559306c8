#include "site_select.h"

#include <simdjson.h>

#include <map>
#include <memory>
#include <set>

#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/json_writer.h"
#include "rpdata/io/xml_stream_se.h"
#include "rpdata/sources/stackexchange/stackexchange.h"

namespace rpdata::exec {
namespace fs = std::filesystem;
namespace se = sources::stackexchange;

namespace {

std::string base_url(const Settings& s, const RunOptions& o) {
  std::string base = o.mirror.empty() ? s.base_url : as_url(o.mirror);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

// A cached count is reused while the raw file it was made from has the same size.
bool read_cached_count(const fs::path& cache, uint64_t raw_size, int64_t& posts) {
  if (!fs::exists(cache)) return false;
  try {
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.load(cache.string());
    int64_t size = doc["input_size"].get_int64();
    posts = doc["posts"].get_int64();
    return raw_size == 0 || static_cast<uint64_t>(size) == raw_size;
  } catch (const simdjson::simdjson_error&) {
    return false;
  }
}

}  // namespace

std::vector<std::string> select_plan(Plan& plan, const Settings& s, const RunOptions& o, const RunLayout& layout) {
  std::vector<std::string> log;
  const bool local = !o.inputs.empty();
  std::map<std::string, io::Expect> sums;
  std::unique_ptr<io::Fetcher> fetcher;
  auto get_fetcher = [&]() -> io::Fetcher& {
    if (!fetcher) {
      io::FetchOptions f = o.fetch;
      f.max_attempts = s.max_attempts;
      f.per_host_connections = s.per_host_connections;
      f.per_host_requests_per_s = s.requests_per_s;
      fetcher = std::make_unique<io::Fetcher>(f);
    }
    return *fetcher;
  };
  std::string base = base_url(s, o);
  if (!local && s.checksums == "archive_org_files_xml" && (o.download || !s.files_from.empty()))
    sums = io::parse_archive_org_files_xml(get_fetcher().get(base + "/" + s.checksums_file));
  if (!local && s.checksums == "sha256sums" && o.download)
    sums = parse_sha256sums(get_fetcher().get(base + "/" + s.checksums_file));
  if (!local && !s.files_from.empty()) {
    std::set<std::string> excluded(s.exclude.begin(), s.exclude.end());
    for (const auto& [name, expect] : sums) {
      if (name.size() < s.files_suffix.size() ||
          name.compare(name.size() - s.files_suffix.size(), s.files_suffix.size(), s.files_suffix) != 0)
        continue;
      if (excluded.count(name) || name.find('/') != std::string::npos) continue;
      plan.units.push_back({name, base + "/" + percent_encode_segment(name), ""});
    }
    log.push_back("candidates: " + std::to_string(plan.units.size()) + " files of " + s.checksums_file);
  }
  if (s.select_top > 0) {
    std::vector<se::SiteCount> counts;
    fs::path cache_dir = layout.work_dir() / "post_counts";
    fs::create_directories(cache_dir);
    for (const auto& unit : plan.units) {
      fs::path raw = unit.path.empty() ? layout.raw_dir() / unit.name : fs::path(unit.path);
      uint64_t raw_size = fs::exists(raw) ? fs::file_size(raw) : 0;
      fs::path cache = cache_dir / (unit.name + ".json");
      int64_t posts = 0;
      if (!read_cached_count(cache, raw_size, posts)) {
        if (unit.path.empty()) {
          if (!o.download && !fs::exists(raw))
            throw DownloadError("site selection needs every candidate; raw input is not downloaded", raw.string());
          if (o.download) {
            fs::create_directories(raw.parent_path());
            get_fetcher().fetch(unit.url, raw, expected_for(s, unit, get_fetcher(), sums));
          }
        }
        posts = se::count_posts(raw);
        io::write_file_atomic(cache, io::JsonObject()
                                         .str("name", unit.name)
                                         .num("posts", posts)
                                         .num("input_size", static_cast<int64_t>(fs::file_size(raw)))
                                         .done() +
                                         "\n");
      }
      counts.push_back({unit.name, posts});
    }
    auto chosen = se::select_top_sites(counts, static_cast<size_t>(s.select_top));
    std::set<std::string> keep;
    for (const auto& c : chosen) keep.insert(c.name);
    auto ranked = se::select_top_sites(counts, counts.size());
    std::string rows;
    for (size_t i = 0; i < ranked.size(); ++i) {
      rows += (i ? "," : "") + io::JsonObject()
                                   .num("rank", static_cast<int64_t>(i + 1))
                                   .str("name", ranked[i].name)
                                   .num("posts", ranked[i].posts)
                                   .boolean("selected", keep.count(ranked[i].name) > 0)
                                   .done();
    }
    io::write_file_atomic(layout.work_dir() / "site_selection.json",
                          io::JsonObject()
                              .str("select_by", s.select_by)
                              .num("select_top", s.select_top)
                              .raw("sites", "[" + rows + "]")
                              .done() +
                              "\n");
    std::vector<PlanUnit> units;
    std::string list;
    for (const auto& c : chosen) {
      for (const auto& u : plan.units)
        if (u.name == c.name) units.push_back(u);
      list += (list.empty() ? "" : ", ") + c.name + " (" + std::to_string(c.posts) + ")";
    }
    log.push_back("selected the " + std::to_string(chosen.size()) + " of " + std::to_string(counts.size()) +
                  " sites with most posts: " + list);
    if (o.delete_raw)
      for (const auto& u : plan.units)
        if (!keep.count(u.name) && u.path.empty()) fs::remove(layout.raw_dir() / u.name);
    plan.units = std::move(units);
  }
  if (plan.units.empty()) throw ConfigError("no inputs selected");
  check_plan_units(plan, o);
  return log;
}

}  // namespace rpdata::exec
