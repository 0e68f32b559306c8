#include "inputs.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <set>

#include "fallbacks.h"
#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"
#include "rpdata/text/utf8.h"
#include "unit_split.h"

namespace rpdata::exec {
namespace fs = std::filesystem;

std::string unit_stem(const std::string& unit_name, const std::vector<std::string>& name_suffixes) {
  std::string stem = unit_name;
  auto strip_one = [&stem](const auto& suffixes) {
    for (const std::string& e : suffixes)
      if (stem.size() > e.size() && stem.ends_with(e)) {
        stem.resize(stem.size() - e.size());
        return;
      }
  };
  strip_one(std::vector<std::string>{".gz", ".zst", ".bz2", ".xz"});  // what io::InputStream decodes
  strip_one(name_suffixes);
  return stem;
}

bool is_route_name(const std::string& name) {
  if (name.empty() || name == "_work") return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

bool is_unit_output(const std::string& name, const std::string& stem) {
  std::string_view n = name;
  if (!n.empty() && n[0] == '.') n.remove_prefix(1);  // temporary names: ".<final>.tmp.<pid>.<k>"
  if (n.size() < stem.size() + 16 || n.compare(0, stem.size(), stem) != 0 || n[stem.size()] != '-') return false;
  n.remove_prefix(stem.size() + 1);
  for (int i = 0; i < 5; ++i)
    if (!std::isdigit(static_cast<unsigned char>(n[static_cast<size_t>(i)]))) return false;
  n.remove_prefix(5);
  if (n.substr(0, 10) != ".jsonl.zst") return false;
  n.remove_prefix(10);
  if (n.substr(0, 4) == ".idx") n.remove_prefix(4);
  return n.empty() || n.substr(0, 5) == ".tmp.";
}

// Removes one unit's shards from `dir` and from its route subfolders (never "_work").
void remove_unit_outputs(const fs::path& dir, const std::string& stem) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory() && entry.path().filename() != "_work" && is_route_name(entry.path().filename().string()))
      remove_unit_outputs(entry.path(), stem);
    else if (entry.is_regular_file() && is_unit_output(entry.path().filename().string(), stem))
      fs::remove(entry.path(), ec);
  }
}


io::FetchOptions fetch_options(const Settings& settings, const RunOptions& options) {
  io::FetchOptions fopt = options.fetch;
  fopt.max_attempts = settings.max_attempts;
  fopt.per_host_connections = settings.per_host_connections;
  fopt.per_host_requests_per_s = settings.requests_per_s;
  return fopt;
}

