// Per-host politeness of one Fetcher (internal to the downloader): at most
// `per_host_connections` transfers at once per host and, when `per_host_requests_per_s` is
// set, request starts spaced by its interval, shared by every thread using the Fetcher.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "rpdata/io/http_fetch.h"
#include "http_util.h"

namespace rpdata::io::http {

class HostLimits {
  struct HostState {
    std::mutex mu;
    std::condition_variable cv;
    int active = 0;
    Clock::time_point next_start{};
  };

 public:
  // `options` must outlive this object.
  explicit HostLimits(const FetchOptions& options) : options_(options) {}

  // Holds one of the host's connection slots for the lifetime of the object, after waiting
  // for the host's request-rate interval. `key` is http::host_key of the URL.
  class Slot {
   public:
    Slot(HostLimits& limits, const std::string& key) : state_(limits.host_state(key)) {
      const FetchOptions& options = limits.options_;
      int limit = std::max(1, options.per_host_connections);
      Clock::time_point start;
      {
        std::unique_lock lock(state_.mu);
        state_.cv.wait(lock, [&] { return state_.active < limit; });
        ++state_.active;
        start = Clock::now();
        if (options.per_host_requests_per_s > 0) {
          auto interval = std::chrono::duration_cast<Clock::duration>(
              std::chrono::duration<double>(1.0 / options.per_host_requests_per_s));
          start = std::max(start, state_.next_start);
          state_.next_start = start + interval;
        }
      }
      std::this_thread::sleep_until(start);
    }
    ~Slot() {
      {
        std::lock_guard lock(state_.mu);
        --state_.active;
      }
      state_.cv.notify_one();
    }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    HostState& state_;
  };

 private:
  HostState& host_state(const std::string& key) {
    std::lock_guard lock(hosts_mu_);
    auto& slot = hosts_[key];
    if (!slot) slot = std::make_unique<HostState>();
    return *slot;
  }

  const FetchOptions& options_;
  std::mutex hosts_mu_;
  std::map<std::string, std::unique_ptr<HostState>> hosts_;
};

}  // namespace rpdata::io::http
