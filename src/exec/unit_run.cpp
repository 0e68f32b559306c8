#include "unit_run.h"

#include "fallbacks.h"

#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>

#include "inputs.h"
#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/hash.h"
#include "sinks.h"

namespace rpdata::exec {
namespace fs = std::filesystem;
namespace {

// Test hook for crash safety: RPDATA_TEST_CRASH=<point>:<n> SIGKILLs this process the n-th
// time it reaches <point> (downloaded, staged, renamed, marked), so tests can kill at exact
// moments instead of guessing with timers; RPDATA_TEST_CRASH_UNIT=<name> limits it to one unit.
void crash_point(const char* point, const std::string& unit) {
  static const char* spec = std::getenv("RPDATA_TEST_CRASH");
  if (!spec) return;
  static const char* only = std::getenv("RPDATA_TEST_CRASH_UNIT");
  if (only && unit != only) return;
  static std::atomic<int> hits{0};
  std::string_view s(spec);
  auto colon = s.find(':');
  if (s.substr(0, colon) != point) return;
  int n = colon == std::string_view::npos ? 1 : std::atoi(spec + colon + 1);
  if (++hits >= n) ::raise(SIGKILL);
}


// An exclusive flock on <units>/<unit>.lock for the time one process works on a unit, so a
// requeued or duplicated task waits instead of deleting the other's temporary files.
class UnitLock {
 public:
  explicit UnitLock(const fs::path& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw IoError(std::string("cannot open lock: ") + std::strerror(errno), path.string());
    while (::flock(fd_, LOCK_EX) != 0)
      if (errno != EINTR) throw IoError(std::string("cannot lock: ") + std::strerror(errno), path.string());
  }
  ~UnitLock() { ::close(fd_); }
  UnitLock(const UnitLock&) = delete;
  UnitLock& operator=(const UnitLock&) = delete;

