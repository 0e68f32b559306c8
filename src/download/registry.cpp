#include <algorithm>

#include "rpdata/core/error.h"
#include "rpdata/download/checksums.h"
#include "rpdata/download/planner.h"
#include "rpdata/download/selector.h"

namespace rpdata::download {

const std::string& PlanContext::require_base() const {
  if (base.empty()) throw ConfigError("recipe has no [download] base_url; give --mirror or --input", recipe);
  return base;
}

std::string ChecksumContext::url_of(const std::string& file) const {
  if (base.empty()) throw ConfigError("[download] checksums: no base_url (or --mirror) to fetch " + file + " from");
  return base + "/" + file;
}

void PlannerRegistry::add(PlannerType type) { types_.push_back(std::move(type)); }

std::unique_ptr<InputPlanner> PlannerRegistry::configure(const Params& download, const std::string& recipe) const {
  std::vector<const PlannerType*> chosen;
  for (const auto& t : types_)
    if (std::any_of(t.triggers.begin(), t.triggers.end(), [&](const std::string& k) { return download.has(k); }))
      chosen.push_back(&t);
  auto superseded = [&](const PlannerType* t) {
    return std::any_of(chosen.begin(), chosen.end(), [&](const PlannerType* by) {
      return std::find(by->supersedes.begin(), by->supersedes.end(), t->name) != by->supersedes.end();
    });
  };
  chosen.erase(std::remove_if(chosen.begin(), chosen.end(), superseded), chosen.end());
  if (chosen.size() > 1)
    chosen.erase(std::remove_if(chosen.begin(), chosen.end(), [](const PlannerType* t) { return t->fallback; }),
                 chosen.end());
  if (chosen.size() > 1)
    throw ConfigError("[download] gives two input shapes (" + chosen[0]->triggers[0] + " and " +
                          chosen[1]->triggers[0] + "); give one",
                      recipe);
  if (chosen.empty()) {
    const ParamValue* base = download.given("base_url");
    if (base && *base != ParamValue{std::string()}) {
      std::string keys;
      for (const auto& t : types_) keys += (keys.empty() ? "" : ", ") + t.triggers[0];
      throw ConfigError("[download] has base_url but no input shape (one of: " + keys + ")", recipe);
    }
    return nullptr;
  }
  download.declare("shape " + chosen[0]->name, chosen[0]->keys);
  return chosen[0]->configure(download);
}

Key ChecksumRegistry::checksums_key() {
  return Key::text("checksums", "none", "how downloads are verified: a checksum kind (rpdata steps lists them)");
}

Key SelectorRegistry::select_by_key() {
  return Key::optional("select_by", ParamType::kString, "a selection of the planned inputs (rpdata steps lists them)");
}

void ChecksumRegistry::add(ChecksumType type) { types_.push_back(std::move(type)); }

std::unique_ptr<Checksums> ChecksumRegistry::configure(const Params& download, const std::string& recipe) const {
  download.declare("checksums", {checksums_key()});
  std::string kind = download.get_string("checksums");
  for (const auto& t : types_)
    if (t.name == kind) {
      download.declare("checksums " + kind, t.keys);
      return t.configure(download);
    }
  std::string known;
  for (const auto& t : types_) known += (known.empty() ? "" : ", ") + t.name;
  throw ConfigError("[download] checksums = \"" + kind + "\" is not a checksum kind (known: " + known + ")", recipe);
}

void SelectorRegistry::add(SelectorType type) { types_.push_back(std::move(type)); }

std::unique_ptr<InputSelector> SelectorRegistry::configure(const Params& download, const std::string& recipe) const {
  download.declare("select_by", {select_by_key()});
  if (!download.has("select_by")) return nullptr;
  std::string by = download.get_string("select_by");
  for (const auto& t : types_)
    if (t.name == by) {
      download.declare("select_by " + by, t.keys);
      return t.configure(download);
    }
  std::string known;
  for (const auto& t : types_) known += (known.empty() ? "" : ", ") + t.name;
  throw ConfigError("[download] select_by = \"" + by + "\" is not a selector (known: " + known + ")", recipe);
}

io::Expect published_entry(const Published& table, const PlanUnit& file) {
  auto it = table.find(file.name);
  if (it == table.end()) throw DownloadError("no checksum published for " + file.name, file.url);
  return it->second;
}

io::Expect PublishedChecksums::expect(const PlanUnit& file, const Published& table, const ChecksumContext&) const {
  auto it = table.find(file.name);
  return it == table.end() ? io::Expect{} : it->second;
}

}  // namespace rpdata::download
