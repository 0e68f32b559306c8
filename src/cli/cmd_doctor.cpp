// `rpdata doctor RECIPE... --out DIR`: a preflight that downloads no input (exec/doctor.h):
// one line per check as it finishes, then a recipe x check table; exit 1 on any blocker.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>

#include "common.h"
#include "rpdata/core/error.h"
#include "rpdata/exec/doctor.h"
#include "rpdata/exec/recipe.h"
#include "rpdata/exec/runner.h"

namespace rpdata::cli {
namespace {

std::vector<std::string> g_recipes;
exec::DoctorOptions g_options;
std::string g_out;
bool g_slurm = false;

const char* word(exec::CheckLevel level) {
  switch (level) {
    case exec::CheckLevel::kOk: return "ok";
    case exec::CheckLevel::kSkip: return "skip";
    case exec::CheckLevel::kWarn: return "WARN";
    case exec::CheckLevel::kBlocker: return "FAIL";
  }
  return "?";
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// The recipes named, `all` expanded to every production recipe.
std::vector<std::string> recipe_names() {
  if (g_recipes.empty())
    throw ConfigError("name the recipes to check (built-in names or .toml paths), or `all` for every production "
                      "recipe");
  std::vector<std::string> names;
  for (const auto& r : g_recipes) {
    if (r != "all") {
      names.push_back(r);
      continue;
    }
    for (const auto& b : exec::builtin_recipe_names())
      if (b.rfind("sample/", 0) != 0) names.push_back(b);
  }
  if (!g_options.mirror.empty() && names.size() > 1)
    throw ConfigError("--mirror stands for one recipe's host; check one recipe at a time with it");
  return names;
}

void print_check(const std::string& recipe, size_t width, const exec::Check& c) {
  std::string name = c.group.empty() ? c.name : c.name + " (" + c.group + ")";
  std::printf("%-4s  %-*s  %-18s  %s\n", word(c.level), static_cast<int>(width), recipe.c_str(), name.c_str(),
              c.detail.c_str());
  std::fflush(stdout);
}

int doctor() {
  std::vector<std::string> names = recipe_names();
  g_options.out = g_out;
  g_options.fetch.progress = false;
  size_t width = 6;
  for (const auto& n : names) width = std::max(width, n.size());

  std::optional<exec::Check> slurm;
  if (g_slurm) {
    slurm = exec::check_slurm();
    print_check("(all)", width, *slurm);
  }
  std::vector<exec::RecipeReport> reports;
  for (const auto& name : names) {
    reports.push_back(exec::doctor_recipe(name, g_options, [&](const exec::Check& c) { print_check(name, width, c); }));
    if (slurm) reports.back().checks.push_back(*slurm);
  }

  std::vector<std::string> columns;
  for (const auto& c : exec::doctor_check_names())
    if (c != "slurm" || slurm) columns.push_back(c);
  std::vector<std::vector<std::string>> rows{{"RECIPE"}};
  for (const auto& c : columns) rows[0].push_back(upper(c));
  size_t blocked = 0, warnings = 0;
  bool disk_short = false;
  double need = 0;
  for (const auto& r : reports) {
    rows.push_back({r.recipe});
    for (const auto& c : columns) {
      exec::CheckLevel l = r.level(c);
      rows.back().push_back(l == exec::CheckLevel::kSkip ? "-" : word(l));
    }
    blocked += r.blocked() ? 1 : 0;
    for (const auto& c : r.checks) warnings += c.level == exec::CheckLevel::kWarn ? 1 : 0;
    need += r.disk_need_bytes;
  }
  std::printf("\n");
  print_table(rows);
  if (reports.size() > 1 && need > 0) {  // the recipes share --out
    exec::FreeSpace free = exec::free_space(g_out);
    bool fits = static_cast<double>(free.bytes) >= need;
    std::printf("\ndisk: the recipes together need %s, %s free under %s%s\n", human_bytes(need).c_str(),
                human_bytes(static_cast<double>(free.bytes)).c_str(), free.dir.string().c_str(),
                fits ? "" : " (FAIL: not enough)");
    disk_short = !fits;
  }
  std::printf("\n%zu recipe(s) checked: %s, %zu warning(s)%s\n", reports.size(),
              blocked ? (std::to_string(blocked) + " with blockers").c_str() : "no blocker", warnings,
              disk_short ? "; not enough disk for all of them" : "");
  return blocked || disk_short ? 1 : 0;
}

}  // namespace

void register_doctor(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "doctor", "Preflight a run without downloading it: hosts, listings, checksums, credentials, models, disk");
  cmd->add_option("recipes", g_recipes,
                  "Recipes to check: built-in names (c4, sample/c4), .toml paths, or `all` for every production "
                  "recipe (it contacts every source's host)");
  cmd->add_option("--out,-o", g_out, "The run directory the run would use (its free space is checked; need not exist)")
      ->required();
  cmd->add_option("--mirror", g_options.mirror, "As for `rpdata run`: the base URL or local directory to fetch from");
  cmd->add_option("--limit", g_options.limit, "As for `rpdata run`: the disk estimate is scaled to the first N inputs")
      ->check(at_least(1));
  cmd->add_flag("--delete-raw", g_options.delete_raw, "As for `rpdata run`: raw inputs do not count towards the disk");
  cmd->add_option("--set", g_options.sets, "As for `rpdata run`: SECTION.KEY=VALUE, applied to every recipe checked");
  for (const auto& f : exec::registries().run_flags)
    cmd->add_option("--" + f.flag, g_options.source_flags[f.flag], "As for `rpdata run` (recipes of " +
                                                                       f.sources.front() + "...): " + f.doc)
        ->type_name(f.value_name);
  cmd->add_flag("--slurm", g_slurm, "Also check that sbatch is on PATH and sinfo answers");
  cmd->add_option("--attempts", g_options.max_attempts,
                  "Requests per URL at most, with the downloader's backoff (the recipe's max_attempts when lower)")
      ->check(at_least(1))
      ->capture_default_str();
  cmd->footer(
      "Nothing is downloaded and nothing is written under --out: the plan's listings and manifests\n"
      "are fetched into a temporary directory, the first input is asked for with HEAD (or a\n"
      "1-byte Range GET when HEAD is refused), and its published checksum is fetched as a run\n"
      "would. One line per check as it finishes (ok, WARN, FAIL, skip), then a table.\n"
      "Checks: recipe (loads and validates), plan (listing/manifest, input count), first input,\n"
      "credentials (the signed HEAD, S3), checksums, models, disk (free space under --out against\n"
      "`rpdata plan`'s output + scratch), slurm (with --slurm).\n"
      "Exit codes: 0 no blocker (warnings allowed), 1 a blocker, 2 usage error.\n"
      "Examples:\n"
      "  rpdata doctor c4 --out runs/rp\n"
      "  rpdata doctor c4 --out runs/rp --mirror /data/c4/en --limit 4\n"
      "  rpdata doctor all --out /scratch/rp --slurm");
  cmd->callback([] { g_exit_code = doctor(); });
}

}  // namespace rpdata::cli
