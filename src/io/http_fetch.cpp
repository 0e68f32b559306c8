// The shared downloader's Fetcher: the retry loop with backoff around single requests
// (http_request.cpp), resumable downloads into a locked .part file with verification and an
// atomic rename, in-memory gets, and probes (http_probe.cpp).
#include "rpdata/io/http_fetch.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <mutex>
#include <random>
#include <thread>

#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"
#include "http_request.h"
#include "http_util.h"
#include "part_file.h"

namespace rpdata::io {
namespace fs = std::filesystem;

namespace {

using namespace http;

constexpr int kMaxChecksumRestarts = 2;          // whole re-downloads after a bad checksum
constexpr std::string_view kPartSuffix = ".part";

}  // namespace

struct Fetcher::Impl {
  FetchOptions options;
  http::Requester requester;  // after `options`, which it reads
  std::mutex rng_mu;
  std::mt19937_64 rng;

  explicit Impl(FetchOptions o) : options(std::move(o)), requester(options) {
    uint64_t seed = options.seed
                        ? options.seed
                        : static_cast<uint64_t>(Clock::now().time_since_epoch().count());
    rng.seed(seed);
  }

  // Full jitter: uniform in [0, min(max, initial * 2^step)], but at least Retry-After (capped).
  double backoff_s(int step, double retry_after_s) {
    double cap = std::min(options.backoff_max_s,
                          options.backoff_initial_s * std::pow(2.0, std::min(step, 60)));
    double wait;
    {
      std::lock_guard lock(rng_mu);
      wait = std::uniform_real_distribution<double>(0.0, std::max(0.0, cap))(rng);
    }
    if (retry_after_s >= 0) wait = std::max(wait, std::min(retry_after_s, options.backoff_max_s));
    return wait;
  }

  struct Done {
    int attempts = 0;
    bool resumed = false;
  };

  // The retry loop shared by fetch and get. `verify` returns "" when the finished body is
  // acceptable, else the mismatch, which restarts from scratch up to kMaxChecksumRestarts times.
  Done download(const std::string& url, Sink& sink, bool resume, Progress* progress,
                const Expect& expect, const std::function<std::string()>& verify,
                PageCapture* capture = nullptr) {
    const std::string shown = redact_url(url);
    const std::string host = host_key(url);
    const int max_attempts = std::max(1, options.max_attempts);
    int attempts = 0;
    int checksum_restarts = 0;
    int backoff_step = 0;
    std::string last_failure;
    long last_status = 0;
    while (attempts < max_attempts) {
      ++attempts;
      uint64_t before = sink.size();
      Outcome r = requester.attempt(url, shown, host, sink, resume, progress, expect.size, capture);
      if (r.kind == Outcome::kComplete) {
        std::string mismatch = verify ? verify() : std::string();
        if (mismatch.empty()) return {attempts, r.resumed};
        sink.truncate();
        last_failure = "verification failed: " + mismatch;
        if (++checksum_restarts > kMaxChecksumRestarts)
          throw DownloadError(fmt::format("{} after {} full downloads ({} attempts); the "
                                          "published checksum or the server's file is wrong",
                                          last_failure, checksum_restarts, attempts),
                              shown);
        spdlog::warn("fetch {}: {}; downloading again from scratch", shown, last_failure);
        continue;
      }
      if (r.kind == Outcome::kFatal) {
        std::string what = fmt::format("{} (attempt {} of {}; not retryable)", r.reason, attempts, max_attempts);
        if (r.status >= 400) throw HttpStatusError(r.status, what, shown);
        throw DownloadError(what, shown);
      }
      last_failure = r.reason;
      last_status = r.status;
      if (r.kind == Outcome::kRestart) {
        sink.truncate();
        spdlog::warn("fetch {}: attempt {}/{}: {}; restarting from byte 0", shown, attempts,
                     max_attempts, r.reason);
        continue;
      }
      if (sink.size() > before) backoff_step = 0;  // progress was made: don't escalate
      if (attempts >= max_attempts) break;
      wait_before_retry(shown, attempts, max_attempts, backoff_step++, r);
    }
    std::string what = fmt::format("gave up after {} attempts; last failure: {}", attempts, last_failure);
    if (last_status >= 400) throw HttpStatusError(last_status, what, shown);
    throw DownloadError(what, shown);
  }

