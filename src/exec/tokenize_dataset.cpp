#include "rpdata/exec/tokenize_dataset.h"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include "rpdata/core/error.h"
#include "rpdata/exec/manifest.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/hash.h"
#include "rpdata/io/indexed_dataset.h"
#include "rpdata/io/json_writer.h"
#include "rpdata/io/jsonl_reader.h"
#include "rpdata/tokenize/models.h"

namespace rpdata::exec {
namespace fs = std::filesystem;

namespace {

struct InputShard {
  std::string name;  // relative to the run's source dir
  std::string sha256;
  int64_t docs = 0;
  uint64_t bytes = 0;
  std::optional<int64_t> tokens;  // the run's count for the tokenizer, when it counted it
};

struct OutputShard {
  std::string source;
  std::string prefix;  // "<source>-NNNNN_text_document", relative to OUT/<source>
  std::vector<InputShard> inputs;
};

struct SourcePlan {
  std::string source;
  bool partial = false;
  int64_t units = 0, units_done = 0;
  std::vector<OutputShard> shards;
  std::string json;  // plan.json's text
};

struct Settings {
  std::string tokenizer, model_sha256;
  int64_t vocab_size = 0;
  int32_t eod = -1;
  io::TokenDtype dtype = io::TokenDtype::kUint16;
};

fs::path work_dir(const TokenizeOptions& o, const std::string& source) { return o.out / "_work" / source; }
fs::path done_marker(const TokenizeOptions& o, const OutputShard& s) {
  return work_dir(o, s.source) / "done" / (s.prefix + ".json");
}
fs::path bin_path(const TokenizeOptions& o, const OutputShard& s) { return o.out / s.source / (s.prefix + ".bin"); }
fs::path idx_path(const TokenizeOptions& o, const OutputShard& s) { return o.out / s.source / (s.prefix + ".idx"); }

SourcePlan plan_source(const TokenizeOptions& o, const std::string& source, const Settings& st) {
  RunLayout layout{o.run_dir, source};
  if (!fs::exists(layout.plan_file()))
    throw ConfigError("no source '" + source + "' in run directory " + o.run_dir.string() + " (no " +
                      layout.plan_file().string() + ")");
  Plan plan = read_plan(layout.plan_file());
  SourcePlan sp;
  sp.source = source;
  sp.units = static_cast<int64_t>(plan.units.size());
  std::vector<InputShard> inputs;
  for (const auto& [unit, record] : done_units(layout, plan)) {
    ++sp.units_done;
    for (const auto& s : record.shards) {
      InputShard in{s.name, s.sha256, s.docs, s.bytes, std::nullopt};
      if (auto t = s.tokens.find(st.tokenizer); t != s.tokens.end()) in.tokens = t->second;
      inputs.push_back(std::move(in));
    }
  }
  sp.partial = sp.units_done < sp.units;
  if (sp.partial && !o.allow_partial)
    throw ConfigError("source " + source + " of " + o.run_dir.string() + " is not finished (" +
                      std::to_string(sp.units_done) + " of " + std::to_string(sp.units) +
                      " inputs); finish the run, or give --allow-partial to tokenize the finished inputs");
  for (size_t i = 0; i < inputs.size();) {
    OutputShard out;
    out.source = source;
    char name[32];
    std::snprintf(name, sizeof name, "-%05zu_text_document", sp.shards.size());
    out.prefix = source + name;
    uint64_t bytes = 0;
    do {
      bytes += inputs[i].bytes;
      out.inputs.push_back(inputs[i++]);
    } while (i < inputs.size() && bytes + inputs[i].bytes <= o.shard_bytes);
    sp.shards.push_back(std::move(out));
  }
  std::string shards = "[";
  for (size_t k = 0; k < sp.shards.size(); ++k) {
    std::string ins = "[";
    for (size_t j = 0; j < sp.shards[k].inputs.size(); ++j) {
      const InputShard& in = sp.shards[k].inputs[j];
      ins += (j ? ", " : "") + io::JsonObject().str("name", in.name).str("sha256", in.sha256).num("docs", in.docs).done();
    }
    shards += (k ? ",\n  " : "\n  ") + io::JsonObject().str("prefix", sp.shards[k].prefix).raw("inputs", ins + "]").done();
  }
  sp.json = io::JsonObject()
                .str("source", source)
                .str("tokenizer", st.tokenizer)
                .str("model_sha256", st.model_sha256)
                .str("dtype", io::dtype_name(st.dtype))
                .num("eod_id", st.eod)
                .num("shard_bytes", static_cast<int64_t>(o.shard_bytes))
                .boolean("partial", sp.partial)
                .num("inputs_done", sp.units_done)
                .num("inputs", sp.units)
                .raw("shards", shards + "]")
                .done() +
            "\n";
  return sp;
}

// Publishes the source's plan, or checks that OUT's matches it.
void publish(const TokenizeOptions& o, const SourcePlan& sp) {
  fs::path file = work_dir(o, sp.source) / "plan.json";
  if (fs::exists(file)) {
    if (io::read_file(file) != sp.json)
      throw ConfigError(o.out.string() + " holds a tokenization of " + sp.source +
                        " from other inputs or settings (tokenizer, EOD, shard size, the run's shards); use another "
                        "--out (or remove it)");
    return;
  }
  io::write_file_atomic(file, sp.json);
}

struct ShardResult {
  int64_t docs = 0, tokens = 0, tokens_with_eod = 0;
  uint64_t bin_bytes = 0, idx_bytes = 0;
  std::string bin_sha256, idx_sha256;
};

std::string result_json(const OutputShard& s, const ShardResult& r) {
  return io::JsonObject()
             .str("prefix", s.source + "/" + s.prefix)
             .num("docs", r.docs)
             .num("tokens", r.tokens)
             .num("tokens_with_eod", r.tokens_with_eod)
             .num("bin_bytes", static_cast<int64_t>(r.bin_bytes))
             .num("idx_bytes", static_cast<int64_t>(r.idx_bytes))
             .str("bin_sha256", r.bin_sha256)
             .str("idx_sha256", r.idx_sha256)
             .done();
}

ShardResult read_result(const fs::path& marker) {
  simdjson::dom::parser parser;
  simdjson::padded_string buf = simdjson::padded_string(io::read_file(marker));
  simdjson::dom::element e;
  ShardResult r;
  std::string_view bin_sha, idx_sha;
  int64_t bin_bytes = 0, idx_bytes = 0;
  if (parser.parse(buf).get(e) || e["docs"].get(r.docs) || e["tokens"].get(r.tokens) ||
      e["tokens_with_eod"].get(r.tokens_with_eod) || e["bin_bytes"].get(bin_bytes) || e["idx_bytes"].get(idx_bytes) ||
      e["bin_sha256"].get(bin_sha) || e["idx_sha256"].get(idx_sha))
    throw InputError("not a tokenized shard's marker", marker.string());
  r.bin_bytes = static_cast<uint64_t>(bin_bytes);
  r.idx_bytes = static_cast<uint64_t>(idx_bytes);
  r.bin_sha256 = std::string(bin_sha);
  r.idx_sha256 = std::string(idx_sha);
  return r;
}

// Whether the shard's marker and both files are there with the recorded sizes.
bool finished(const TokenizeOptions& o, const OutputShard& s) {
  fs::path marker = done_marker(o, s);
  if (!fs::exists(marker)) return false;
  ShardResult r = read_result(marker);
  std::error_code a, b;
  return fs::file_size(bin_path(o, s), a) == r.bin_bytes && !a && fs::file_size(idx_path(o, s), b) == r.idx_bytes && !b;
}

ShardResult make_shard(const TokenizeOptions& o, const OutputShard& s, const Settings& st,
                       const tokenize::TokenizerModel& model) {
  fs::create_directories(o.out / s.source);
  const fs::path bin = bin_path(o, s), idx = idx_path(o, s);
  // Temporaries of an earlier attempt at this shard (a killed task): the shard is this task's
  // alone, so nobody else is writing them.
  for (const auto& e : fs::directory_iterator(o.out / s.source)) {
    const std::string name = e.path().filename().string();
    for (const fs::path& p : {bin, idx})
      if (name.starts_with("." + p.filename().string() + ".tmp.")) fs::remove(e.path());
  }
  const fs::path bin_tmp = io::temp_sibling(bin), idx_tmp = io::temp_sibling(idx);
  ShardResult r;
  try {
    auto tok = model.make_tokenizer();
    io::IndexedDatasetWriter writer(bin_tmp, st.dtype);
    std::vector<int32_t> ids;
    for (const InputShard& in : s.inputs) {
      const fs::path path = o.run_dir / s.source / in.name;
      if (std::string sha = io::file_sha256_hex(path); sha != in.sha256)
        throw InputError("sha256 " + sha + " does not match the run's manifest (" + in.sha256 +
                             "): the shard changed after the run wrote it",
                         path.string());
      io::JsonlReaderOptions ropt;
      ropt.batch_docs = 256;
      io::JsonlReader reader(path, ropt);
      Batch batch;
      int64_t docs = 0, tokens = 0;
      while (reader.next(batch)) {
        if (!batch.drops.empty())
          throw InputError("a record of the run's shard is not readable (" + batch.drops.begin()->first + ")",
                           path.string(), reader.raw_bytes_read());
        for (const Document& d : batch.docs) {
          ids.clear();
          tok->encode(d.text, ids);
          tokens += static_cast<int64_t>(ids.size());
          if (st.eod >= 0) ids.push_back(st.eod);
          writer.add_document(ids);
          ++docs;
        }
      }
      if (docs != in.docs)
        throw InputError("holds " + std::to_string(docs) + " documents, the run's manifest " + std::to_string(in.docs),
                         path.string());
      if (in.tokens && *in.tokens != tokens)
        throw InputError(std::to_string(tokens) + " " + st.tokenizer + " tokens, the run counted " +
                             std::to_string(*in.tokens) + ": the tokenizer differs from the run's",
                         path.string());
      r.docs += docs;
      r.tokens += tokens;
    }
    r.tokens_with_eod = writer.tokens();
    writer.finish(idx_tmp);
    r.bin_bytes = fs::file_size(bin_tmp);
    r.idx_bytes = fs::file_size(idx_tmp);
    r.bin_sha256 = writer.bin_sha256();
    r.idx_sha256 = writer.idx_sha256();
    io::rename_durable(bin_tmp, bin);
    io::rename_durable(idx_tmp, idx);
  } catch (...) {
    std::error_code ec;
    fs::remove(bin_tmp, ec);
    fs::remove(idx_tmp, ec);
    throw;
  }
  io::write_file_atomic(done_marker(o, s), result_json(s, r) + "\n");
  return r;
}

// Writes OUT/<source>/manifest.json when every shard of the source is finished; true if so.
// The totals must agree with the run's: documents, and tokens where it counted them.
bool write_source_manifest(const TokenizeOptions& o, const SourcePlan& sp, const Settings& st) {
  std::string rows = "[";
  int64_t docs = 0, tokens = 0, with_eod = 0, run_docs = 0, run_tokens = 0;
  bool run_counted = true;
  for (size_t i = 0; i < sp.shards.size(); ++i) {
    const OutputShard& s = sp.shards[i];
    if (!finished(o, s)) return false;
    ShardResult r = read_result(done_marker(o, s));
    rows += (i ? ",\n  " : "\n  ") + result_json(s, r);
    docs += r.docs;
    tokens += r.tokens;
    with_eod += r.tokens_with_eod;
    for (const auto& in : s.inputs) {
      run_docs += in.docs;
      run_counted = run_counted && in.tokens.has_value();
      run_tokens += in.tokens.value_or(0);
    }
  }
  if (docs != run_docs || (run_counted && tokens != run_tokens) ||
      with_eod != tokens + (st.eod >= 0 ? docs : 0))
    throw InputError("tokenized " + sp.source + " does not add up: " + std::to_string(docs) + " documents and " +
                         std::to_string(tokens) + " tokens, the run's manifest " + std::to_string(run_docs) + " and " +
                         (run_counted ? std::to_string(run_tokens) : std::string("(not counted)")),
                     (o.out / sp.source).string());
  io::JsonObject m;
  m.str("source", sp.source)
      .str("tokenizer", st.tokenizer)
      .str("dtype", io::dtype_name(st.dtype))
      .num("vocab_size", st.vocab_size)
      .num("eod_id", st.eod)
      .boolean("partial", sp.partial)
      .num("inputs_done", sp.units_done)
      .num("inputs", sp.units)
      .num("docs", docs)
      .num("tokens", tokens)
      .num("tokens_with_eod", with_eod);
  if (run_counted) m.num("run_tokens", run_tokens);
  io::write_file_atomic(o.out / sp.source / "manifest.json", m.raw("shards", rows + "]").done() + "\n");
  return true;
}

// OUT/manifest.json: the totals of every source of OUT whose manifest is written.
void write_overall_manifest(const TokenizeOptions& o, const Settings& st) {
  io::JsonObject sources;
  int64_t docs = 0, tokens = 0, with_eod = 0;
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(o.out))
    if (e.is_directory() && fs::exists(e.path() / "manifest.json")) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  for (const auto& dir : dirs) {
    simdjson::dom::parser parser;
    simdjson::padded_string buf(io::read_file(dir / "manifest.json"));
    simdjson::dom::element e;
    int64_t d = 0, t = 0, w = 0, n = 0;
    bool partial = false;
    simdjson::dom::array shards;
    if (parser.parse(buf).get(e) || e["docs"].get(d) || e["tokens"].get(t) || e["tokens_with_eod"].get(w) ||
        e["partial"].get(partial) || e["shards"].get(shards))
      throw InputError("not a tokenized source's manifest", (dir / "manifest.json").string());
    n = static_cast<int64_t>(shards.size());
    sources.raw(dir.filename().string(), io::JsonObject()
                                             .num("docs", d)
                                             .num("tokens", t)
                                             .num("tokens_with_eod", w)
                                             .num("shards", n)
                                             .boolean("partial", partial)
                                             .done());
    docs += d;
    tokens += t;
    with_eod += w;
  }
  io::write_file_atomic(o.out / "manifest.json", io::JsonObject()
                                                     .str("format", "MMIDIDX v1 (GPT-NeoX / Megatron-LM MMapIndexedDataset)")
                                                     .str("tokenizer", st.tokenizer)
                                                     .str("dtype", io::dtype_name(st.dtype))
                                                     .num("eod_id", st.eod)
                                                     .str("run_dir", fs::absolute(o.run_dir).lexically_normal().string())
                                                     .num("docs", docs)
                                                     .num("tokens", tokens)
                                                     .num("tokens_with_eod", with_eod)
                                                     .raw("sources", sources.done())
                                                     .done() +
                                                 "\n");
}

}  // namespace