std::string download_base(const Settings& s, const RunOptions& o) {
  std::string base = o.mirror.empty() ? s.base_url : download::as_url(o.mirror);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

namespace {

// Units of `files_per_unit` files from --input files and directories (recursively, sorted by
// relative path, hidden files skipped); a file named like [download] metadata is every
// unit's first part instead of a unit file. Units are named after the first input.
std::vector<PlanUnit> grouped_input_units(const std::vector<fs::path>& inputs, const Settings& s) {
  std::vector<PlanPart> files;
  std::optional<PlanPart> metadata;
  std::string metadata_name = s.metadata.empty() ? "" : fs::path(s.metadata).filename().string();
  auto add = [&](const fs::path& p, const std::string& name) {
    std::string abs = fs::absolute(p).lexically_normal().string();
    if (!metadata_name.empty() && p.filename() == metadata_name) {
      if (metadata && metadata->path != abs)
        throw ConfigError("two metadata files among the inputs: " + metadata->path + " and " + abs);
      metadata = PlanPart{name, "", abs, {}, {}, 0};
      return;
    }
    files.push_back({name, "", abs, {}, {}, 0});
  };
  for (const auto& in : inputs) {
    if (fs::is_directory(in)) {
      std::vector<fs::path> found;
      for (const auto& e : fs::recursive_directory_iterator(in))
        if (e.is_regular_file() && e.path().filename().string()[0] != '.') found.push_back(e.path());
      std::sort(found.begin(), found.end(), [&](const fs::path& a, const fs::path& b) {
        return fs::relative(a, in).generic_string() < fs::relative(b, in).generic_string();
      });
      std::string dir = fs::absolute(in).lexically_normal().filename().string();
      if (dir.empty()) dir = fs::absolute(in).lexically_normal().parent_path().filename().string();
      for (const auto& p : found) add(p, dir + "/" + fs::relative(p, in).generic_string());
    } else if (fs::is_regular_file(in)) {
      add(in, in.filename().string());
    } else {
      throw ConfigError("--input " + in.string() + " is neither a file nor a directory");
    }
  }
  std::string label = fs::absolute(inputs.front()).lexically_normal().filename().string();
  if (fs::is_regular_file(inputs.front())) label = fs::path(label).stem().string();
  return download::group_units(label.empty() ? "input" : label, files, metadata ? &*metadata : nullptr,
                               s.files_per_unit, "");
}

std::vector<PlanUnit> local_input_units(const std::vector<fs::path>& inputs, const Settings& s) {
  if (s.files_per_unit > 0) return grouped_input_units(inputs, s);
  std::vector<PlanUnit> units;
  for (const auto& p : inputs) {
    if (!fs::is_regular_file(p)) throw ConfigError("--input " + p.string() + " is not a file");
    units.push_back({p.filename().string(), "", fs::absolute(p).lexically_normal().string()});
  }
  return units;
}

download::PlanContext plan_context(const Recipe& r, const Settings& s, const RunOptions& o, const RunLayout& layout) {
  download::PlanContext ctx;
  ctx.recipe = r.name;
  ctx.base = download_base(s, o);
  ctx.mirror = !o.mirror.empty();
  ctx.download = o.download;
  ctx.work_dir = layout.work_dir();
  ctx.raw_dir = layout.raw_dir();
  ctx.fetch = fetch_options(s, o);
  return ctx;
}

}  // namespace

const download::Published& checksum_table(const Settings& s, const RunOptions& o, PlanExtras& x) {
  if (!x.table_loaded) {
    io::FetchOptions fo = fetch_options(s, o);
    fo.progress = false;
    io::Fetcher fetcher(fo);
    download::ChecksumContext cc{fetcher, download_base(s, o), s.planner.get(), &x.listed};
    x.table = s.checksums->load(cc);
    x.table_loaded = true;
  }
  return x.table;
}

Plan build_plan(const Recipe& r, const Settings& s, const RunOptions& o, const RunLayout& layout, PlanExtras* extras) {
  PlanExtras own;
  PlanExtras& x = extras ? *extras : own;
  Plan plan;
  plan.recipe = r.name;
  plan.source = r.source;
  plan.overrides = r.overrides;
  download::PlanContext ctx = plan_context(r, s, o, layout);
  ctx.published = [&]() -> const download::Published& { return checksum_table(s, o, x); };
  if (!o.inputs.empty()) {
    plan.units = local_input_units(o.inputs, s);
  } else if (!s.planner) {
    ctx.require_base();
    throw ConfigError("recipe's [download] names no inputs; give --input", r.name);
  } else if (s.planner->listing_needs_network() && !o.download && o.mirror.empty()) {
    if (!fs::exists(layout.plan_file()))
      throw ConfigError("no plan in " + layout.source_dir().string() + ": run `rpdata download " + r.source +
                        "` first (the input list comes from a listing over the network)");
    Plan published = read_plan(layout.plan_file());
    plan.units = std::move(published.units);
    plan.deviations = std::move(published.deviations);
  } else {
    x.listed = s.planner->plan(ctx);
    plan.units = std::move(x.listed.units);
    plan.deviations = x.listed.deviations;
    x.listed.units.clear();
    for (const auto& line : x.listed.log) spdlog::info("{}: {}", r.source, line);
    for (const auto& line : plan.deviations) spdlog::warn("{}: not RedPajama's snapshot: {}", r.source, line);
  }
  if (o.limit == 0) throw ConfigError("--limit 0 selects no inputs");
  if (s.selector) {
    std::unique_ptr<io::Fetcher> fetcher;
    download::SelectContext sc{ctx, o.delete_raw, [&](const PlanUnit& unit) {
                                 fs::path raw = ctx.raw_dir / unit.name;
                                 if (!o.download) {
                                   if (!fs::exists(raw))
                                     throw DownloadError("selecting inputs needs every candidate; raw input is not downloaded",
                                                         raw.string());
                                   return;
                                 }
                                 if (!fetcher) fetcher = std::make_unique<io::Fetcher>(ctx.fetch);
                                 download::ChecksumContext cc{*fetcher, ctx.base, s.planner.get(), &x.listed};
                                 fs::create_directories(raw.parent_path());
                                 fetcher->fetch(unit.url, raw, s.checksums->expect(unit, checksum_table(s, o, x), cc));
                               }};
    for (const auto& line : s.selector->select(plan.units, sc)) spdlog::info("{}: {}", r.source, line);
    if (plan.units.empty()) throw ConfigError("no inputs selected");
  }
  split_units(plan, s, o, layout, x, [&] { return DownloadFallbacks::make(r, s, o, layout); });
  check_plan_units(plan, o, s.name_suffixes);
  return plan;
}

void check_plan_units(Plan& plan, const RunOptions& o, const std::vector<std::string>& name_suffixes) {
  if (o.limit > 0 && static_cast<size_t>(o.limit) < plan.units.size()) plan.units.resize(static_cast<size_t>(o.limit));
  std::set<std::string> names, stems;
  for (const auto& u : plan.units) {
    if (!text::is_valid_utf8(u.name)) throw ConfigError("input name is not valid UTF-8: " + u.path);
    if (!names.insert(u.name).second)
      throw ConfigError("two inputs share the name '" + u.name + "'; names must be unique");
    if (!stems.insert(unit_stem(u.name, name_suffixes)).second)
      throw ConfigError("two inputs would write the same shards '" + unit_stem(u.name, name_suffixes) + "-*.jsonl.zst' (" + u.name +
                        "); rename one");
  }
}

void publish_plan(const RunLayout& layout, const Plan& plan) {
  if (!fs::exists(layout.plan_file())) {
    io::write_file_atomic(layout.plan_file(), plan_to_json(plan));
    return;
  }
  Plan old = read_plan(layout.plan_file());
  auto refuse = [&](const std::string& why) {
    throw ConfigError("output directory " + layout.source_dir().string() + " holds a run with " + why +
                      "; use another --out (or remove it)");
  };
  if (old.units.size() != plan.units.size())
    refuse("a different input list (" + std::to_string(old.units.size()) + " inputs, now " +
           std::to_string(plan.units.size()) + ")");
  for (size_t i = 0; i < plan.units.size(); ++i) {
    if (old.units[i].name != plan.units[i].name) refuse("a different input list ('" + old.units[i].name + "')");
    if (old.units[i].path != plan.units[i].path) refuse("input " + plan.units[i].name + " from " + old.units[i].path);
    auto a = unit_parts(old.units[i]), b = unit_parts(plan.units[i]);
    bool same = a.size() == b.size();
    for (size_t k = 0; same && k < a.size(); ++k) same = a[k].name == b[k].name && a[k].path == b[k].path;
    if (!same) refuse("input " + plan.units[i].name + " made of other files");
    const auto &sa = old.units[i].slice, &sb = plan.units[i].slice;
    if (sa.has_value() != sb.has_value() ||
        (sa && (sa->of != sb->of || sa->begin != sb->begin || sa->end != sb->end || sa->first_record != sb->first_record)))
      refuse("input " + plan.units[i].name + " cut from another byte range");
  }
  if (old.settings_digest != plan.settings_digest)
    refuse("different processing settings (recipe [read]/[[steps]]/[output] or tokenizers)");
}

}  // namespace rpdata::exec
