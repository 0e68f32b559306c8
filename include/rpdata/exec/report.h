// `rpdata report`: a run's token counts next to RedPajama-Data-1T's published per-source
// counts (GPT-NeoX-20B tokens, as each source registers them: SourceInfo), with each source's
// share; rows in order of published tokens. A partial run (fewer
// inputs than the full recipe) is extrapolated linearly by the fraction of inputs covered,
// and labelled as an extrapolation.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace rpdata::exec {

struct ReportRow {
  std::string source;           // the slice (SourceInfo::name)
  bool in_run = false;
  int64_t docs = 0;
  int64_t tokens = 0;           // counted by the run (0 if not counted)
  bool counted = false;         // the run has counts for the tokenizer
  int64_t inputs_done = 0;
  int64_t inputs_full = 0;      // inputs of the full production recipe
  double coverage = 0;          // inputs_done / inputs_full
  double extrapolated = 0;      // tokens / coverage (== tokens when complete)
  double published = 0;
  double share = 0;             // of the run's (extrapolated) total
  double published_share = 0;
  // "<recipe>: <snapshot>" of each recipe that made this slice and says its snapshot differs
  // from RedPajama's or may (live data, a withdrawn dataset, a growing bucket).
  std::vector<std::string> snapshot_notes;
  // "<run folder>: <deviation>": how a run's inputs differ from RedPajama's snapshot (another
  // dump date, papers past its cut-off), as its plan recorded them: not RedPajama's data.
  std::vector<std::string> deviations;
  // "<run folder>: <assignment>": the recipe keys a run changed (--set and the flags standing
  // for them), as its plan recorded them.
  std::vector<std::string> overrides;
};

struct Report {
  std::string tokenizer;
  std::vector<ReportRow> rows;
  double total_extrapolated = 0, total_published = 0;
  bool partial = false;
};

Report build_report(const std::filesystem::path& out, const std::string& tokenizer);
std::string report_to_json(const Report& r);
std::string report_to_table(const Report& r);

}  // namespace rpdata::exec
