#include "rpdata/exec/subsample.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <optional>

#include "rpdata/core/error.h"
#include "rpdata/core/splitmix.h"
#include "rpdata/exec/manifest.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/input_stream.h"
#include "rpdata/io/shard_writer.h"
#include "rpdata/tokenize/models.h"
#include "test_support.h"

namespace rpdata::exec {
namespace {
namespace fs = std::filesystem;
using test::TempDir;

std::string record(const std::string& unit, int i) {
  return "{\"text\": \"" + unit + " document " + std::to_string(i) + "\", \"meta\": {\"n\": " + std::to_string(i) +
         "}}\n";
}

// A run of `source` as the runner leaves it: plan.json, the first `done` units' zstd shards
// (two per unit of the first unit's size) and completion markers.
void make_run(const fs::path& out, const std::string& source, const std::vector<std::string>& units, int docs,
              size_t done = SIZE_MAX) {
  RunLayout layout{out, source};
  Plan plan{source, source, "digest", {}, {}, {}};
  uint64_t unit_bytes = 0;
  for (int i = 0; i < docs; ++i) unit_bytes += record(units[0], i).size();
  for (const auto& u : units) plan.units.push_back(PlanUnit{u, "", "", {}, ""});
  io::write_file_atomic(layout.plan_file(), plan_to_json(plan));
  for (size_t k = 0; k < std::min(done, units.size()); ++k) {
    io::ShardWriterOptions w;
    w.dir = layout.source_dir();
    w.stem = units[k];
    w.max_shard_bytes = unit_bytes / 2 + 1;
    io::ShardWriter writer(w);
    for (int i = 0; i < docs; ++i) writer.add(record(units[k], i));
    UnitRecord r;
    r.unit = units[k];
    r.index = k;
    r.shards = writer.close();
    io::write_file_atomic(layout.unit_marker(units[k]), unit_record_to_json(r, 0));
  }
}

std::string decompress(const fs::path& p) {
  auto in = io::InputStream::open(p);
  std::string out;
  char buf[4096];
  while (size_t n = in->read(buf, sizeof buf)) out.append(buf, n);
  return out;
}

// Every file of a directory (names and bytes).
std::map<std::string, std::string> files_of(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out[e.path().filename().string()] = io::read_file(e.path());
  return out;
}

SubsampleOptions options(const TempDir& t, const std::string& out, double fraction, int threads = 1) {
  SubsampleOptions o;
  o.run_dir = t / "run";
  o.out_dir = t / out;
  o.fraction = fraction;
  o.threads = threads;
  o.tokenizer_model = t / "no_models_here";  // replaced where a test counts tokens
  return o;
}

class SubsampleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    make_run(t / "run", "c4", {"c4-train.00000-of-01024", "c4-train.00001-of-01024"}, 40);
    make_run(t / "run", "commoncrawl", {"2019-30_0000", "2019-30_0001", "2020-05_0000"}, 30);
    make_run(t / "run", "book", {"pg19_0", "books3_0"}, 10);
    make_run(t / "run", "toy", {"toy_0"}, 5);
    fs::create_directories(t / "empty_models");
  }
  // Model lookup sees only an empty dir (restored after the test).
  SubsampleOptions opts(const std::string& out, double fraction, int threads = 1) {
    SubsampleOptions o = options(t, out, fraction, threads);
    o.tokenizer_model.clear();
    for (const char* var : {"RPDATA_MODELS", "XDG_CACHE_HOME"}) {
      if (const char* v = std::getenv(var); v && !saved_.count(var)) saved_[var] = v;
      else if (!v) saved_.emplace(var, std::nullopt);
      ::setenv(var, (t / "empty_models").c_str(), 1);
    }
    return o;
  }
  void TearDown() override {
    for (const auto& [var, value] : saved_) value ? (void)::setenv(var.c_str(), value->c_str(), 1) : (void)::unsetenv(var.c_str());
  }
  TempDir t;
  std::map<std::string, std::optional<std::string>> saved_;
};

