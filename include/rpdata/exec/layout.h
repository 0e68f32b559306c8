// Where a run keeps things. Data files sit where users look for them; bookkeeping lives
// under _work so a run directory can be shipped by copying <out>/<source>/*.jsonl.zst.
//   <out>/<source>/<stem>-NNNNN.jsonl.zst (+ .idx)   shards
//   <out>/<source>/manifest.jsonl, manifest.json     merged manifest (rows, totals)
//   <out>/<source>/_work/plan.json                   the ordered input list of this run
//   <out>/<source>/_work/raw/<input>                 downloaded raw inputs
//   <out>/<source>/_work/units/<input>.json          per-input completion marker + rows
//   <out>/<source>/_work/tasks/<rank label>.{running,done,failed,stats.json}
#pragma once

#include <filesystem>
#include <string>

namespace rpdata::exec {

struct RunLayout {
  std::filesystem::path out;
  std::string source;

  std::filesystem::path source_dir() const { return out / source; }
  std::filesystem::path work_dir() const { return source_dir() / "_work"; }
  std::filesystem::path plan_file() const { return work_dir() / "plan.json"; }
  std::filesystem::path raw_dir() const { return work_dir() / "raw"; }
  std::filesystem::path units_dir() const { return work_dir() / "units"; }
  std::filesystem::path tasks_dir() const { return work_dir() / "tasks"; }
  std::filesystem::path unit_marker(const std::string& unit) const { return units_dir() / (unit + ".json"); }
  std::filesystem::path manifest_rows() const { return source_dir() / "manifest.jsonl"; }
  std::filesystem::path manifest_summary() const { return source_dir() / "manifest.json"; }
};

}  // namespace rpdata::exec
