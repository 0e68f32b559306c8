// A loopback test server (tests/servers/fault_server.py and the like) as a child process:
// started on a free loopback port, killed (and reaped) by the destructor or with its parent.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace rpdata::test {

inline std::filesystem::path find_python3() {
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    std::filesystem::path p = std::filesystem::path(dir.empty() ? "." : dir) / "python3";
    if (::access(p.c_str(), X_OK) == 0) return p;
  }
  return {};
}

class FaultServer {
 public:
  // Runs `python script roots... extra_args...` (python: a path, or a name looked up on PATH).
  // False (with `error`, the child reaped) if it did not print its port within `timeout_s`.
  bool start(const std::filesystem::path& python, const std::filesystem::path& script,
             const std::vector<std::filesystem::path>& roots, std::string* error,
             const std::vector<std::string>& extra_args = {}, int timeout_s = 15) {
    int fds[2];
    if (::pipe(fds) != 0) return fail(error, "pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) return fail(error, "fork failed");
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      ::dup2(fds[1], STDOUT_FILENO);
      ::close(fds[0]);
      ::close(fds[1]);
      std::vector<std::string> args = {python.string(), script.string()};
      for (const auto& r : roots) args.push_back(r.string());
      args.insert(args.end(), extra_args.begin(), extra_args.end());
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execvp(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    std::string line;
    pollfd pfd{fds[0], POLLIN, 0};
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      if (::poll(&pfd, 1, 200) <= 0) continue;
      char buf[64];
      ssize_t n = ::read(fds[0], buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<size_t>(n));
    }
    ::close(fds[0]);
    port_ = std::atoi(line.c_str());
    if (port_ <= 0) {
      stop();
      return fail(error, "server did not print its port (got '" + line + "')");
    }
    return true;
  }
  void stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
    }
  }
  ~FaultServer() { stop(); }
  int port() const { return port_; }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  static bool fail(std::string* error, std::string msg) {
    *error = std::move(msg);
    return false;
  }
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace rpdata::test