TEST(SubsampleHash, PinnedAndSplitmixStream) {
  // Pinned (and recomputed with Python's hashlib and 64-bit splitmix64 arithmetic): a change
  // here changes which documents every subsample holds.
  EXPECT_EQ(shard_key(0, "c4", "c4-train.00000-of-01024-00000.jsonl.zst"), 26947302025633461ull);
  EXPECT_EQ(document_hash(26947302025633461ull, 0), 5670037402139455168ull);
  uint64_t key = shard_key(7, "commoncrawl", "en_head/2019-30_0000-00000.jsonl.zst");
  SplitMix64 stream{key};
  for (uint64_t line = 0; line < 5; ++line) EXPECT_EQ(document_hash(key, line), stream.next());
  EXPECT_NE(shard_key(1, "c4", "a"), shard_key(2, "c4", "a"));
  EXPECT_NE(shard_key(1, "c4", "a"), shard_key(1, "c5", "a"));
  EXPECT_NE(shard_key(1, "c4\na", ""), shard_key(1, "c4", "a"));
}

TEST(SubsampleHash, KeepIsBelowFractionTimesTwoToThe64) {
  EXPECT_TRUE(keep_document(UINT64_MAX, 1.0));
  EXPECT_FALSE(keep_document(0, 0.0));
  EXPECT_TRUE(keep_document((1ull << 63) - 1, 0.5));
  EXPECT_FALSE(keep_document(1ull << 63, 0.5));
  EXPECT_TRUE(keep_document(0, 1e-30));  // 2^-100 * 2^64 is above 0
  EXPECT_FALSE(keep_document(1, 1e-30));
}

TEST_F(SubsampleTest, OneFilePerSliceAsThePublishedSampleNamesThem) {
  SubsampleResult r = subsample(opts("out", 0.5));
  std::vector<std::string> names;
  for (const auto& f : r.files) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"book_sample.jsonl", "c4_sample.jsonl", "cc_2019-30_sample.jsonl",
                                             "cc_2020-05_sample.jsonl", "toy_sample.jsonl"}));
  auto files = files_of(t / "out");
  EXPECT_EQ(files.size(), names.size() + 1);  // + manifest.json, no staging left
  EXPECT_TRUE(files.count("manifest.json"));
}

TEST_F(SubsampleTest, KeepsExactlyTheHashSelectionInManifestOrder) {
  subsample(opts("out", 0.3));
  // Recompute the selection independently from the run's markers.
  std::string expected;
  for (const std::string unit : {"c4-train.00000-of-01024", "c4-train.00001-of-01024"}) {
    UnitRecord r = read_unit_record(RunLayout{t / "run", "c4"}.unit_marker(unit));
    ASSERT_EQ(r.shards.size(), 2u);
    int i = 0;
    for (const auto& s : r.shards) {
      uint64_t key = shard_key(0, "c4", s.name);
      for (int line = 0; line < s.docs; ++line, ++i)
        if (keep_document(document_hash(key, static_cast<uint64_t>(line)), 0.3)) expected += record(unit, i);
    }
  }
  EXPECT_EQ(io::read_file(t / "out" / "c4_sample.jsonl"), expected);
  EXPECT_FALSE(expected.empty());
}

TEST_F(SubsampleTest, SameBytesForAnyThreadCount) {
  subsample(opts("one", 0.4, 1));
  subsample(opts("three", 0.4, 3));
  EXPECT_EQ(files_of(t / "one"), files_of(t / "three"));
}

TEST_F(SubsampleTest, AnotherSeedSelectsOtherRecords) {
  SubsampleOptions a = opts("a", 0.5), b = opts("b", 0.5);
  b.seed = 1;
  subsample(a);
  subsample(b);
  EXPECT_NE(io::read_file(t / "a" / "c4_sample.jsonl"), io::read_file(t / "b" / "c4_sample.jsonl"));
}

TEST_F(SubsampleTest, FractionOneKeepsEveryRecordByteForByte) {
  SubsampleResult r = subsample(opts("all", 1.0, 2));
  std::string run;
  for (const auto& [unit, rec] : done_units(RunLayout{t / "run", "commoncrawl"},
                                            read_plan(RunLayout{t / "run", "commoncrawl"}.plan_file())))
    if (unit.name.rfind("2019-30", 0) == 0)
      for (const auto& s : rec.shards) run += decompress(t / "run" / "commoncrawl" / s.name);
  EXPECT_EQ(io::read_file(t / "all" / "cc_2019-30_sample.jsonl"), run);
  for (const auto& f : r.files) EXPECT_EQ(f.docs, f.docs_read) << f.name;
}

TEST_F(SubsampleTest, OnlyTheSourcesAsked) {
  SubsampleOptions o = opts("out", 0.5);
  o.sources = {"toy", "c4"};
  SubsampleResult r = subsample(o);
  EXPECT_EQ(r.sources, (std::vector<std::string>{"c4", "toy"}));
  EXPECT_EQ(r.files.size(), 2u);
  o.sources = {"nope"};
  EXPECT_THROW(subsample(o), ConfigError);
}

