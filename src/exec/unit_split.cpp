#include "unit_split.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <optional>
#include <sstream>

#include "fallbacks.h"
#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/hash.h"

namespace rpdata::exec {
namespace fs = std::filesystem;
namespace {

std::string dir_of(const std::string& rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string::npos ? "" : rel.substr(0, slash + 1);
}

// Where the companion of `u` is, fetched first when the run downloads; empty with `why` set
// when it is not to be had.
fs::path find_companion(const PlanUnit& u, const std::string& companion, const Settings& s, const RunOptions& o,
                        const RunLayout& layout, PlanExtras& x, const DownloadFallbacks* fallbacks,
                        std::string& why) {
  if (!u.path.empty()) {
    fs::path p = fs::path(u.path).parent_path() / companion;
    if (!fs::exists(p)) why = "no " + companion + " beside it";
    return fs::exists(p) ? p : fs::path();
  }
  std::string rel = dir_of(u.name) + companion;
  fs::path p = layout.raw_dir() / rel;
  if (u.url.empty() || !o.download) {
    if (!fs::exists(p)) why = "no " + rel + " in " + layout.raw_dir().string();
    return fs::exists(p) ? p : fs::path();
  }
  std::string url = u.url.substr(0, u.url.rfind('/') + 1) + download::percent_encode_segment(companion);
  io::FetchOptions fo = fetch_options(s, o);
  fo.progress = false;
  io::Fetcher fetcher(fo);
  fs::create_directories(p.parent_path());
  try {
    download::ChecksumContext cc{fetcher, download_base(s, o), s.planner.get(), &x.listed};
    fetcher.fetch(url, p, s.checksums->expect(PlanUnit{rel, url, ""}, checksum_table(s, o, x), cc));
    return p;
  } catch (const DownloadError& e) {
    why = rel + " could not be downloaded (" + e.message() + ")";
    if (!fallbacks) return {};
    spdlog::warn("{}; trying the recipe's fallbacks", why);
  }
  try {
    spdlog::info("{}: fetched from fallback {}", rel, fallbacks->fetch_companion(u.name, companion, p, fetcher));
    return p;
  } catch (const DownloadError& e) {
    why += "; " + e.message();
    return {};
  }
}

// Every task of a run plans the same cut from the same companion. The first to decode it
// leaves the cut in _work/splits/<companion>.<bound>.txt, under the companion's size and
// sha256 (a large index takes tens of CPU-seconds to decode, a hash of it about one); the
// others read that instead. Lines: "<sha256> <size>", then "<begin> <end> <first> <records>".
std::vector<InputSlice> cut(const UnitSplitter& splitter, const std::string& name, const fs::path& companion,
                            const fs::path& input, const RunLayout& layout) {
  fs::path cache = layout.work_dir() / "splits" /
                   (companion.filename().string() + "." + std::to_string(splitter.max_unit_bytes) + ".txt");
  std::string key = io::file_sha256_hex(companion) + " " + std::to_string(fs::file_size(companion));
  std::error_code ec;
  if (fs::exists(cache, ec)) {
    std::istringstream in(io::read_file(cache));
    std::string line;
    std::vector<InputSlice> slices;
    if (std::getline(in, line) && line == key) {
      InputSlice sl;
      sl.of = name;
      while (in >> sl.begin >> sl.end >> sl.first_record >> sl.records) slices.push_back(sl);
      if (in.eof()) return slices;
    }
  }
  std::vector<InputSlice> slices = splitter.split(name, companion, input);
  std::string text = key + "\n";
  for (const auto& sl : slices)
    text += std::to_string(sl.begin) + " " + std::to_string(sl.end) + " " + std::to_string(sl.first_record) + " " +
            std::to_string(sl.records) + "\n";
  try {
    io::write_file_atomic(cache, text);
  } catch (const IoError& e) {
    spdlog::warn("{}: cannot keep the cut for other tasks ({})", name, e.what());
  }
  return slices;
}

}  // namespace

std::string slice_unit_name(const std::string& name, size_t k, const std::vector<std::string>& name_suffixes) {
  std::string stem = unit_stem(name, name_suffixes);
  char part[32];
  std::snprintf(part, sizeof part, "-part%05zu", k);
  return stem + part + name.substr(stem.size());
}

void split_units(Plan& plan, const Settings& s, const RunOptions& o, const RunLayout& layout, PlanExtras& x,
                 const std::function<std::shared_ptr<const DownloadFallbacks>()>& fallbacks) {
  if (!s.splitter) return;
  std::optional<std::shared_ptr<const DownloadFallbacks>> alts;  // made when first needed
  // --limit counts the inputs as planned, before any is cut.
  if (o.limit > 0 && static_cast<size_t>(o.limit) < plan.units.size()) plan.units.resize(static_cast<size_t>(o.limit));
  std::vector<PlanUnit> out;
  for (auto& u : plan.units) {
    std::string file = u.name.substr(dir_of(u.name).size());
    std::string companion = u.parts.empty() && !u.slice ? s.splitter->companion(file) : "";
    if (companion.empty()) {
      out.push_back(std::move(u));
      continue;
    }
    std::string why;
    if (!alts && !u.url.empty() && o.download) alts = fallbacks ? fallbacks() : nullptr;
    fs::path index = find_companion(u, companion, s, o, layout, x, alts ? alts->get() : nullptr, why);
    if (index.empty()) {
      std::string note = u.name + " is read as one unit: " + why + " to cut it into units of at most " +
                         std::to_string(s.splitter->max_unit_bytes) + " bytes";
      spdlog::warn("{}: {}", plan.source, note);
      plan.notes.push_back(note);
      out.push_back(std::move(u));
      continue;
    }
    fs::path input = u.path.empty() ? layout.raw_dir() / u.name : fs::path(u.path);
    std::vector<InputSlice> slices = cut(*s.splitter, u.name, index, fs::exists(input) ? input : fs::path(), layout);
    if (slices.size() < 2) {
      out.push_back(std::move(u));
      continue;
    }
    spdlog::info("{}: {} is cut into {} units by {}", plan.source, u.name, slices.size(), companion);
    std::vector<PlanPart> parts = unit_parts(u);
    for (size_t k = 0; k < slices.size(); ++k) {
      PlanUnit su;
      su.name = slice_unit_name(u.name, k, s.name_suffixes);
      su.parts = parts;
      su.group = u.group;
      su.slice = std::move(slices[k]);
      out.push_back(std::move(su));
    }
  }
  plan.units = std::move(out);
}

}  // namespace rpdata::exec
