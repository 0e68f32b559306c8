// `rpdata manifest DIR [--json] [--verify]`: the merged manifest of a run.
#include <cstdio>

#include "common.h"
#include "rpdata/exec/manifest.h"
#include "rpdata/io/json_writer.h"

namespace rpdata::cli {
namespace {
std::string g_dir;
bool g_json = false;
bool g_verify = false;

int show_manifest() {
  auto sources = exec::run_sources(g_dir);
  int bad = 0;
  if (g_verify) {
    for (const auto& source : sources) {
      exec::RunLayout layout{g_dir, source};
      exec::Plan plan = exec::read_plan(layout.plan_file());
      for (const auto& u : plan.units) {
        auto marker = layout.unit_marker(u.name);
        if (!std::filesystem::exists(marker)) continue;
        std::string problem = exec::verify_unit(layout, exec::read_unit_record(marker), true);
        if (!problem.empty()) {
          std::fprintf(stderr, "rpdata: %s/%s: %s\n", source.c_str(), u.name.c_str(), problem.c_str());
          ++bad;
        }
      }
    }
  }
  if (!g_json) {
    print_run_table(g_dir);
    if (g_verify) std::printf("verify: %s\n", bad ? "FAILED" : "every shard matches its sha256");
    return bad ? 1 : 0;
  }
  io::JsonObject per_source;
  std::map<std::string, int64_t> total_tokens;
  int64_t docs = 0, bytes = 0, shards = 0;
  for (const auto& source : sources) {
    exec::SourceTotals t = exec::merge_manifest({g_dir, source}, false);
    per_source.raw(source, io::JsonObject()
                               .num("docs", t.docs)
                               .num("bytes", static_cast<int64_t>(t.bytes))
                               .num("compressed_bytes", static_cast<int64_t>(t.compressed_bytes))
                               .num("shards", t.shards)
                               .num("inputs", t.units)
                               .num("inputs_complete", t.units_done)
                               .boolean("complete", t.complete())
                               .counts("tokens", t.tokens)
                               .done());
    docs += t.docs;
    bytes += static_cast<int64_t>(t.bytes);
    shards += t.shards;
    for (const auto& [k, v] : t.tokens) total_tokens[k] += v;
  }
  std::string out =
      io::JsonObject()
          .raw("sources", per_source.done())
          .raw("total",
               io::JsonObject().num("docs", docs).num("bytes", bytes).num("shards", shards).counts("tokens", total_tokens).done())
          .done() +
      "\n";
  std::fputs(out.c_str(), stdout);
  return bad ? 1 : 0;
}
}  // namespace

void register_manifest(CLI::App& app) {
  auto* cmd = app.add_subcommand("manifest", "Print the merged manifest of a run (table, or --json)");
  cmd->add_option("dir", g_dir, "Run directory")->required()->check(CLI::ExistingDirectory);
  cmd->add_flag("--json", g_json, "JSON: {\"sources\": {SOURCE: {docs, bytes, shards, tokens: {...}}}, \"total\": ...}");
  cmd->add_flag("--verify", g_verify, "Re-hash every shard against its sha256 (exit 1 on mismatch)");
  cmd->callback([] { g_exit_code = show_manifest(); });
}

}  // namespace rpdata::cli