 private:
  int fd_ = -1;
};


// The merged manifest describes a complete run; once any unit is redone it is stale.
void invalidate_merged_manifest(const RunLayout& layout) {
  std::error_code ec;
  fs::remove(layout.manifest_summary(), ec);
  fs::remove(layout.manifest_rows(), ec);
}

fs::path part_path(const StageRun& sh, const PlanPart& part) {
  return part.path.empty() ? sh.stage.raw_dir / part.name : fs::path(part.path);
}

// What a unit was made from: total size and one sha256 (the file's own for one file; for
// several, sha256 over "<sha256>  <name>\n" lines in part order).
struct InputIdentity {
  uint64_t size = 0;
  std::string sha256;
};

// A slice's identity: its byte range of the input (the range's size and sha256), so each
// unit cut from a large input hashes only what it reads.
InputIdentity slice_identity(const fs::path& path, const InputSlice& slice, bool with_sha) {
  uint64_t size = fs::file_size(path);
  uint64_t end = slice.end ? std::min(slice.end, size) : size;
  InputIdentity id;
  id.size = end > slice.begin ? end - slice.begin : 0;
  if (!with_sha) return id;
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(slice.begin));
  io::Hasher hasher;
  std::vector<char> buf(1 << 20);
  for (uint64_t left = id.size; left > 0 && in;) {
    in.read(buf.data(), static_cast<std::streamsize>(std::min<uint64_t>(left, buf.size())));
    auto got = static_cast<uint64_t>(in.gcount());
    if (got == 0) break;
    hasher.update(std::string_view(buf.data(), got));
    left -= got;
  }
  if (!in && !in.eof()) throw IoError("cannot read the input's byte range", path.string());
  id.sha256 = hasher.hex_digest();
  return id;
}

InputIdentity input_identity(const StageRun& sh, const PlanUnit& unit, bool with_sha) {
  if (unit.slice) return slice_identity(part_path(sh, unit_parts(unit).front()), *unit.slice, with_sha);
  InputIdentity id;
  auto parts = unit_parts(unit);
  std::string lines;
  for (const auto& part : parts) {
    fs::path p = part_path(sh, part);
    id.size += fs::file_size(p);
    if (with_sha) lines += (part.sha256.empty() ? io::file_sha256_hex(p) : part.sha256) + "  " + part.name + "\n";
  }
  if (with_sha) id.sha256 = unit.parts.empty() ? lines.substr(0, 64) : io::sha256_hex(lines);
  return id;
}

// Why a completed unit must be redone, or "" if it verifies: its shards (size, or sha256
// with --verify-sha256) and the raw input it was made from, where that is still known.
std::string completed_unit_problem(StageRun& sh, const PlanUnit& unit, const UnitRecord& done) {
  std::string problem = verify_unit(sh.layout, done, sh.options.verify_sha256);
  if (!problem.empty()) return problem;
  auto it = sh.sums.find(unit.name);
  if (unit.parts.empty() && it != sh.sums.end() && !it->second.sha256.empty() && !done.input_sha256.empty() &&
      it->second.sha256 != done.input_sha256)
    return "the source now publishes a different " + unit.name;
  for (const auto& part : unit_parts(unit))
    if (!fs::exists(part_path(sh, part))) return {};  // raw input deleted (--delete-raw): trust the shards
  // The apply stage's inputs carry known sha256s (intermediate shards) or are tiny (reduce
  // sidecars), and a changed reduce keeps sizes: always compare its identity by hash.
  bool sha = sh.options.verify_sha256 || sh.stage.name == "apply";
  InputIdentity id = input_identity(sh, unit, sha);
  if (id.size != done.input_size || (sha && id.sha256 != done.input_sha256))
    return "the raw input of " + unit.name + " changed since its output was made";
  return {};
}

std::vector<fs::path> obtain_input(StageRun& sh, const PlanUnit& unit) {
  std::vector<fs::path> paths;
  for (const auto& part : unit_parts(unit)) {
    fs::path raw = part_path(sh, part);
    paths.push_back(raw);
    if (!part.path.empty()) continue;
    if (!sh.options.download) {
      if (!fs::exists(raw)) throw DownloadError("raw input is not downloaded (run `rpdata download` first)", raw.string());
      continue;
    }
    fs::create_directories(raw.parent_path());
    // An existing raw file is re-checked against the published checksum by the fetcher.
    try {
      download::ChecksumContext cc{sh.fetcher, "", sh.settings.planner.get(), nullptr};
      io::Expect expect = sh.settings.checksums->expect({part.name, part.url, part.path, {}}, sh.sums, cc);
      if (!part.md5.empty()) expect.md5 = part.md5;  // published by the source's listing
      if (part.size) expect.size = part.size;
      sh.fetcher.fetch(part.url, raw, expect);
    } catch (const DownloadError& e) {
      if (!sh.stage.fallbacks) throw;
      spdlog::warn("{}: {}; trying the recipe's fallbacks", part.name, e.message());
      std::string from;
      try {
        from = sh.stage.fallbacks->fetch(part.name, raw, sh.fetcher);
      } catch (const DownloadError& f) {
        throw DownloadError(e.message() + "; " + f.message(), e.path());
      }
      spdlog::info("{}: fetched from fallback {}", part.name, from);
    }
  }
  return paths;
}


struct UnitOutput {
  UnitRecord rec;
  uint64_t input_read = 0;
  std::unique_ptr<dedup::UnitKeys> keys;  // main stage of a dedup run
};


// Reader -> steps -> sinks: shards in _work/staging (token counts as records are written) and,
// in a main stage, the unit's dedup entries.
UnitOutput transform(StageRun& sh, const PlanUnit& unit, size_t index, const std::vector<fs::path>& input,
                     const fs::path& staging) {
  const Settings& st = sh.settings;
  UnitOutput out;
  UnitRecord& rec = out.rec;
  rec.unit = unit.name;
  rec.index = index;
  std::unique_ptr<Reader> reader = st.reader_factory(ReaderInput{input, unit.name, sh.stage.source, unit.slice});
  auto steps = sh.stage.make_steps(index);
  ShardSink shards(st, staging, unit_stem(unit.name, st.name_suffixes), sh.stage.envelope, sh.token_models);
  std::unique_ptr<dedup::UnitKeys> keys;
  if (sh.stage.unit_keys) keys = sh.stage.unit_keys(static_cast<uint32_t>(index));
  std::vector<Writer*> sinks{&shards};
  if (keys) sinks.push_back(keys.get());
  Batch batch;
  int64_t docs_in = 0, docs_out = 0;
  while (true) {
    try {
      if (!reader->next(batch)) break;
    } catch (const TruncatedInputError& e) {
      if (!st.truncate_on_error)
        throw TruncatedInputError(e.message() + " (to keep the documents before the cut, set [read] on_error = "
                                  "\"truncate\" in the recipe)", e.path(), e.offset());
      // The stream was cut short: what came before is intact. (Corrupt data still fails:
      // gzip's CRC covers a whole member, so bytes before a corruption are unverified.)
      spdlog::warn("{}: {}; keeping the {} documents before it (on_error = truncate)", unit.name, e.what(), docs_out);
      rec.stats.add("truncated_inputs", 1);
      rec.stats.add("truncated_at_byte", static_cast<int64_t>(e.offset().value_or(0)));
      break;
    }
    for (const auto& [k, v] : batch.drops) docs_in += v;
    docs_in += static_cast<int64_t>(batch.docs.size());
    rec.stats.add_drops(batch.drops);
    for (auto& step : steps) {
      batch.drops.clear();
      step->process(batch);
      rec.stats.add_drops(batch.drops);
    }
    for (Writer* sink : sinks) sink->write(batch);
    docs_out += static_cast<int64_t>(batch.docs.size());
  }
  for (Writer* sink : sinks) sink->close();
  rec.shards = shards.shards();
  rec.stats.add("docs_in", docs_in);
  rec.stats.add("docs_out", docs_out);
  rec.stats.add("input_bytes", static_cast<int64_t>(reader->bytes_read()));
  rec.stats.add("input_raw_bytes", static_cast<int64_t>(reader->raw_bytes_read()));
  int64_t out_bytes = 0;
  for (const auto& s : rec.shards) out_bytes += static_cast<int64_t>(s.bytes);
  rec.stats.add("output_bytes", out_bytes);
  if (sh.stage.carry_drops) rec.stats.add_drops(sh.stage.carry_drops(index));
  out.input_read = reader->bytes_read();
  if (keys) {
    rec.stats.add("dedup_entries", static_cast<int64_t>(keys->entries()));
    out.keys = std::move(keys);
  }
  return out;
}


void log_progress(StageRun& sh, uint64_t input_read) {
  // Called under sh.mu. ETA from this run's rate (inputs are similar in size).
  size_t done = sh.summary.units_processed + sh.summary.units_skipped + sh.summary.failures.size();
  sh.input_bytes_done += input_read;
  double elapsed = since(sh.started);
  size_t left = sh.summary.units_assigned - done;
  double eta = sh.summary.units_processed ? elapsed / static_cast<double>(sh.summary.units_processed) * left : 0;
  spdlog::info("progress: {}/{} inputs of this task, {:.1f} MB/s of raw input, ETA {:.0f}s", done,
               sh.summary.units_assigned, elapsed > 0 ? sh.input_bytes_done / 1e6 / elapsed : 0.0, eta);
}

// True while another unit of the plan that reads `part` (a slice of the same input) has no
// completion marker yet: the raw file stays for it.
bool raw_still_needed(const StageRun& sh, size_t index, const PlanPart& part) {
  if (!sh.plan.units[index].slice) return false;
  for (size_t k = 0; k < sh.plan.units.size(); ++k) {
    const PlanUnit& other = sh.plan.units[k];
    if (k == index || !other.slice || other.parts.empty() || other.parts.front().name != part.name) continue;
    if (!fs::exists(sh.layout.unit_marker(other.name))) return true;
  }
  return false;
}

double thread_cpu_seconds() {
  struct rusage ru {};
  ::getrusage(RUSAGE_THREAD, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace

// Downloads (if needed) and processes one input. Shards are written in _work/staging and
// moved into place only when all are complete; the unit's marker is written last.
void run_unit(StageRun& sh, size_t index) {
  const PlanUnit& unit = sh.plan.units[index];
  const RunLayout& layout = sh.layout;
  UnitLock lock(layout.units_dir() / (unit.name + ".lock"));
  fs::path marker = layout.unit_marker(unit.name);
  if (fs::exists(marker)) {
    std::string problem = completed_unit_problem(sh, unit, read_unit_record(marker));
    if (problem.empty()) {
      std::lock_guard guard(sh.mu);
      ++sh.summary.units_skipped;
      return;
    }
    spdlog::warn("{}: completed output does not verify ({}); redoing it", unit.name, problem);
    invalidate_merged_manifest(layout);
    fs::remove(marker);
  }
  auto t0 = Clock::now();
  double cpu0 = thread_cpu_seconds();
  std::vector<fs::path> input = obtain_input(sh, unit);
  crash_point("downloaded", unit.name);
  if (!sh.options.process) return;
  invalidate_merged_manifest(layout);

  const std::string stem = unit_stem(unit.name, sh.settings.name_suffixes);
  const fs::path staging = layout.work_dir() / "staging";
  fs::create_directories(staging);
  remove_unit_outputs(staging, stem);
  remove_unit_outputs(layout.source_dir(), stem);
  InputIdentity id = input_identity(sh, unit, true);
  if (id.size == 0) spdlog::warn("{}: empty input {}", unit.name, input[0].string());

  UnitOutput out = transform(sh, unit, index, input, staging);
  out.rec.input_size = id.size;
  out.rec.input_sha256 = id.sha256;
  crash_point("staged", unit.name);
  for (const auto& s : out.rec.shards) {
    fs::create_directories((layout.source_dir() / s.name).parent_path());
    io::rename_durable(staging / (s.name + ".idx"), layout.source_dir() / (s.name + ".idx"));
    io::rename_durable(staging / s.name, layout.source_dir() / s.name);
    crash_point("renamed", unit.name);
  }
  if (out.keys) out.keys->save();
  double secs = since(t0);
  out.rec.cpu_seconds = thread_cpu_seconds() - cpu0;
  io::write_file_atomic(marker, unit_record_to_json(out.rec, secs));
  crash_point("marked", unit.name);
  if (sh.options.delete_raw)
    for (const auto& part : unit_parts(unit))
      if (part.path.empty() && !raw_still_needed(sh, index, part)) fs::remove(part_path(sh, part));
  spdlog::info("{}: {} docs in, {} out, {} shard(s), {:.1f} MB in {:.2f}s", unit.name, out.rec.stats.get("docs_in"),
               out.rec.stats.get("docs_out"), out.rec.shards.size(), out.input_read / 1e6, secs);
  std::lock_guard guard(sh.mu);
  ++sh.summary.units_processed;
  sh.summary.stats.merge(out.rec.stats);
  log_progress(sh, out.input_read);
}

}  // namespace rpdata::exec
