#include "qa_spill.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>

#include "rpdata/core/error.h"

namespace rpdata::sources::stackexchange {
namespace fs = std::filesystem;

namespace {
std::atomic<uint64_t> g_spill_counter{0};
bool answer_less(const SpilledAnswer& a, const SpilledAnswer& b) {
  return a.question != b.question ? a.question < b.question : a.seq < b.seq;
}
}  // namespace

SpillFile::SpillFile(const fs::path& dir) {
  fs::create_directories(dir);
  path_ = dir / ("rpdata-se-spill-" + std::to_string(::getpid()) + "-" + std::to_string(g_spill_counter++) + ".tmp");
  f_ = std::fopen(path_.c_str(), "w+b");
  if (f_ == nullptr) throw IoError("cannot create a spill file", path_.string());
}

SpillFile::~SpillFile() {
  if (f_ != nullptr) std::fclose(f_);
  std::error_code ec;
  fs::remove(path_, ec);
}

void SpillFile::put_u64(uint64_t v) {
  if (std::fwrite(&v, sizeof v, 1, f_) != 1) throw IoError("cannot write a spill file (disk full?)", path_.string());
}

void SpillFile::put_str(const std::string& s) {
  put_u64(s.size());
  if (!s.empty() && std::fwrite(s.data(), 1, s.size(), f_) != s.size())
    throw IoError("cannot write a spill file (disk full?)", path_.string());
}

void SpillFile::finish_writing() {
  if (std::fflush(f_) != 0) throw IoError("cannot write a spill file (disk full?)", path_.string());
  std::rewind(f_);
}

bool SpillFile::get_u64(uint64_t& v) { return std::fread(&v, sizeof v, 1, f_) == 1; }

bool SpillFile::get_str(std::string& s) {
  uint64_t n = 0;
  if (!get_u64(n)) return false;
  s.resize(n);
  if (n != 0 && std::fread(s.data(), 1, n, f_) != n) throw IoError("spill file ends early", path_.string());
  return true;
}

void QuestionLog::add(const SpilledQuestion& q) {
  file_.put_str(q.id);
  file_.put_str(q.text);
  file_.put_str(q.score);
  file_.put_u64(q.has_score ? 1 : 0);
}

bool QuestionLog::next(SpilledQuestion& q) {
  if (!file_.get_str(q.id)) return false;
  uint64_t has = 0;
  if (!file_.get_str(q.text) || !file_.get_str(q.score) || !file_.get_u64(has))
    throw IoError("question spill file ends early");
  q.has_score = has != 0;
  return true;
}

void AnswerRuns::add(SpilledAnswer a) {
  bytes_ += a.text.size() + a.score.size() + 64;
  chunk_.push_back(std::move(a));
  if (budget_ && bytes_ > budget_) spill();
}

void AnswerRuns::spill() {
  // Each run keeps a file open while merging: stay well below the usual 1024 descriptors.
  if (runs_.size() >= kMaxRuns)
    throw IoError("more than " + std::to_string(kMaxRuns) +
                  " sorted runs of answers; raise [read] max_buffer_bytes (bytes of answers per run)");
  std::sort(chunk_.begin(), chunk_.end(), answer_less);
  Run run;
  run.file = std::make_unique<SpillFile>(dir_);
  for (const auto& a : chunk_) {
    run.file->put_u64(a.question);
    run.file->put_u64(a.seq);
    run.file->put_str(a.score);
    run.file->put_str(a.text);
  }
  run.file->finish_writing();
  runs_.push_back(std::move(run));
  chunk_.clear();
  chunk_.shrink_to_fit();
  bytes_ = 0;
}

bool AnswerRuns::read_one(SpillFile& f, SpilledAnswer& a) {
  if (!f.get_u64(a.question)) return false;
  if (!f.get_u64(a.seq) || !f.get_str(a.score) || !f.get_str(a.text)) throw IoError("answer spill file ends early");
  return true;
}

void AnswerRuns::finish() {
  std::sort(chunk_.begin(), chunk_.end(), answer_less);
  chunk_pos_ = 0;
  for (auto& r : runs_) r.has = read_one(*r.file, r.head);
}

bool AnswerRuns::next(SpilledAnswer& a) {
  // k-way merge of the runs and the in-memory chunk (runs are few: linear scan).
  Run* best = nullptr;
  for (auto& r : runs_)
    if (r.has && (best == nullptr || answer_less(r.head, best->head))) best = &r;
  bool chunk_has = chunk_pos_ < chunk_.size();
  if (chunk_has && (best == nullptr || answer_less(chunk_[chunk_pos_], best->head))) {
    a = std::move(chunk_[chunk_pos_++]);
    return true;
  }
  if (best == nullptr) return false;
  a = std::move(best->head);
  best->has = read_one(*best->file, best->head);
  return true;
}

}  // namespace rpdata::sources::stackexchange
