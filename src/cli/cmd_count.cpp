// `rpdata count FILES...`: documents, bytes and tokens of JSONL / text files.
#include <spdlog/spdlog.h>

#include <cstdio>

#include "common.h"
#include "rpdata/exec/count.h"

namespace rpdata::cli {
namespace {
std::vector<std::string> g_files;
exec::CountOptions g_opt;
std::string g_model;
bool g_json = false, g_no_progress = false;

int run_count() {
  std::vector<std::filesystem::path> files(g_files.begin(), g_files.end());
  g_opt.model_file = g_model;
  ProgressLine progress("count", !g_no_progress);
  exec::CountResult r = exec::count_files(files, g_opt, [&](uint64_t d, uint64_t t) { progress.update(d, t); });
  progress.update(1, 1);
  int failed = 0;
  for (const auto& f : r.files)
    if (!f.error.empty()) {
      spdlog::error("{}", f.error);
      ++failed;
    }
  if (g_json) {
    std::fputs(exec::count_result_to_json(r).c_str(), stdout);
  } else {
    std::printf("%-50s %10s %14s %14s  %s\n", "file", "docs", "bytes", "tokens", "drops");
    auto row = [](const std::string& name, const exec::FileCount& f) {
      std::string drops;
      for (const auto& [k, v] : f.drops) drops += (drops.empty() ? "" : " ") + k + "=" + std::to_string(v);
      std::string shown = name.size() > 50 ? "..." + name.substr(name.size() - 47) : name;
      std::printf("%-50s %10lld %14lld %14lld  %s\n", shown.c_str(), static_cast<long long>(f.docs),
                  static_cast<long long>(f.bytes), static_cast<long long>(f.tokens), drops.c_str());
    };
    for (const auto& f : r.files) row(f.path, f);
    row("total (" + r.tokenizer + ")", r.total);
  }
  return failed ? 1 : 0;
}
}  // namespace

void register_count(CLI::App& app) {
  auto* cmd = app.add_subcommand("count", "Count documents, bytes and tokens of JSONL (.gz/.zst) or text files");
  cmd->add_option("files", g_files, "JSONL, JSONL.gz, JSONL.zst files (or text files with --whole-file)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--tokenizer,-t", g_opt.tokenizer, "neox (GPT-NeoX-20B, RedPajama's counts) or llama")
      ->check(CLI::IsMember({"neox", "llama"}))
      ->capture_default_str();
  cmd->add_option("--model", g_model, "Tokenizer model file (default: found under $RPDATA_MODELS or ~/.cache)");
  cmd->add_option("--field", g_opt.field, "JSON field holding the text")->capture_default_str();
  cmd->add_option("--threads,-j", g_opt.threads, "Counting threads")->check(at_least(1))->capture_default_str();
  cmd->add_flag("--whole-file", g_opt.whole_file, "Each file is one document (plain text, any compression)");
  cmd->add_flag("--json", g_json, "JSON: {\"files\": [...], \"total\": {\"docs\", \"bytes\", \"tokens\"}}");
  cmd->add_flag("--no-progress", g_no_progress, "No progress bar");
  cmd->footer(
      "Counts are len(tokenizer.tokenize(text)) with no special tokens, as RedPajama counted.\n"
      "A record that is not valid UTF-8 is dropped and counted (read:invalid_utf8); a --whole-file\n"
      "input that is not valid UTF-8 is skipped with the offset of its first bad byte (exit 1).\n"
      "Examples:\n"
      "  rpdata count runs/rp/c4/*.jsonl.zst --threads 2\n"
      "  rpdata count --tokenizer llama --whole-file book.txt --json");
  cmd->callback([] { g_exit_code = run_count(); });
}

}  // namespace rpdata::cli
