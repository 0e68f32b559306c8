#include "inputs.h"

#include <cctype>
#include <set>
#include <sstream>

#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"
#include "rpdata/sources/c4/c4.h"
#include "rpdata/sources/commoncrawl/listing.h"
#include "rpdata/text/utf8.h"

namespace rpdata::exec {
namespace fs = std::filesystem;

namespace {
std::string format_pattern(const std::string& pattern, int64_t index) {
  // Supports "{index}" and "{index:0N}" (zero-padded width N).
  auto open = pattern.find("{index");
  auto close = open == std::string::npos ? open : pattern.find('}', open);
  if (close == std::string::npos) throw ConfigError("[download] pattern must contain {index} or {index:05}");
  std::string spec = pattern.substr(open + 6, close - open - 6);
  std::string num = std::to_string(index);
  if (!spec.empty()) {
    if (spec.size() < 3 || spec[0] != ':' || spec[1] != '0' ||
        spec.find_first_not_of("0123456789", 1) != std::string::npos)
      throw ConfigError("[download] pattern spec '{index" + spec + "}' must be {index:0N}");
    size_t width = std::stoul(spec.substr(2));
    if (num.size() < width) num.insert(0, width - num.size(), '0');
  }
  return pattern.substr(0, open) + num + pattern.substr(close + 1);
}
// Percent-encodes each '/'-separated segment, keeping the slashes.
std::string encode_path(std::string_view s) {
  std::string out;
  while (true) {
    size_t slash = s.find('/');
    out += percent_encode_segment(s.substr(0, slash));
    if (slash == std::string_view::npos) break;
    out += '/';
    s.remove_prefix(slash + 1);
  }
  return out;
}


// A list entry "a/b@ref" -> (unit name, URL path from the pattern).
std::pair<std::string, std::string> list_unit(const Settings& s, const std::string& entry, const std::string& recipe) {
  size_t at = entry.find('@');
  std::string path = entry.substr(0, at);
  std::string ref = at == std::string::npos ? "HEAD" : entry.substr(at + 1);
  bool bad = entry.empty() || path.empty() || ref.empty() || path[0] == '/' ||
             entry.find_first_of(" \t~\\") != std::string::npos || ("/" + path + "/").find("/../") != std::string::npos ||
             ("/" + ref + "/").find("/../") != std::string::npos;
  if (bad) throw ConfigError("[download] list entry '" + entry + "' is not <path>[@<ref>] (no spaces, '~', '..')", recipe);
  std::string name = entry;
  for (char& c : name)
    if (c == '/') c = '~';
  name += s.name_suffix;
  std::string url = s.pattern;
  auto sub = [&](const std::string& key, const std::string& value) {
    for (size_t p = url.find(key); p != std::string::npos; p = url.find(key, p + value.size())) url.replace(p, key.size(), value);
  };
  sub("{path}", encode_path(path));
  sub("{ref}", encode_path(ref));
  sub("{entry}", encode_path(entry));
  return {name, url};
}
std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

// "{language}wiki/20230320/{language}wiki-...bz2" for one language -> (unit name = last
// segment, URL path with every segment percent-encoded).
std::pair<std::string, std::string> language_input(const std::string& pattern, const std::string& language) {
  std::string rel = replace_all(pattern, "{language}", language);
  std::string url_path;
  size_t start = 0;
  while (true) {
    size_t slash = rel.find('/', start);
    url_path += (start ? "/" : "") + percent_encode_segment(rel.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return {rel.substr(rel.rfind('/') == std::string::npos ? 0 : rel.rfind('/') + 1), url_path};
}
}  // namespace

std::string percent_encode_segment(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string as_url(const std::string& base) {
  if (base.find("://") != std::string::npos) return base;
  std::string url = "file://";
  for (const auto& part : fs::absolute(base).lexically_normal()) {
    std::string seg = part.string();
    if (seg == "/" || seg.empty()) continue;
    url += "/" + percent_encode_segment(seg);
  }
  return url;
}

std::string unit_stem(const std::string& unit_name) {
  // A Stack Exchange site archive: "beer.stackexchange.com.7z" -> "beer.stackexchange.com".
  if (unit_name.size() > 3 && unit_name.compare(unit_name.size() - 3, 3, ".7z") == 0)
    return unit_name.substr(0, unit_name.size() - 3);
  std::string stem = sources::c4::output_stem(unit_name);
  if (stem.size() > 4 && stem.ends_with(".tar")) stem.resize(stem.size() - 4);  // arXiv_src_0903_001.tar
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

std::string download_base(const Recipe& r, const Settings& s, const RunOptions& o) {
  std::string base = o.mirror.empty() ? s.base_url : as_url(o.mirror);
  if (base.empty()) throw ConfigError("recipe has no [download] base_url; give --mirror or --input", r.name);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

namespace {
std::string encode_path(const std::string& rel) {
  std::string out;
  size_t start = 0;
  while (true) {
    size_t slash = rel.find('/', start);
    out += percent_encode_segment(rel.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    out += '/';
    start = slash + 1;
  }
  return out;
}

std::string replace_dump(std::string pattern, const std::string& dump) {
  for (size_t at; (at = pattern.find("{dump}")) != std::string::npos;) pattern.replace(at, 6, dump);
  return pattern;
}

// cc_net: the listing is read once and cached (process_wet_file.cc_segments' cache file).
// With [download] dumps, each dump's listing in turn; its units get group = the dump.
void plan_from_listing(Plan& plan, const Recipe& r, const Settings& s, const RunOptions& o, const RunLayout& layout,
                       io::Fetcher* fetcher) {
  std::vector<std::string> dumps = s.dumps.empty() ? std::vector<std::string>{""} : s.dumps;
  for (size_t g = 0; g < dumps.size(); ++g) {
    std::string listing = replace_dump(s.listing, dumps[g]);
    fs::path cached = layout.work_dir() / "listing" / listing;
    if (!fs::exists(cached)) {
      if (!o.download || !fetcher)
        throw DownloadError("the listing is not cached (run `rpdata download` or `rpdata run` first)", cached.string());
      fs::create_directories(cached.parent_path());
      fetcher->fetch(download_base(r, s, o) + "/" + encode_path(listing), cached);
    }
    std::vector<std::string> entries = sources::commoncrawl::read_listing(cached);
    std::string base = o.download ? download_base(r, s, o) : std::string();
    const size_t n = entries.size(), units = static_cast<size_t>(s.units);
    for (size_t u = 0; u < units; ++u) {
      auto [lo, hi] = sources::commoncrawl::ccnet_shard_range(n, units, u);
      if (lo == hi) continue;
      PlanUnit unit{format_pattern(replace_dump(s.unit_name, dumps[g]), static_cast<int64_t>(u)), "", ""};
      unit.group = s.dumps.empty() ? std::string() : dumps[g];
      for (size_t k = lo; k < hi; ++k)
        unit.parts.push_back({entries[k], base.empty() ? "" : base + "/" + encode_path(entries[k]), ""});
      plan.units.push_back(std::move(unit));
    }
  }
}
}  // namespace

std::string plan_base_url(const PlanUnit& unit) {
  if (unit.parts.empty()) return unit.url.substr(0, unit.url.rfind('/'));
  const PlanPart& p = unit.parts[0];
  std::string enc = encode_path(p.name);
  if (p.url.size() > enc.size() && p.url.compare(p.url.size() - enc.size(), enc.size(), enc) == 0)
    return p.url.substr(0, p.url.size() - enc.size() - 1);
  return p.url.substr(0, p.url.rfind('/'));
}

Plan build_plan(const Recipe& r, const Settings& s, const RunOptions& o, const RunLayout& layout,
                io::Fetcher* fetcher, const std::vector<PlanUnit>* listed) {
  Plan plan;
  plan.recipe = r.name;
  plan.source = r.source;
  if (!o.inputs.empty() && s.files_per_unit > 0) {
    plan.units = grouped_input_units(o.inputs, s);
  } else if (listed && o.inputs.empty()) {
    plan.units = *listed;
  } else if (!o.inputs.empty()) {
    for (const auto& p : o.inputs) {
      if (!fs::is_regular_file(p)) throw ConfigError("--input " + p.string() + " is not a file");
      plan.units.push_back({p.filename().string(), "", fs::absolute(p).lexically_normal().string()});
    }
  } else if (!s.listing.empty()) {
    plan_from_listing(plan, r, s, o, layout, fetcher);
  } else {
    if (!s.s3_uri.empty() && s.pattern.empty())
      throw ConfigError("recipe reads " + s.s3_uri + " (listed with ListObjectsV2); a mirror needs [download] pattern, "
                        "or give the files with --input", r.name);
    std::string base = download_base(r, s, o);
    if (s.bucket_listing == "gcs") {
      plan.units = gcs_listing_units(s, base, o.fetch);
    } else if (!s.files_from.empty()) {
      // The candidates come from the checksums file (select_plan lists them); none here.
    } else if (!s.languages.empty()) {
      if (s.pattern.find("{language}") == std::string::npos)
        throw ConfigError("[download] languages needs a pattern with {language}", r.name);
      for (const auto& lang : s.languages) {
        if (lang.empty() || lang.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos)
          throw ConfigError("[download] languages: '" + lang + "' is not a language code", r.name);
        auto [name, url_path] = language_input(s.pattern, lang);
        plan.units.push_back({name, base + "/" + url_path, ""});
      }
    } else if (!s.list.empty()) {
      for (const auto& entry : s.list) {
        auto [name, url] = list_unit(s, entry, r.name);
        plan.units.push_back({name, base + "/" + url, ""});
      }
    } else if (!s.files.empty()) {
      for (const auto& name : s.files) plan.units.push_back({name, base + "/" + percent_encode_segment(name), ""});
    } else {
      if (s.count <= 0) throw ConfigError("[download] count must be positive", r.name);
      for (int64_t i = 0; i < s.count; ++i) {
        std::string name = format_pattern(s.pattern, s.first + i);
        plan.units.push_back({name, base + "/" + percent_encode_segment(name), ""});
      }
    }
  }
  if (o.limit == 0) throw ConfigError("--limit 0 selects no inputs");
  if (s.select_top > 0 || !s.files_from.empty()) return plan;  // select_plan applies --limit and the checks
  check_plan_units(plan, o);
  return plan;
}

void check_plan_units(Plan& plan, const RunOptions& o) {
  if (o.limit > 0 && static_cast<size_t>(o.limit) < plan.units.size()) plan.units.resize(static_cast<size_t>(o.limit));
  std::set<std::string> names, stems;
  for (const auto& u : plan.units) {
    if (!text::is_valid_utf8(u.name)) throw ConfigError("input name is not valid UTF-8: " + u.path);
    if (!names.insert(u.name).second)
      throw ConfigError("two inputs share the name '" + u.name + "'; names must be unique");
    if (!stems.insert(unit_stem(u.name)).second)
      throw ConfigError("two inputs would write the same shards '" + unit_stem(u.name) + "-*.jsonl.zst' (" + u.name +
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
  }
  if (old.settings_digest != plan.settings_digest)
    refuse("different processing settings (recipe [read]/[[steps]]/[output] or tokenizers)");
}

namespace {
// "<hex digest>  <name>" lines (sha256sum/md5sum output, '*' binary marker allowed).
std::map<std::string, io::Expect> parse_digest_list(const std::string& text, size_t hex_len,
                                                    std::string io::Expect::*field) {
  std::map<std::string, io::Expect> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto sp = line.find(' ');
    if (sp != hex_len) continue;
    std::string name = line.substr(sp + 1);
    if (!name.empty() && (name[0] == ' ' || name[0] == '*')) name.erase(0, 1);
    out[name].*field = line.substr(0, hex_len);
  }
  return out;
}
}  // namespace

std::map<std::string, io::Expect> parse_sha256sums(const std::string& text) {
  return parse_digest_list(text, 64, &io::Expect::sha256);
}

std::map<std::string, io::Expect> parse_md5sums(const std::string& text) {
  return parse_digest_list(text, 32, &io::Expect::md5);
}

io::Expect expected_for(const Settings& s, const PlanUnit& unit, io::Fetcher& fetcher,
                        const std::map<std::string, io::Expect>& sums) {
  if (s.checksums == "md5sums") {
    // The checksum file sits next to the input; "{language}" is the language whose pattern
    // produced this unit (Wikimedia: <lang>wiki/<date>/<lang>wiki-<date>-md5sums.txt).
    std::string file = s.checksums_file;
    for (const auto& lang : s.languages)
      if (language_input(s.pattern, lang).first == unit.name) file = replace_all(file, "{language}", lang);
    if (file.find("{language}") != std::string::npos)
      throw DownloadError("no language for " + unit.name + " to name its checksum file " + s.checksums_file, unit.url);
    std::string url = unit.url.substr(0, unit.url.rfind('/')) + "/" + percent_encode_segment(file);
    auto md5s = parse_md5sums(fetcher.get(url));
    auto it = md5s.find(unit.name);
    if (it == md5s.end()) throw DownloadError("no checksum published for " + unit.name + " in " + file, url);
    return it->second;
  }
  // s3_manifest: from the bucket's manifest; published: the SHA256SUMS of [[inputs]] groups
  // (input_groups.h), both by part name, and a part without an entry is checked by size/md5 only.
  if (s.checksums == "s3_manifest" || s.checksums == "published") {
    auto it = sums.find(unit.name);
    return it == sums.end() ? io::Expect{} : it->second;
  }
  if (s.checksums == "sha256sums" || s.checksums == "archive_org_files_xml" ||
      (s.checksums == "hf_lfs_pointer" && !sums.empty())) {
    auto it = sums.find(unit.name);
    if (it == sums.end()) throw DownloadError("no checksum published for " + unit.name, unit.url);
    return it->second;
  }
  if (s.checksums == "hf_lfs_pointer") {
    auto pos = unit.url.find("/resolve/");
    if (pos == std::string::npos) return {};
    std::string pointer_url = unit.url.substr(0, pos) + "/raw/" + unit.url.substr(pos + 9);
    std::string pointer = fetcher.get(pointer_url);
    io::Expect e;
    std::istringstream in(pointer);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("oid sha256:", 0) == 0) e.sha256 = line.substr(11);
      if (line.rfind("size ", 0) == 0) e.size = std::stoull(line.substr(5));
    }
    if (e.sha256.size() != 64 || !e.size)
      throw DownloadError("the Hub's LFS pointer has no 'oid sha256:' and 'size' lines", pointer_url);
    return e;
  }
  return {};
}

}  // namespace rpdata::exec
