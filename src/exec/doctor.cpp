// `rpdata doctor` per recipe: the recipe as a run loads it, then for the recipe (or each of
// its downloaded [[inputs]] groups) the plan, the first input, its published checksum and the
// planner's credentials, through the same planner, checksum kind and Fetcher a run uses; then
// models and disk (doctor_host.cpp). The plan's listings go to a temporary directory and no
// input is downloaded: the first input is asked for with a HEAD (or its first byte).
#include "rpdata/exec/doctor.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>

#include "doctor_checks.h"
#include "inputs.h"
#include "rpdata/core/error.h"
#include "rpdata/exec/runner.h"
#include "settings.h"

namespace rpdata::exec {
namespace fs = std::filesystem;
namespace {

// A directory of our own for what planning caches (listings), removed afterwards.
class ScratchDir {
 public:
  ScratchDir() {
    static std::atomic<int> serial{0};
    path_ = fs::temp_directory_path() /
            ("rpdata-doctor." + std::to_string(::getpid()) + "." + std::to_string(serial.fetch_add(1)));
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// What checking one target's inputs found.
struct Inputs {
  std::optional<size_t> count;  // inputs in the plan (before --limit), when planned
};

bool refused(long status) { return status == 401 || status == 403; }

std::string describe_expect(const io::Expect& e) {
  std::string out;
  if (!e.sha256.empty()) out = "sha256 " + e.sha256.substr(0, 12) + "...";
  if (!e.md5.empty()) out += (out.empty() ? "md5 " : ", md5 ") + e.md5.substr(0, 12) + "...";
  if (e.size) out += (out.empty() ? "size " : ", size ") + human_size(static_cast<double>(*e.size));
  return out;
}

// One target: a recipe without groups, or one downloaded [[inputs]] group of a recipe.
class TargetCheck {
 public:
  TargetCheck(const Recipe& r, const DoctorOptions& o, const fs::path& scratch, CheckSink& sink)
      : r_(r), sink_(sink), s_(resolve_settings(r, false)) {
    s_.max_attempts = std::clamp(o.max_attempts, 1, std::max(1, s_.max_attempts));
    ro_.mirror = o.mirror;
    ro_.fetch = o.fetch;
    ro_.fetch.progress = false;
    ctx_.recipe = r.name;
    ctx_.base = download_base(s_, ro_);
    ctx_.mirror = !o.mirror.empty();
    ctx_.work_dir = scratch / "_work";
    ctx_.raw_dir = scratch / "_work" / "raw";
    ctx_.fetch = fetch_options(s_, ro_);
    ctx_.published = [this]() -> const download::Published& { return checksum_table(s_, ro_, x_); };
  }

  Inputs run(int64_t limit) {
    Inputs found;
    if (!s_.planner) {
      sink_.add("plan", CheckLevel::kSkip, "the recipe lists no inputs: a run reads the files given with --input");
      return found;
    }
    std::string creds;
    try {
      creds = s_.planner->credentials(ctx_);
    } catch (const Error& e) {
      sink_.add("credentials", CheckLevel::kBlocker, e.message());
      sink_.add("plan", CheckLevel::kBlocker, "not planned: the planner has no credentials");
      return found;
    }
    if (!plan(creds, limit)) return found;
    found.count = units_.size();
    const download::PlanPart first = download::unit_parts(units_.front()).front();
    std::optional<io::ProbeResult> probe = first_input(first);
    credentials(creds, first, probe);
    checksums(first, probe);
    return found;
  }

 private:
  bool plan(const std::string& creds, int64_t limit) {
    try {
      x_.listed = s_.planner->plan(ctx_);
      Plan p;
      p.units = std::move(x_.listed.units);
      x_.listed.units.clear();
      check_plan_units(p, ro_, s_.name_suffixes);  // names unique and UTF-8, as a run checks them
      units_ = std::move(p.units);
    } catch (const Error& e) {
      sink_.add("plan", CheckLevel::kBlocker, e.what());
      auto* status = dynamic_cast<const HttpStatusError*>(&e);
      if (!creds.empty() && status && refused(status->status()))
        sink_.add("credentials", CheckLevel::kBlocker,
                  "the signed listing was refused (HTTP " + std::to_string(status->status()) + ") with " + creds);
      return false;
    }
    if (units_.empty()) {
      sink_.add("plan", CheckLevel::kBlocker, "the plan has no inputs");
      return false;
    }
    std::string detail = std::to_string(units_.size()) + " input(s), first " + units_.front().name;
    if (limit > 0 && static_cast<size_t>(limit) < units_.size())
      detail += "; --limit " + std::to_string(limit) + " runs the first " + std::to_string(limit);
    if (s_.selector)
      detail += "; a selection from the data narrows them in a run (not applied here: it reads every candidate)";
    sink_.add("plan", CheckLevel::kOk, detail);
    return true;
  }

  // The fetch options the run downloads with: the planner's (e.g. with a request signer), else
  // the recipe's.
  io::FetchOptions download_options() const {
    io::FetchOptions fo = x_.listed.fetch ? *x_.listed.fetch : fetch_options(s_, ro_);
    fo.progress = false;
    return fo;
  }

  std::optional<io::ProbeResult> first_input(const download::PlanPart& first) {
    if (first.url.empty()) {  // a local file (a previous stage's output, an --input)
      bool there = fs::is_regular_file(first.path);
      sink_.add("first input", there ? CheckLevel::kOk : CheckLevel::kBlocker,
                first.name + (there ? ": local file " : ": no such local file ") + first.path);
      return std::nullopt;
    }
    try {
      io::Fetcher fetcher(download_options());
      io::ProbeResult p = fetcher.probe(first.url);
      std::string how = " (" + p.method + " " + p.url + ")";
      std::string size = p.size ? human_size(static_cast<double>(*p.size)) : "size not given";
      if (p.ok())
        sink_.add("first input", CheckLevel::kOk,
                  first.name + (p.method == "stat" ? ": present, " : ": HTTP " + std::to_string(p.status) + ", ") +
                      size + how);
      else
        sink_.add("first input", CheckLevel::kBlocker, first.name + ": " + p.failure + how);
      return p;
    } catch (const Error& e) {
      sink_.add("first input", CheckLevel::kBlocker, first.name + ": " + e.what());
      return std::nullopt;
    }
  }

  void credentials(const std::string& creds, const download::PlanPart& first,
                   const std::optional<io::ProbeResult>& p) {
    if (creds.empty()) {
      sink_.add("credentials", CheckLevel::kSkip, "the inputs' requests are not signed");
    } else if (p && p->ok()) {
      sink_.add("credentials", CheckLevel::kOk, "signed " + p->method + " of " + first.name + " accepted; " + creds);
    } else if (p && refused(p->status)) {
      sink_.add("credentials", CheckLevel::kBlocker,
                "signed " + p->method + " of " + first.name + " refused: " + p->failure + "; " + creds);
    } else {
      sink_.add("credentials", CheckLevel::kWarn,
                "not verified (the first input did not answer: see first input); " + creds);
    }
  }

  void checksums(const download::PlanPart& first, const std::optional<io::ProbeResult>& p) {
    const std::string kind = r_.download.get_string("checksums");
    if (kind == "none") {
      sink_.add("checksums", CheckLevel::kSkip, "[download] checksums = \"none\": downloads are checked by length");
      return;
    }
    try {
      const download::Published& table = checksum_table(s_, ro_, x_);
      io::Fetcher fetcher(ctx_.fetch);
      download::ChecksumContext cc{fetcher, ctx_.base, s_.planner.get(), &x_.listed};
      io::Expect e = s_.checksums->expect({first.name, first.url, first.path, {}}, table, cc);
      if (e.sha256.empty() && e.md5.empty() && !e.size) {
        sink_.add("checksums", CheckLevel::kWarn,
                  kind + " published nothing for " + first.name + ": downloads are checked by length only");
      } else if (e.size && p && p->size && *p->size != *e.size) {
        sink_.add("checksums", CheckLevel::kBlocker,
                  kind + " publishes " + std::to_string(*e.size) + " bytes for " + first.name + " but the server has " +
                      std::to_string(*p->size) + ": downloads would fail verification");
      } else {
        sink_.add("checksums", CheckLevel::kOk, kind + ": " + describe_expect(e) + " for " + first.name);
      }
    } catch (const Error& e) {
      sink_.add("checksums", CheckLevel::kBlocker, kind + ": " + e.what());
    }
  }

  const Recipe& r_;
  CheckSink& sink_;
  Settings s_;
  RunOptions ro_;
  download::PlanContext ctx_;
  PlanExtras x_;
  std::vector<download::PlanUnit> units_;
};

}  // namespace

const std::vector<std::string>& doctor_check_names() {
  static const std::vector<std::string> names{"recipe",    "plan",   "first input", "credentials",
                                              "checksums", "models", "disk",        "slurm"};
  return names;
}

bool RecipeReport::blocked() const {
  return std::any_of(checks.begin(), checks.end(), [](const Check& c) { return c.level == CheckLevel::kBlocker; });
}

CheckLevel RecipeReport::level(const std::string& name) const {
  CheckLevel worst = CheckLevel::kSkip;
  bool any = false;
  for (const auto& c : checks)
    if (c.name == name) {
      worst = any ? std::max(worst, c.level) : c.level;
      any = true;
    }
  return worst;
}

void CheckSink::add(const std::string& name, CheckLevel level, std::string detail) {
  report.checks.push_back({name, group, level, std::move(detail)});
  if (on_check) on_check(report.checks.back());
}

RecipeReport doctor_recipe(const std::string& name_or_path, const DoctorOptions& options,
                           const std::function<void(const Check&)>& on_check) {
  RecipeReport report;
  report.recipe = name_or_path;
  CheckSink sink{report, on_check, ""};
  Recipe recipe;
  try {
    recipe = load_recipe(name_or_path);
    for (const auto& a : options.sets) apply_override(recipe, a);
    apply_run_flags(recipe, options.source_flags, /*skip_other_sources=*/true);
    validate_recipe(recipe, /*check_model_files=*/false);
  } catch (const Error& e) {
    sink.add("recipe", CheckLevel::kBlocker, e.what());
    return report;
  }
  report.source = recipe.source;
  sink.add("recipe", CheckLevel::kOk,
           "valid: source " + recipe.source + ", " +
               (recipe.inputs.empty() ? "" : std::to_string(recipe.inputs.size()) + " input groups, ") +
               std::to_string(recipe.steps.size() + recipe.post_steps.size()) + " step(s)" +
               (recipe.has_dedup ? " and a cross-input dedup" : "") + ", missing_models = \"" +
               recipe.missing_models + "\"");

  std::optional<size_t> inputs = 0;
  try {
    ScratchDir scratch;
    auto add = [&](const Inputs& in) {
      inputs = inputs && in.count ? std::optional<size_t>(*inputs + *in.count) : std::optional<size_t>();
    };
    if (recipe.inputs.empty()) {
      add(TargetCheck(recipe, options, scratch.path(), sink).run(options.limit));
    }
    for (const auto& group : recipe.inputs) {
      CheckSink gsink{report, on_check, group.name};
      if (group.local) {
        gsink.add("plan", CheckLevel::kSkip, "the group reads the local files given with --input");
        inputs.reset();
        continue;
      }
      add(TargetCheck(group_recipe(recipe, group), options, scratch.path(), gsink).run(-1));
    }
  } catch (const std::exception& e) {  // the scratch directory, or a bug: still a report
    sink.add("plan", CheckLevel::kBlocker, e.what());
    inputs.reset();
  }
  check_models(recipe, sink);
  report.disk_need_bytes = check_disk(recipe, options, inputs, sink);
  return report;
}

}  // namespace rpdata::exec
