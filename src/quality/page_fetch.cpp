// fetch_pages_to_warc: the classifier's `wget --warc-file` step through the shared Fetcher.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "rpdata/core/error.h"
#include "rpdata/io/warc_writer.h"
#include "rpdata/quality/classifier_corpus.h"

namespace rpdata::quality {
namespace {

struct Fetched {
  bool ok = false;
  io::HttpPage page;
  std::string date;
  std::string error;
};

std::string lower_ascii(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// The HTTP block as archived: the final response's status line and headers, with
// Transfer-Encoding renamed (libcurl already decoded the chunks), CRLF, the payload.
std::string http_block(const io::HttpPage& page) {
  std::string out;
  bool first = true;
  for (const auto& line : page.header_lines) {
    if (first) {
      out += line;
      first = false;
    } else {
      size_t colon = line.find(':');
      std::string name = lower_ascii(line.substr(0, colon == std::string::npos ? 0 : colon));
      if (name == "transfer-encoding") out += "X-Crawler-" + line;
      else out += line;
    }
    out += "\r\n";
  }
  if (first) out += "HTTP/1.1 " + std::to_string(page.status) + "\r\n";
  out += "\r\n";
  out += page.body;
  return out;
}

std::string failure_kind(const std::string& message) {
  // "HTTP 404", "Could not resolve host", "Timeout was reached" ... : the first few words.
  size_t http = message.find("HTTP ");
  if (http != std::string::npos) return message.substr(http, 8);
  size_t end = message.find_first_of("(:;");
  std::string k = message.substr(0, std::min<size_t>(end, 48));
  while (!k.empty() && k.back() == ' ') k.pop_back();
  return k.empty() ? "error" : k;
}

}  // namespace

PageFetchStats fetch_pages_to_warc(const std::vector<std::string>& urls, const std::filesystem::path& warc,
                                   const PageFetchOptions& options,
                                   const std::function<void(uint64_t, uint64_t)>& on_progress) {
  if (options.threads < 1) throw ConfigError("threads must be >= 1");
  PageFetchStats stats;
  stats.urls = urls.size();
  io::Fetcher fetcher(options.fetch);
  io::WarcWriter writer(warc);
  std::string now = io::warc_date(std::chrono::system_clock::now());
  writer.write_warcinfo({{"software", "rpdata classifier fetch"},
                         {"format", "WARC File Format 1.0"},
                         {"description", "pages of URLs cited in Wikipedia <ref> tags (RedPajama CC classifier positives)"}},
                        warc.filename().string(), now);

  // Workers fetch ahead within a bounded window; the writer consumes slots in list order.
  const size_t window = static_cast<size_t>(options.threads) * 4;
  std::vector<std::optional<Fetched>> slots(urls.size());
  std::mutex mu;
  std::condition_variable cv;
  size_t next_claim = 0, next_write = 0;
  auto worker = [&] {
    for (;;) {
      size_t i;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return next_claim >= urls.size() || next_claim < next_write + window; });
        if (next_claim >= urls.size()) return;
        i = next_claim++;
      }
      Fetched f;
      f.date = io::warc_date(std::chrono::system_clock::now());
      try {
        f.page = fetcher.get_page(urls[i], options.max_body_bytes);
        f.ok = true;
      } catch (const DownloadError& e) {
        f.error = e.message();
      } catch (const std::exception& e) {  // never let a worker thread die with an exception
        f.error = e.what();
      }
      {
        std::lock_guard lock(mu);
        slots[i] = std::move(f);
      }
      cv.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < options.threads; ++t) pool.emplace_back(worker);
  std::exception_ptr error;
  try {
    while (next_write < urls.size()) {
      Fetched f;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return slots[next_write].has_value(); });
        f = std::move(*slots[next_write]);
        slots[next_write].reset();
      }
      if (f.ok) {
        writer.write_response(f.page.url, f.date, http_block(f.page), f.page.truncated);
        ++stats.written;
        stats.bytes += f.page.body.size();
        if (f.page.truncated) ++stats.truncated;
      } else {
        ++stats.failed;
        ++stats.failures[failure_kind(f.error)];
      }
      {
        std::lock_guard lock(mu);
        ++next_write;
      }
      cv.notify_all();
      if (on_progress) on_progress(next_write, urls.size());
    }
  } catch (...) {
    error = std::current_exception();
    std::lock_guard lock(mu);
    next_claim = urls.size();  // stop the workers
  }
  cv.notify_all();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  writer.close();
  return stats;
}

}  // namespace rpdata::quality
