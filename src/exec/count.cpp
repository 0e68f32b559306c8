#include "rpdata/exec/count.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "rpdata/core/error.h"
#include "rpdata/io/input_stream.h"
#include "rpdata/io/json_writer.h"
#include "rpdata/io/jsonl_reader.h"
#include "rpdata/text/utf8.h"
#include "rpdata/tokenize/models.h"

namespace rpdata::exec {
namespace fs = std::filesystem;
namespace {

// A bounded queue of text batches between the reader and the counting threads. The reader
// never waits on it: when it is full the reader counts the batch itself, so all N threads
// (the reader included) count and a single file scales with --threads.
class BatchQueue {
 public:
  explicit BatchQueue(size_t capacity) : capacity_(capacity) {}
  // False (and `batch` untouched) when the queue is full.
  bool try_push(std::vector<std::string>& batch) {
    std::lock_guard lock(mu_);
    if (q_.size() >= capacity_) return false;
    q_.push_back(std::move(batch));
    not_empty_.notify_one();
    return true;
  }
  std::optional<std::vector<std::string>> pop() {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return !q_.empty() || closed_; });
    if (q_.empty()) return std::nullopt;
    auto b = std::move(q_.front());
    q_.pop_front();
    return b;
  }
  void close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
  }

 private:
  size_t capacity_;
  std::mutex mu_;
  std::condition_variable not_empty_;
  std::deque<std::vector<std::string>> q_;
  bool closed_ = false;
};

std::string read_whole(const fs::path& p) {
  auto in = io::InputStream::open(p);
  std::string out;
  std::vector<char> buf(1 << 20);
  while (size_t n = in->read(buf.data(), buf.size())) out.append(buf.data(), n);
  return out;
}

}  // namespace

CountResult count_files(const std::vector<fs::path>& files, const CountOptions& o,
                        const std::function<void(uint64_t, uint64_t)>& on_progress) {
  auto model = tokenize::load_model(o.tokenizer, o.model_file);
  CountResult result;
  result.tokenizer = o.tokenizer;
  uint64_t total_bytes = 0;
  for (const auto& f : files) {
    std::error_code ec;
    total_bytes += fs::file_size(f, ec);
  }
  uint64_t done_bytes = 0;
  int threads = std::max(1, o.threads);

  if (o.whole_file) {
    result.files.resize(files.size());
    std::atomic<size_t> next{0};
    std::mutex mu;
    auto worker = [&] {
      auto tok = model->make_tokenizer();
      while (true) {
        size_t i = next.fetch_add(1);
        if (i >= files.size()) return;
        FileCount& fc = result.files[i];
        fc.path = files[i].string();
        try {
          std::string text = read_whole(files[i]);
          size_t bad = text::utf8_error_offset(text);
          if (bad != std::string_view::npos) {
            ++fc.drops["invalid_utf8"];
            fc.error = InputError("not valid UTF-8; file skipped", fc.path, bad).what();
          } else {
            fc.docs = 1;
            fc.bytes = static_cast<int64_t>(text.size());
            fc.tokens = tok->count(text);
          }
        } catch (const Error& e) {
          fc.error = e.what();
        }
        std::error_code ec;
        std::lock_guard lock(mu);
        done_bytes += fs::file_size(files[i], ec);
        if (on_progress) on_progress(done_bytes, total_bytes);
      }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
  } else {
    for (const auto& path : files) {
      FileCount fc;
      fc.path = path.string();
      BatchQueue queue(static_cast<size_t>(threads) * 4);
      std::mutex mu;
      struct Tally {
        std::unique_ptr<tokenize::Tokenizer> tok;
        int64_t docs = 0, bytes = 0, tokens = 0;
        void count(const std::vector<std::string>& batch) {
          for (const auto& text : batch) {
            ++docs;
            bytes += static_cast<int64_t>(text.size());
            tokens += tok->count(text);
          }
        }
      };
      auto add = [&](const Tally& t) {
        std::lock_guard lock(mu);
        fc.docs += t.docs;
        fc.bytes += t.bytes;
        fc.tokens += t.tokens;
      };
      std::vector<std::thread> pool;
      for (int t = 1; t < threads; ++t)
        pool.emplace_back([&] {
          Tally tally{model->make_tokenizer()};
          while (auto batch = queue.pop()) tally.count(*batch);
          add(tally);
        });
      Tally mine{model->make_tokenizer()};
      try {
        io::JsonlReaderOptions ropt;
        ropt.text_field = o.field;
        ropt.batch_docs = 256;
        io::JsonlReader reader(path, ropt);
        Batch batch;
        uint64_t last = 0;
        while (reader.next(batch)) {
          for (const auto& [k, v] : batch.drops) fc.drops[k] += v;
          std::vector<std::string> texts;
          texts.reserve(batch.docs.size());
          for (auto& d : batch.docs) texts.push_back(std::move(d.text));
          if (!texts.empty() && (threads == 1 || !queue.try_push(texts))) mine.count(texts);
          if (on_progress && reader.bytes_read() - last > (8u << 20)) {
            last = reader.bytes_read();
            on_progress(done_bytes + last, total_bytes);
          }
        }
      } catch (const Error& e) {
        fc.error = e.what();
      }
      queue.close();
      for (auto& t : pool) t.join();
      add(mine);
      std::error_code ec;
      done_bytes += fs::file_size(path, ec);
      if (on_progress) on_progress(done_bytes, total_bytes);
      result.files.push_back(std::move(fc));
    }
  }
  for (const auto& fc : result.files) {
    result.total.docs += fc.docs;
    result.total.bytes += fc.bytes;
    result.total.tokens += fc.tokens;
    for (const auto& [k, v] : fc.drops) result.total.drops[k] += v;
  }
  return result;
}

std::string count_result_to_json(const CountResult& r) {
  auto entry = [](const FileCount& f, bool with_path) {
    io::JsonObject o;
    if (with_path) o.str("path", f.path);
    o.num("docs", f.docs).num("bytes", f.bytes).num("tokens", f.tokens);
    if (!f.drops.empty()) o.counts("drops", f.drops);
    if (!f.error.empty()) o.str("error", f.error);
    return o.done();
  };
  std::string files = "[";
  for (size_t i = 0; i < r.files.size(); ++i) files += (i ? ", " : "") + entry(r.files[i], true);
  files += "]";
  return io::JsonObject().str("tokenizer", r.tokenizer).raw("files", files).raw("total", entry(r.total, false)).done() +
         "\n";
}

}  // namespace rpdata::exec