TEST_F(SubsampleTest, UnfinishedSourceRefusedUnlessAllowPartial) {
  make_run(t / "run", "wikipedia", {"enwiki", "dewiki"}, 6, 1);
  try {
    subsample(opts("out", 0.5));
    FAIL() << "an unfinished run was taken";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("wikipedia (1 of 2 inputs done)"), std::string::npos) << e.what();
    EXPECT_EQ(e.exit_code(), 2);
  }
  EXPECT_FALSE(fs::exists(t / "out" / "manifest.json"));
  SubsampleOptions o = opts("out", 0.5);
  o.allow_partial = true;
  SubsampleResult r = subsample(o);
  EXPECT_EQ(r.partial_sources, std::vector<std::string>{"wikipedia"});
  std::string manifest = io::read_file(t / "out" / "manifest.json");
  EXPECT_NE(manifest.find("\"partial\": true"), std::string::npos);
  EXPECT_NE(manifest.find("\"partial_sources\": [\"wikipedia\"]"), std::string::npos);
}

TEST_F(SubsampleTest, ShardWhoseSha256IsNotTheManifestsIsRefusedAndNothingPublished) {
  // The marker's sha256 is the run manifest's (merge_manifest copies it into manifest.jsonl).
  fs::path marker = RunLayout{t / "run", "toy"}.unit_marker("toy_0");
  UnitRecord r = read_unit_record(marker);
  r.shards[0].sha256 = std::string(64, '0');
  io::write_file_atomic(marker, unit_record_to_json(r, 0));
  try {
    subsample(opts("out", 0.5, 2));
    FAIL() << "a shard that does not match its manifest was read";
  } catch (const VerifyError& e) {
    EXPECT_NE(std::string(e.what()).find("toy_0-00000.jsonl.zst"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("sha256"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::is_empty(t / "out"));  // no staging directory, no file
}

TEST_F(SubsampleTest, FlippedByteInAShardIsRefused) {
  fs::path shard = t / "run" / "c4" / "c4-train.00001-of-01024-00001.jsonl.zst";
  std::string bytes = io::read_file(shard);
  bytes[bytes.size() / 2] ^= 0x20;
  std::ofstream(shard, std::ios::binary) << bytes;
  EXPECT_THROW(subsample(opts("out", 1.0)), Error);
  EXPECT_TRUE(fs::is_empty(t / "out"));
}

TEST_F(SubsampleTest, NoTokenizerNoCountsAndSaysSo) {
  SubsampleResult r = subsample(opts("out", 0.5));
  EXPECT_NE(r.no_tokens_reason.find("tokenizer was not found"), std::string::npos);
  for (const auto& f : r.files) EXPECT_TRUE(f.tokens.empty());
  std::string manifest = io::read_file(t / "out" / "manifest.json");
  EXPECT_NE(manifest.find("\"tokenizer\": null"), std::string::npos);
  SubsampleOptions o = options(t, "out2", 0.5);  // a model file named but absent
  EXPECT_THROW(subsample(o), ConfigError);
}

TEST_F(SubsampleTest, CountsGptNeoxTokensOfTheKeptRecords) {
  RPDATA_REQUIRE_REALDATA(real);
  SubsampleOptions o = opts("out", 0.5, 2);
  o.tokenizer_model = real / "models/gpt-neox-20b/20B_tokenizer.json";
  SubsampleResult r = subsample(o);
  auto tok = tokenize::load_model("neox", o.tokenizer_model)->make_tokenizer();
  std::ifstream in(t / "out" / "toy_sample.jsonl");
  int64_t expected = 0;
  for (std::string line; std::getline(in, line);) {
    std::string text = line.substr(10, line.find("\", \"meta\"") - 10);  // no escapes in these texts
    expected += tok->count(text);
  }
  const SubsampleFile& toy = r.files.back();
  ASSERT_EQ(toy.name, "toy_sample.jsonl");
  EXPECT_GT(toy.docs, 0);
  EXPECT_EQ(toy.tokens.at("neox"), expected);
  EXPECT_NE(io::read_file(t / "out" / "manifest.json").find("\"tokenizer\": \"neox\""), std::string::npos);
}

}  // namespace
}  // namespace rpdata::exec
