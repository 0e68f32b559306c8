// Internal: bounded-memory Q/A assembly for huge sites (Stack Overflow): questions are logged
// to a temporary file in row order; answers, keyed by (question ordinal, row sequence), are
// sorted in memory chunks of a byte budget, spilled as sorted runs and k-way merged back, so
// every question meets its answers in question row order (docs/stackexchange.md "Memory").
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace rpdata::sources::stackexchange {

struct SpilledAnswer {
  uint64_t question = 0;  // ordinal of the question row among kept questions
  uint64_t seq = 0;       // answer row sequence in the file (keeps file order for ties)
  std::string score;
  std::string text;
};

struct SpilledQuestion {
  std::string id, text, score;
  bool has_score = false;
};

// A temporary file removed by the destructor; records are length-prefixed byte strings.
class SpillFile {
 public:
  explicit SpillFile(const std::filesystem::path& dir);
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;
  void put_u64(uint64_t v);
  void put_str(const std::string& s);
  void finish_writing();  // flush and rewind for reading
  bool get_u64(uint64_t& v);
  bool get_str(std::string& s);

 private:
  std::filesystem::path path_;
  std::FILE* f_ = nullptr;
};

// Questions in row order: written once, read back once.
class QuestionLog {
 public:
  explicit QuestionLog(const std::filesystem::path& dir) : file_(dir) {}
  void add(const SpilledQuestion& q);
  void finish() { file_.finish_writing(); }
  bool next(SpilledQuestion& q);

 private:
  SpillFile file_;
};

// Answers sorted by (question, seq) with at most `budget` bytes of them in memory.
class AnswerRuns {
 public:
  static constexpr size_t kMaxRuns = 512;
  AnswerRuns(std::filesystem::path dir, uint64_t budget) : dir_(std::move(dir)), budget_(budget) {}
  void add(SpilledAnswer a);
  void finish();  // sorts the last chunk; then next() yields every answer in order
  bool next(SpilledAnswer& a);
  size_t runs() const { return runs_.size(); }

 private:
  void spill();
  struct Run {
    std::unique_ptr<SpillFile> file;
    SpilledAnswer head;
    bool has = false;
  };
  bool read_one(SpillFile& f, SpilledAnswer& a);

  std::filesystem::path dir_;
  uint64_t budget_;
  uint64_t bytes_ = 0;
  std::vector<SpilledAnswer> chunk_;
  size_t chunk_pos_ = 0;
  std::vector<Run> runs_;
};

}  // namespace rpdata::sources::stackexchange