TokenizeSummary tokenize_run(const TokenizeOptions& o, const std::function<void(int64_t, int64_t)>& on_shard) {
  if (o.threads < 1) throw ConfigError("--threads must be at least 1");
  if (o.shard_bytes == 0) throw ConfigError("--shard-bytes must be positive");
  std::vector<std::string> sources = o.sources.empty() ? run_sources(o.run_dir) : o.sources;
  if (sources.empty()) throw ConfigError("no sources in run directory " + o.run_dir.string());

  // `rpdata sample` keeps the models it ran with in RUN_DIR/_models: the same tokenizer here.
  if (fs::is_directory(o.run_dir / "_models")) tokenize::prefer_model_dir(o.run_dir / "_models");
  fs::path model_file = o.model_file.empty() ? tokenize::find_model_file(o.tokenizer) : o.model_file;
  auto model = tokenize::load_model(o.tokenizer, model_file);
  Settings st;
  st.tokenizer = o.tokenizer;
  st.model_sha256 = io::file_sha256_hex(model_file);
  st.vocab_size = model->vocab_size();
  st.eod = o.eod_id.value_or(model->eod_id());
  if (st.eod < 0)
    throw ConfigError("tokenizer " + o.tokenizer + " has no end-of-document token; give --eod-id");
  if (st.eod >= st.vocab_size)
    throw ConfigError("--eod-id " + std::to_string(st.eod) + " is not in the vocabulary (" +
                      std::to_string(st.vocab_size) + " ids)");
  st.dtype = io::best_fitting_dtype(st.vocab_size);

  // One tokenizer, EOD and dtype for everything under OUT: a mixture reads them all alike.
  const std::string settings = io::JsonObject()
                                   .str("tokenizer", st.tokenizer)
                                   .str("model_sha256", st.model_sha256)
                                   .num("eod_id", st.eod)
                                   .str("dtype", io::dtype_name(st.dtype))
                                   .done() +
                               "\n";
  const fs::path settings_file = o.out / "_work" / "settings.json";
  if (!fs::exists(settings_file))
    io::write_file_atomic(settings_file, settings);
  else if (io::read_file(settings_file) != settings)
    throw ConfigError(o.out.string() + " holds datasets of another tokenizer, model file or EOD (" +
                      settings_file.string() + "); use another --out");

  std::vector<SourcePlan> plans;
  for (const auto& s : sources) plans.push_back(plan_source(o, s, st));
  for (const auto& sp : plans) publish(o, sp);
  std::vector<std::pair<const SourcePlan*, const OutputShard*>> all;
  for (const auto& sp : plans)
    for (const auto& s : sp.shards) all.emplace_back(&sp, &s);

  TokenizeSummary sum;
  sum.shards = static_cast<int64_t>(all.size());
  std::vector<size_t> mine = assign_units(all.size(), o.task);
  std::atomic<size_t> next{0};
  std::atomic<int64_t> done{0}, skipped{0}, failed{0};
  std::mutex log_mu;
  auto work = [&] {
    for (size_t k; (k = next++) < mine.size();) {
      const OutputShard& s = *all[mine[k]].second;
      try {
        if (finished(o, s)) {
          ++skipped;
        } else {
          auto t0 = std::chrono::steady_clock::now();
          ShardResult r = make_shard(o, s, st, *model);
          double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
          std::lock_guard lock(log_mu);
          spdlog::info("tokenize: {}/{}: {} docs, {} tokens (+{} EOD) in {:.1f} s", s.source, s.prefix, r.docs,
                       r.tokens, r.tokens_with_eod - r.tokens, sec);
          ++done;
        }
      } catch (const Error& e) {
        std::lock_guard lock(log_mu);
        spdlog::error("tokenize: {}/{} failed: {}", s.source, s.prefix, e.what());
        ++failed;
      }
      if (on_shard) {
        std::lock_guard lock(log_mu);
        on_shard(done + skipped + failed, static_cast<int64_t>(mine.size()));
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < o.threads && static_cast<size_t>(t) < mine.size(); ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  sum.shards_done = done;
  sum.shards_skipped = skipped;
  sum.failed = failed;
  for (const auto& sp : plans)
    if (write_source_manifest(o, sp, st)) sum.finished_sources.push_back(sp.source);
  if (!sum.finished_sources.empty()) write_overall_manifest(o, st);
  return sum;
}

}  // namespace rpdata::exec
