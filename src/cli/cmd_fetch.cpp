// `rpdata fetch URL DEST`: the shared downloader on a single URL, handy to test a mirror or
// a proxy with the same retry, resume and verify policy the pipeline uses.
#include <spdlog/spdlog.h>

#include "common.h"
#include "rpdata/io/http_fetch.h"

namespace rpdata::cli {
namespace {
std::string g_url, g_dest, g_sha256;
int g_attempts = 10;
bool g_no_progress = false;
}

void register_fetch(CLI::App& app) {
  auto* cmd = app.add_subcommand("fetch", "Download one URL with rpdata's retry/resume/verify policy");
  cmd->add_option("url", g_url, "http(s):// or file:// URL")->required();
  cmd->add_option("dest", g_dest, "Destination file (written atomically)")->required();
  cmd->add_option("--sha256", g_sha256, "Expected sha256 (lowercase hex)");
  cmd->add_option("--max-attempts", g_attempts, "Tries before giving up")->check(at_least(1));
  cmd->add_flag("--no-progress", g_no_progress, "No progress bar");
  cmd->callback([] {
    io::FetchOptions o;
    o.max_attempts = g_attempts;
    o.progress = !g_no_progress;
    io::Fetcher fetcher(o);
    io::Expect e;
    e.sha256 = g_sha256;
    auto r = fetcher.fetch(g_url, g_dest, e);
    spdlog::info("{}: {} bytes, {} attempt(s){}", g_dest, r.bytes, r.attempts, r.resumed ? ", resumed" : "");
  });
}

}  // namespace rpdata::cli
