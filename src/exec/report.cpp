#include "rpdata/exec/report.h"

#include <algorithm>
#include <cstdio>

#include "rpdata/exec/manifest.h"
#include "rpdata/exec/recipe.h"
#include "rpdata/exec/runner.h"
#include "rpdata/io/json_writer.h"

namespace rpdata::exec {

namespace {
// The recipe's snapshot note ("" when it has none or cannot be loaded).
std::string snapshot_note(const std::string& recipe) {
  try {
    Recipe r = load_recipe(recipe);
    return r.snapshot.empty() ? "" : r.name + ": " + r.snapshot;
  } catch (const std::exception&) {
    return "";
  }
}

int64_t full_inputs(const std::string& source, int64_t fallback) {
  try {
    Recipe r = load_recipe(source);
    int64_t n = recipe_input_count(r);
    return n > 0 ? n : fallback;
  } catch (const std::exception&) {
    return fallback;
  }
}
}  // namespace

Report build_report(const std::filesystem::path& out, const std::string& tokenizer) {
  Report rep;
  rep.tokenizer = tokenizer;
  auto in_run = run_sources(out);
  std::vector<SourceInfo> slices = source_infos();
  std::stable_sort(slices.begin(), slices.end(),
                   [](const SourceInfo& a, const SourceInfo& b) { return a.published_tokens > b.published_tokens; });
  for (const auto& slice : slices) {
    ReportRow row;
    row.source = slice.name;
    row.published = slice.published_tokens;
    rep.total_published += slice.published_tokens;
    // Every run folder that builds this slice (the slice's declared run names).
    for (const auto& name : slice.run_names) {
      if (std::find(in_run.begin(), in_run.end(), name) == in_run.end()) continue;
      SourceTotals t = merge_manifest({out, name}, false);
      Plan plan = read_plan(RunLayout{out, name}.plan_file());
      if (std::string note = snapshot_note(plan.recipe); !note.empty()) row.snapshot_notes.push_back(note);
      for (const auto& d : plan.deviations) row.deviations.push_back(name + ": " + d);
      for (const auto& o : plan.overrides) row.overrides.push_back(name + ": " + o);
      auto it = t.tokens.find(tokenizer);
      row.counted = (row.in_run ? row.counted : true) && it != t.tokens.end();
      row.in_run = true;
      row.docs += t.docs;
      row.tokens += it != t.tokens.end() ? it->second : 0;
      row.inputs_done += t.units_done;
      row.inputs_full += std::max(full_inputs(name, t.units), t.units);
    }
    if (row.in_run) {
      if (!row.counted) row.tokens = 0;
      row.coverage = row.inputs_full ? static_cast<double>(row.inputs_done) / static_cast<double>(row.inputs_full) : 0;
      row.extrapolated = row.coverage > 0 ? static_cast<double>(row.tokens) / row.coverage : 0;
      if (row.inputs_done < row.inputs_full) rep.partial = true;
      rep.total_extrapolated += row.extrapolated;
    }
    rep.rows.push_back(row);
  }
  for (auto& row : rep.rows) {
    row.share = rep.total_extrapolated > 0 ? row.extrapolated / rep.total_extrapolated : 0;
    row.published_share = row.published / rep.total_published;
  }
  return rep;
}

std::string report_to_json(const Report& r) {
  io::JsonObject sources;
  for (const auto& row : r.rows) {
    io::JsonObject o;
    o.real("published_tokens", row.published).real("published_share", row.published_share);
    if (row.in_run) {
      o.num("docs", row.docs);
      if (row.counted) o.num("tokens", row.tokens);
      else o.null("tokens");
      o.num("inputs_done", row.inputs_done)
          .num("inputs_full", row.inputs_full)
          .real("coverage", row.coverage)
          .real("extrapolated_tokens", row.extrapolated)
          .boolean("extrapolated", row.inputs_done < row.inputs_full)
          .real("share", row.share)
          .real("ratio_to_published", row.published > 0 ? row.extrapolated / row.published : 0);
      o.raw("snapshot_notes", io::json_strings(row.snapshot_notes));
      o.boolean("redpajama_snapshot", row.deviations.empty());
      o.raw("deviations", io::json_strings(row.deviations));
      o.raw("overrides", io::json_strings(row.overrides));
    }
    sources.raw(row.source, o.done());
  }
  return io::JsonObject()
             .str("tokenizer", r.tokenizer)
             .boolean("partial", r.partial)
             .raw("sources", sources.done())
             .raw("total", io::JsonObject()
                               .real("extrapolated_tokens", r.total_extrapolated)
                               .real("published_tokens", r.total_published)
                               .done())
             .done() +
         "\n";
}

std::string report_to_table(const Report& r) {
  auto billions = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), v >= 1e9 ? "%.1fB" : v >= 1e6 ? "%.2fM" : "%.0f",
                  v >= 1e9 ? v / 1e9 : v >= 1e6 ? v / 1e6 : v);
    return std::string(buf);
  };
  std::string out;
  char line[256];
  std::snprintf(line, sizeof(line), "%-14s %14s %9s %16s %7s %12s %7s %9s\n", "source", "tokens", "coverage",
                r.partial ? "extrapolated*" : "tokens (full)", "share", "published", "share", "ratio");
  out += line;
  for (const auto& row : r.rows) {
    if (!row.in_run) {
      std::snprintf(line, sizeof(line), "%-14s %14s %9s %16s %7s %12s %6.1f%% %9s\n", row.source.c_str(), "-", "-",
                    "-", "-", billions(row.published).c_str(), 100 * row.published_share, "-");
    } else {
      char cov[16];
      std::snprintf(cov, sizeof(cov), "%.2f%%", 100 * row.coverage);
      std::snprintf(line, sizeof(line), "%-14s %14s %9s %16s %6.1f%% %12s %6.1f%% %8.3gx\n", row.source.c_str(),
                    row.counted ? std::to_string(row.tokens).c_str() : "not counted", cov,
                    billions(row.extrapolated).c_str(), 100 * row.share, billions(row.published).c_str(),
                    100 * row.published_share, row.published > 0 ? row.extrapolated / row.published : 0.0);
    }
    out += line;
  }
  std::snprintf(line, sizeof(line), "%-14s %14s %9s %16s %7s %12s\n", "total", "", "",
                billions(r.total_extrapolated).c_str(), "", billions(r.total_published).c_str());
  out += line;
  for (const auto& row : r.rows)
    for (const auto& n : row.snapshot_notes) out += "snapshot: " + n + "\n";
  for (const auto& row : r.rows)
    for (const auto& d : row.deviations) out += "NOT RedPajama's snapshot: " + d + "\n";
  for (const auto& row : r.rows)
    for (const auto& o : row.overrides) out += "recipe changed: " + o + "\n";
  if (r.partial)
    out += "* extrapolation: tokens / (inputs done / inputs of the full recipe); a partial run, not a measurement.\n";
  out += "tokenizer: " + r.tokenizer + "; published counts are GPT-NeoX-20B tokens (RedPajama-Data-1T README),\n"
         "made with one end-of-document token per document appended (< 0.1 %); ours are len(tokenize(text)).\n";
  return out;
}

}  // namespace rpdata::exec