  // Waits before retry `step` (logged as attempt `attempt` of `max`).
  void wait_before_retry(const std::string& shown, int attempt, int max, int step, const Outcome& r) {
    double wait = backoff_s(step, r.retry_after_s);
    spdlog::warn("fetch {}: attempt {}/{} failed: {}; retrying in {:.2f} s", shown, attempt, max, r.reason, wait);
    if (options.on_retry_wait) options.on_retry_wait(wait);
    std::this_thread::sleep_for(std::chrono::duration<double>(wait));
  }
};

Fetcher::Fetcher(FetchOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Fetcher::~Fetcher() = default;

FetchResult Fetcher::fetch(const std::string& url, const fs::path& dest, const Expect& expect) {
  const std::string shown = redact_url(url);
  if (dest.empty()) throw DownloadError("empty destination path", shown);
  std::error_code ec;
  if (!dest.parent_path().empty()) {
    fs::create_directories(dest.parent_path(), ec);
    if (ec) throw IoError("cannot create directory: " + ec.message(), dest.parent_path().string());
  }
  fs::path part = dest;
  part += kPartSuffix;

  PartLock lock;
  for (;;) {
    if (fs::exists(dest, ec)) {
      uint64_t size = fs::file_size(dest, ec);
      if (ec) throw IoError("cannot stat: " + ec.message(), dest.string());
      std::string mismatch = check_expect(dest, size, expect);
      if (mismatch.empty()) {
        spdlog::info("fetch {}: {} already complete ({} bytes)", shown, dest.string(), size);
        FetchResult r;
        r.bytes = size;
        r.already_complete = true;
        return r;
      }
      spdlog::warn("fetch {}: existing {} does not verify ({}); downloading again", shown,
                   dest.string(), mismatch);
      fs::remove(dest, ec);
      if (ec) throw IoError("cannot remove: " + ec.message(), dest.string());
    }
    if (!lock.acquire(part)) continue;  // another writer renamed it while we waited
    if (fs::exists(dest, ec)) {  // ... or finished just before we opened (and created) it
      if (FileSink(lock.fd(), part).size() == 0) fs::remove(part, ec);
      lock.release();
      continue;
    }
    break;
  }

  FileSink sink(lock.fd(), part);
  bool bar = impl_->options.progress && ::isatty(STDERR_FILENO);
  Progress progress(dest.filename().string(), bar, impl_->options.log_interval_s);
  uint64_t start_size = sink.size();
  if (start_size > 0) spdlog::info("fetch {}: resuming {} from byte {}", shown, part.string(), start_size);

  Impl::Done done;
  try {
    done = impl_->download(url, sink, /*resume=*/true, &progress, expect,
                           [&] { return check_expect(part, sink.size(), expect); });
  } catch (const DownloadError&) {
    progress.finish();
    // A checksum failure leaves an empty .part (truncated); no use keeping it.
    if (sink.size() == 0) fs::remove(part, ec);
    throw;
  } catch (...) {
    progress.finish();
    throw;
  }
  progress.finish();

  fsync_path(part);
  rename_durable(part, dest);
  lock.release();

  FetchResult r;
  r.bytes = sink.size();
  r.attempts = done.attempts;
  r.resumed = done.resumed;
  spdlog::info("fetched {} -> {}: {} bytes in {:.2f} s, {} attempt{}{}", shown, dest.string(),
               r.bytes, progress.elapsed_s(), r.attempts, r.attempts == 1 ? "" : "s",
               r.resumed ? ", resumed" : "");
  return r;
}

std::string Fetcher::get(const std::string& url) {
  MemorySink sink;
  impl_->download(url, sink, /*resume=*/false, nullptr, Expect{}, nullptr);
  return sink.take();
}

HttpPage Fetcher::get_page(const std::string& url, uint64_t max_body_bytes) {
  http::CappedMemorySink sink(max_body_bytes);
  PageCapture c;
  impl_->download(url, sink, /*resume=*/false, nullptr, Expect{}, nullptr, &c);
  return HttpPage{c.effective_url.empty() ? url : c.effective_url, c.status, std::move(c.header_lines), sink.take(),
                  c.truncated};
}

ProbeResult Fetcher::probe(const std::string& url) {
  const std::string shown = redact_url(url);
  ProbeResult res;
  if (is_file_url(url)) {
    res.method = "stat";
    res.url = shown;
    res.size = local_file_size(url);
    res.status = res.size ? 200 : 404;
    if (!res.size) res.failure = "no such file";
    return res;
  }
  const std::string host = host_key(url);
  int budget = std::max(1, impl_->options.max_attempts);
  bool range_get = false;
  int step = 0;
  Outcome r;
  while (res.attempts < budget) {
    ++res.attempts;
    r = impl_->requester.probe(url, shown, host, range_get, res);
    if (!range_get && (res.status == 405 || res.status == 501)) {  // HEAD refused: ask for byte 0
      range_get = true;
      ++budget;
      continue;
    }
    if (r.kind == Outcome::kComplete) return res;
    if (r.kind == Outcome::kFatal) {
      if (res.status > 0) {
        res.failure = r.reason;
        return res;
      }
      throw DownloadError(fmt::format("{} ({}; not retryable)", r.reason, res.method), shown);
    }
    if (res.attempts >= budget) break;
    impl_->wait_before_retry(shown, res.attempts, budget, step++, r);
  }
  if (res.status > 0) {
    res.failure = fmt::format("{} after {} attempts", r.reason, res.attempts);
    return res;
  }
  throw DownloadError(fmt::format("gave up after {} attempts; last failure: {}", res.attempts, r.reason), shown);
}

}  // namespace rpdata::io
