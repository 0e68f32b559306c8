// Multi-file units from a bucket listing (PG-19 on GCS) or from --input directories: files in
// name order, `files_per_unit` per unit, with an optional metadata file as every unit's first
// part. Unit names are "<label>-NNNNN" (group number), so plans are stable across runs.
#include <algorithm>
#include <cstdio>

#include "inputs.h"
#include "rpdata/core/error.h"
#include "rpdata/io/gcs_list.h"

namespace rpdata::exec {
namespace fs = std::filesystem;
namespace {

constexpr int64_t kDefaultFilesPerUnit = 100;

std::string group_name(const std::string& label, size_t group) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "-%05zu", group);
  return label + buf;
}

// "train/" -> "train"; "a/b/" -> "a-b"; "" -> "files".
std::string label_of(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  std::replace(s.begin(), s.end(), '/', '-');
  return s.empty() ? "files" : s;
}

std::vector<PlanUnit> group_units(const std::string& label, const std::vector<PlanPart>& files,
                                  const std::optional<PlanPart>& metadata, int64_t per_unit, const std::string& base) {
  if (files.empty()) throw ConfigError("no input files found for " + label);
  size_t n = static_cast<size_t>(per_unit > 0 ? per_unit : kDefaultFilesPerUnit);
  std::vector<PlanUnit> units;
  for (size_t first = 0, g = 0; first < files.size(); first += n, ++g) {
    PlanUnit u;
    u.name = group_name(label, g);
    // Where published checksums (SHA256SUMS) of this unit's parts are looked up.
    if (!base.empty()) u.url = base + "/" + u.name;
    if (metadata) u.parts.push_back(*metadata);
    for (size_t i = first; i < std::min(files.size(), first + n); ++i) u.parts.push_back(files[i]);
    units.push_back(std::move(u));
  }
  return units;
}

}  // namespace

std::vector<PlanUnit> gcs_listing_units(const Settings& s, const std::string& base, const io::FetchOptions& fetch) {
  io::FetchOptions fo = fetch;
  fo.max_attempts = s.max_attempts;
  fo.progress = false;
  io::Fetcher fetcher(fo);
  auto part_of = [&](const io::GcsObject& o) {
    return PlanPart{s.bucket + "/" + o.name, io::gcs_object_url(base, s.bucket, o.name), "", {}, o.md5, o.size};
  };
  std::vector<PlanPart> files;
  for (const auto& o : io::gcs_list(fetcher, base, s.bucket, s.prefix)) {
    if (!o.name.empty() && o.name.back() == '/') continue;  // "folder" placeholder objects
    if (!s.metadata.empty() && o.name == s.metadata) continue;
    files.push_back(part_of(o));
  }
  std::optional<PlanPart> metadata;
  if (!s.metadata.empty()) metadata = part_of(io::gcs_stat(fetcher, base, s.bucket, s.metadata));
  return group_units(label_of(s.prefix), files, metadata, s.files_per_unit, base);
}

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
  return group_units(label.empty() ? "input" : label, files, metadata, s.files_per_unit, "");
}

}  // namespace rpdata::exec
