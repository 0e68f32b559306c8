// `rpdata report DIR`: token counts of a run next to RedPajama-Data-1T's published counts.
#include <cstdio>

#include "common.h"
#include "rpdata/exec/report.h"

namespace rpdata::cli {
namespace {
std::string g_dir, g_tokenizer = "neox";
bool g_json = false;
}  // namespace

void register_report(CLI::App& app) {
  auto* cmd = app.add_subcommand("report", "Compare a run's token counts with RedPajama-Data-1T's published ones");
  cmd->add_option("dir", g_dir, "Run directory")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--tokenizer,-t", g_tokenizer, "Which counts to compare (published ones are neox)")
      ->check(CLI::IsMember({"neox", "llama"}))
      ->capture_default_str();
  cmd->add_flag("--json", g_json, "JSON instead of a table");
  cmd->footer("A partial run is extrapolated by the fraction of the full recipe's inputs it covers,\n"
              "and labelled as an extrapolation.");
  cmd->callback([] {
    exec::Report r = exec::build_report(g_dir, g_tokenizer);
    std::fputs((g_json ? exec::report_to_json(r) : exec::report_to_table(r)).c_str(), stdout);
  });
}

}  // namespace rpdata::cli
