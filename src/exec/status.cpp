#include "rpdata/exec/status.h"

#include <signal.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <string_view>
#include <cstdio>
#include <cstdlib>
#include <cerrno>
#include <map>

#include "rpdata/core/error.h"
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

void read_tasks(const fs::path& dir, const std::string& prefix, std::map<std::string, TaskState>& tasks) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    auto dot = name.find('.');
    if (dot == std::string::npos) continue;
    std::string label = prefix + name.substr(0, dot), kind = name.substr(dot + 1);
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
}

int64_t count_files(const fs::path& dir, const std::string& suffix) {
  int64_t n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) n += e.path().filename().string().ends_with(suffix);
  return n;
}

std::vector<QueuedJob> squeue_jobs(const std::string& source) {
  std::vector<QueuedJob> jobs;
  std::string cmd = "timeout 10 squeue -h -r -o '%i|%j|%T|%r' 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return jobs;
  char buf[512];
  while (std::fgets(buf, sizeof(buf), p)) {
    std::string line(buf);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    std::vector<std::string> f;
    size_t start = 0, bar;
    while ((bar = line.find('|', start)) != std::string::npos) f.push_back(line.substr(start, bar - start)), start = bar + 1;
    f.push_back(line.substr(start));
    if (f.size() != 4) continue;
    std::string name = f[1];
    if (name != "rpdata-" + source && name.rfind("rpdata-" + source + "-", 0) != 0) continue;
    jobs.push_back({f[0], name, f[2], f[3]});
  }
  ::pclose(p);
  return jobs;
}

}  // namespace

std::vector<SourceStatus> run_status(const fs::path& out) {
  std::vector<SourceStatus> result;
  for (const auto& source : run_sources(out)) {
    RunLayout layout{out, source};
    SourceStatus st;
    st.totals = merge_manifest(layout, false);
    std::map<std::string, TaskState> tasks;
    read_tasks(layout.tasks_dir(), "", tasks);
    fs::path stages = layout.work_dir() / "stages";
    if (fs::exists(stages / "dedup.json")) {
      RunLayout main{stages, "main"};
      read_tasks(main.tasks_dir(), "main/", tasks);
      // The stages the run declared (exec/stages.cpp writes dedup.json from recipe_stages).
      std::string file = (stages / "dedup.json").string();
      simdjson::dom::parser parser;
      simdjson::dom::element cfg;
      int64_t partitions = 0;
      simdjson::dom::array names;
      try {
        cfg = parser.load(file);
        partitions = cfg["partitions"].get_int64();
        names = cfg["stages"].get_array();
      } catch (const simdjson::simdjson_error& e) {
        throw InputError(std::string("not a dedup stage list (an older rpdata's? rerun the recipe): ") + e.what(), file);
      }
      for (auto n : names) {
        std::string_view name = n.get_string();
        if (name == "main") st.stages.push_back({"main", count_files(main.units_dir(), ".json"), st.totals.units});
        else if (name == "apply") st.stages.push_back({"apply", st.totals.units_done, st.totals.units});
        else st.stages.push_back({std::string(name), count_files(stages / std::string(name), ".json"), partitions, true});
      }
    }
    fs::path slurm = out / "_slurm";
    if (fs::exists(slurm)) {
      st.queued = squeue_jobs(source);
      // Failed tasks' logs: <source>[-<stage>][+<offset>]-<job>_<index>.out (exec/slurm.cpp).
      for (const auto& [label, t] : tasks) {
        if (t.state != "failed" && t.state != "stale") continue;
        int rank = std::atoi(label.c_str() + label.find("rank-") + 5);
        std::string stage = label.rfind("main/", 0) == 0 ? "main" : st.stages.empty() ? "" : "apply";
        std::string prefix = source + (stage.empty() ? "" : "-" + stage);
        std::error_code ec2;
        for (const auto& e : fs::directory_iterator(slurm / "logs", ec2)) {
          std::string n = e.path().filename().string();
          if (n.rfind(prefix, 0) != 0 || !n.ends_with(".out")) continue;
          const char* c = n.c_str() + prefix.size();
          long offset = 0;
          if (*c == '+') offset = std::strtol(c + 1, const_cast<char**>(&c), 10);
          if (*c != '-' || !std::isdigit(static_cast<unsigned char>(c[1]))) continue;
          std::strtol(c + 1, const_cast<char**>(&c), 10);  // job id
          if (*c != '_') continue;
          long index = std::strtol(c + 1, const_cast<char**>(&c), 10);
          if (std::string_view(c) == ".out" && offset + index == rank)
            st.failure_logs.push_back(label + ": " + e.path().string());
        }
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
