#include "rpdata/exec/status.h"

#include <signal.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>

#include "rpdata/io/fs.h"

namespace rpdata::exec {
namespace fs = std::filesystem;
namespace {

std::string local_host() {
  char buf[256] = {0};
  ::gethostname(buf, sizeof(buf) - 1);
  return buf;
}

TaskState running_state(const std::string& label, const fs::path& path) {
  TaskState t{label, "running", ""};
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  auto buf = simdjson::padded_string(io::read_file(path));
  int64_t pid = 0;
  std::string_view host;
  if (parser.parse(buf).get(root) || root["pid"].get_int64().get(pid) || root["host"].get_string().get(host))
    return t;
  t.detail = "pid " + std::to_string(pid) + " on " + std::string(host);
  if (host == local_host() && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) t.state = "stale";
  return t;
}

}  // namespace

std::vector<SourceStatus> run_status(const fs::path& out) {
  std::vector<SourceStatus> result;
  for (const auto& source : run_sources(out)) {
    RunLayout layout{out, source};
    SourceStatus st;
    st.totals = merge_manifest(layout, false);
    std::map<std::string, TaskState> tasks;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(layout.tasks_dir(), ec)) {
      std::string name = entry.path().filename().string();
      auto dot = name.find('.');
      if (dot == std::string::npos) continue;
      std::string label = name.substr(0, dot), kind = name.substr(dot + 1);
      if (kind == "done") {
        if (!tasks.count(label)) tasks[label] = {label, "done", ""};
      } else if (kind == "failed") {
        std::string text = io::read_file(entry.path());
        if (!text.empty() && text.back() == '\n') text.pop_back();
        tasks[label] = {label, "failed", text};
      } else if (kind == "running") {
        tasks[label] = running_state(label, entry.path());
      }
    }
    for (auto& [label, t] : tasks) {
      // Once every input is complete, failed or killed attempts (e.g. of another world
      // size) no longer matter: their inputs were finished by a later run.
      if (st.totals.complete() && (t.state == "failed" || t.state == "stale")) t.state = "superseded";
      st.tasks.push_back(t);
    }
    result.push_back(std::move(st));
  }
  return result;
}

}  // namespace rpdata::exec
