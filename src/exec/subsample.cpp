#include "rpdata/exec/subsample.h"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <exception>
#include <optional>
#include <thread>

#include <unistd.h>

#include "rpdata/core/error.h"
#include "rpdata/core/splitmix.h"
#include "rpdata/exec/manifest.h"
#include "rpdata/exec/runner.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/hash.h"
#include "rpdata/io/hashing_zstd_stream.h"
#include "rpdata/io/json_writer.h"
#include "rpdata/io/line_reader.h"
#include "rpdata/tokenize/models.h"

namespace rpdata::exec {
namespace fs = std::filesystem;
namespace {

constexpr uint64_t kMaxRecordBytes = 1ull << 30;  // a longer line is damage, not a record
constexpr size_t kCopyChunk = 1 << 20;

// One shard of the run to read, in manifest order.
struct ShardJob {
  std::string source;
  io::ShardInfo shard;  // name relative to the source dir, docs, compressed bytes, sha256
  fs::path path;
  std::string file;     // the output file its kept records go to
};

struct ShardResult {
  int64_t docs_read = 0, docs = 0, tokens = 0;
  uint64_t bytes = 0;
};

// A FILE* that is closed on every path; close() reports write errors.
class OutFile {
 public:
  explicit OutFile(const fs::path& path) : path_(path), f_(std::fopen(path.c_str(), "wb")) {
    if (!f_) throw IoError("cannot create", path_.string());
  }
  ~OutFile() {
    if (f_) std::fclose(f_);
  }
  void write(std::string_view data) {
    if (std::fwrite(data.data(), 1, data.size(), f_) != data.size()) throw IoError("write failed", path_.string());
  }
  void close() {
    std::FILE* f = f_;
    f_ = nullptr;
    if (std::fflush(f) != 0 || ::fsync(fileno(f)) != 0 || std::fclose(f) != 0)
      throw IoError("write failed", path_.string());
  }

 private:
  fs::path path_;
  std::FILE* f_;
};

// Removes the staging directory unless the outputs were published.
struct Staging {
  fs::path dir;
  ~Staging() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

std::string output_file(const std::string& source, const PlanUnit& unit) {
  for (const auto& info : source_infos()) {
    if (std::find(info.run_names.begin(), info.run_names.end(), source) == info.run_names.end()) continue;
    return info.sample_file ? info.sample_file(unit.name, unit.group) : info.name + "_sample.jsonl";
  }
  return source + "_sample.jsonl";  // a source no slice declares (a custom recipe's)
}

std::vector<std::string> chosen_sources(const SubsampleOptions& o) {
  std::vector<std::string> present = run_sources(o.run_dir);
  if (present.empty())
    throw ConfigError("no run under " + o.run_dir.string() + " (no <source>/_work/plan.json)", o.run_dir.string());
  if (o.sources.empty()) return present;
  for (const auto& s : o.sources)
    if (std::find(present.begin(), present.end(), s) == present.end())
      throw ConfigError("the run has no source '" + s + "' (it has: " + io::json_strings(present) + ")",
                        o.run_dir.string());
  std::vector<std::string> chosen;
  for (const auto& s : present)
    if (std::find(o.sources.begin(), o.sources.end(), s) != o.sources.end()) chosen.push_back(s);
  return chosen;
}

// Every shard of the chosen sources in manifest order, and the files they go to. Refuses an
// unfinished source (naming each) unless allow_partial, before anything is read.
std::vector<ShardJob> plan_jobs(const SubsampleOptions& o, SubsampleResult& result) {
  std::vector<ShardJob> jobs;
  std::string unfinished;
  for (const auto& source : chosen_sources(o)) {
    RunLayout layout{o.run_dir, source};
    Plan plan = read_plan(layout.plan_file());
    auto done = done_units(layout, plan);
    result.sources.push_back(source);
    if (done.size() < plan.units.size()) {
      result.partial_sources.push_back(source);
      unfinished += (unfinished.empty() ? "" : ", ") + source + " (" + std::to_string(done.size()) + " of " +
                    std::to_string(plan.units.size()) + " inputs done)";
    }
    for (const auto& [unit, record] : done)
      for (const auto& shard : record.shards)
        jobs.push_back({source, shard, layout.source_dir() / shard.name, output_file(source, unit)});
  }
  if (!unfinished.empty() && !o.allow_partial)
    throw ConfigError("the run is not finished: " + unfinished + "; finish it, or pass --allow-partial",
                      o.run_dir.string());
  return jobs;
}

// The GPT-NeoX tokenizer, or null with the reason in `result` when none is found. A model
// file named explicitly must exist (ConfigError).
std::shared_ptr<const tokenize::TokenizerModel> neox_model(const SubsampleOptions& o, SubsampleResult& result) {
  if (!o.tokenizer_model.empty() && !fs::is_regular_file(o.tokenizer_model))
    throw ConfigError("no such tokenizer model file", o.tokenizer_model.string());
  fs::path file = o.tokenizer_model.empty() ? tokenize::find_model_file("neox") : o.tokenizer_model;
  if (file.empty()) {
    std::string where;
    for (const auto& dir : tokenize::model_search_dirs()) where += (where.empty() ? "" : ", ") + dir.string();
    result.no_tokens_reason = "GPT-NeoX-20B's tokenizer was not found under " +
                              (where.empty() ? std::string("any model dir") : where) + "; no token counts";
    return nullptr;
  }
  result.tokenizer = file.string();
  return tokenize::load_model("neox", file);
}

// Reads one shard, writes its kept records to `part`, and verifies it against the manifest.
ShardResult read_shard(const ShardJob& job, const SubsampleOptions& o, const fs::path& part,
                       tokenize::Tokenizer* tok, simdjson::dom::parser& parser) {
  std::error_code ec;
  uint64_t size = fs::file_size(job.path, ec);
  if (ec) throw VerifyError("shard is missing", job.path.string());
  if (size != job.shard.compressed_bytes)
    throw VerifyError("shard has " + std::to_string(size) + " bytes, the run manifest says " +
                          std::to_string(job.shard.compressed_bytes),
                      job.path.string());
  auto stream = std::make_unique<io::HashingZstdStream>(job.path);
  io::HashingZstdStream* hashed = stream.get();
  io::LineReader lines(std::move(stream), kMaxRecordBytes);
  OutFile out(part);
  const uint64_t key = shard_key(o.seed, job.source, job.shard.name);
  ShardResult r;
  std::optional<uint64_t> bad_at;  // offset of the first record that is too long or has no text
  io::Line line;
  while (lines.next(line)) {
    if (!keep_document(document_hash(key, static_cast<uint64_t>(r.docs_read++)), o.fraction)) continue;
    if (line.too_long) {
      bad_at = bad_at.value_or(line.offset);
      continue;
    }
    out.write(line.text);
    out.write("\n");
    ++r.docs;
    r.bytes += line.text.size() + 1;
    if (!tok) continue;
    std::string_view text;
    simdjson::dom::element doc;
    if (parser.parse(line.text.data(), line.text.size(), false).get(doc) || doc["text"].get(text))
      bad_at = bad_at.value_or(line.offset);
    else
      r.tokens += tok->count(text);
  }
  out.close();
  // The checksum first: a tampered shard is named as such, whatever else is wrong with it.
  if (hashed->sha256_hex() != job.shard.sha256)
    throw VerifyError("shard's sha256 does not match the run manifest", job.path.string());
  if (r.docs_read != job.shard.docs)
    throw VerifyError("shard has " + std::to_string(r.docs_read) + " records, the run manifest says " +
                          std::to_string(job.shard.docs),
                      job.path.string());
  if (bad_at) throw InputError("record is not JSON with a \"text\" string, or is over 1 GiB", job.path.string(), bad_at);
  return r;
}

// Reads every shard on `threads` threads into part files staging/<job index>; rethrows the
// first failure in manifest order.
std::vector<ShardResult> read_shards(const std::vector<ShardJob>& jobs, const SubsampleOptions& o,
                                     const tokenize::TokenizerModel* model, const fs::path& staging) {
  std::vector<ShardResult> results(jobs.size());
  std::vector<std::exception_ptr> errors(jobs.size());
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  auto worker = [&] {
    auto tok = model ? model->make_tokenizer() : nullptr;
    simdjson::dom::parser parser;
    for (size_t i; !failed && (i = next.fetch_add(1)) < jobs.size();) {
      try {
        results[i] = read_shard(jobs[i], o, staging / std::to_string(i), tok.get(), parser);
        spdlog::info("subsample: {}/{}: {} of {} records", jobs[i].source, jobs[i].shard.name, results[i].docs,
                     results[i].docs_read);
      } catch (...) {
        errors[i] = std::current_exception();
        failed = true;
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < std::max(1, o.threads); ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  return results;
}

// Concatenates the part files of `file` in manifest order into staging/<file>, adding up its
// counts (tokens when `counted`).
void assemble(SubsampleFile& file, const std::vector<ShardJob>& jobs, const std::vector<ShardResult>& results,
              bool counted, const fs::path& staging) {
  OutFile out(staging / file.name);
  io::Hasher sha256;
  std::string buf(kCopyChunk, '\0');
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (jobs[i].file != file.name) continue;
    if (std::find(file.sources.begin(), file.sources.end(), jobs[i].source) == file.sources.end())
      file.sources.push_back(jobs[i].source);
    file.docs += results[i].docs;
    file.docs_read += results[i].docs_read;
    file.bytes += results[i].bytes;
    if (counted) file.tokens["neox"] += results[i].tokens;
    fs::path part = staging / std::to_string(i);
    std::FILE* in = std::fopen(part.c_str(), "rb");
    if (!in) throw IoError("cannot open", part.string());
    while (size_t n = std::fread(buf.data(), 1, buf.size(), in)) {
      std::string_view chunk(buf.data(), n);
      sha256.update(chunk);
      out.write(chunk);
    }
    bool bad = std::ferror(in);
    std::fclose(in);
    if (bad) throw IoError("read failed", part.string());
    fs::remove(part);
  }
  out.close();
  file.sha256 = sha256.hex_digest();
}

}  // namespace

uint64_t shard_key(uint64_t seed, std::string_view source, std::string_view shard) {
  io::Hasher h;
  h.update(std::to_string(seed) + "\n");
  h.update(source);
  h.update("\n");
  h.update(shard);
  std::string digest = h.digest();
  uint64_t key = 0;
  for (size_t i = 0; i < 8; ++i) key = (key << 8) | static_cast<unsigned char>(digest[i]);
  return key;
}

uint64_t document_hash(uint64_t shard_key, uint64_t line) {
  uint64_t state = shard_key + line * 0x9e3779b97f4a7c15ull;  // splitmix64 after `line` outputs
  return splitmix64(state);
}

bool keep_document(uint64_t hash, double fraction) {
  if (fraction >= 1) return true;
  if (fraction <= 0) return false;
  // fraction * 2^64 is exact in a double (a power-of-two scale) and below 2^64; for an integer
  // hash, hash < t iff hash < ceil(t).
  return hash < static_cast<uint64_t>(std::ceil(std::ldexp(fraction, 64)));
}

SubsampleResult subsample(const SubsampleOptions& o) {
  if (!(o.fraction > 0 && o.fraction <= 1))
    throw ConfigError("the fraction must be in (0, 1], not " + std::to_string(o.fraction));
  SubsampleResult result;
  std::vector<ShardJob> jobs = plan_jobs(o, result);
  auto model = neox_model(o, result);
  if (!model) spdlog::warn("subsample: {}", result.no_tokens_reason);

  fs::create_directories(o.out_dir);
  Staging staging{io::temp_sibling(o.out_dir / "subsample")};
  fs::create_directories(staging.dir);
  std::vector<ShardResult> results = read_shards(jobs, o, model.get(), staging.dir);

  std::map<std::string, SubsampleFile> files;
  for (const auto& job : jobs) files[job.file].name = job.file;
  for (auto& [name, file] : files) {
    assemble(file, jobs, results, model != nullptr, staging.dir);
    result.files.push_back(file);
  }
  // Publish: the old manifest goes first, the new one last, so a manifest never describes
  // files it does not match.
  fs::remove(o.out_dir / "manifest.json");
  for (const auto& file : result.files) io::rename_durable(staging.dir / file.name, o.out_dir / file.name);
  io::write_file_atomic(o.out_dir / "manifest.json", subsample_manifest_json(o, result));
  return result;
}

std::string subsample_manifest_json(const SubsampleOptions& o, const SubsampleResult& r) {
  std::string files = "[";
  int64_t docs = 0, bytes = 0;
  std::map<std::string, int64_t> tokens;
  for (size_t i = 0; i < r.files.size(); ++i) {
    const SubsampleFile& f = r.files[i];
    files += std::string(i ? ",\n  " : "\n  ") + io::JsonObject()
                                                     .str("path", f.name)
                                                     .raw("sources", io::json_strings(f.sources))
                                                     .num("docs", f.docs)
                                                     .num("docs_read", f.docs_read)
                                                     .num("bytes", static_cast<int64_t>(f.bytes))
                                                     .str("sha256", f.sha256)
                                                     .counts("tokens", f.tokens)
                                                     .done();
    docs += f.docs;
    bytes += static_cast<int64_t>(f.bytes);
    for (const auto& [k, v] : f.tokens) tokens[k] += v;
  }
  files += "]";
  io::JsonObject out;
  out.str("run_dir", fs::absolute(o.run_dir).lexically_normal().string())
      .real("fraction", o.fraction)
      .raw("seed", std::to_string(o.seed))
      .raw("sources", io::json_strings(r.sources))
      .boolean("partial", !r.partial_sources.empty())
      .raw("partial_sources", io::json_strings(r.partial_sources))
      .str("selection",
           "keep record LINE (0-based) of shard SHARD (relative to the source dir) of SOURCE iff "
           "splitmix64 output LINE+1 from the first 8 bytes (big-endian) of sha256(\"SEED\\nSOURCE\\nSHARD\") "
           "< fraction * 2^64");
  if (r.no_tokens_reason.empty())
    out.str("tokenizer", "neox");
  else
    out.null("tokenizer").str("no_tokens", r.no_tokens_reason);
  return out.raw("files", files)
             .raw("total", io::JsonObject().num("docs", docs).num("bytes", bytes).counts("tokens", tokens).done())
             .done() +
         "\n";
}

}  // namespace rpdata::exec
