// Differential test: our GPT-NeoX tokenizer against the reference Rust implementation
// (HF tokenizers 0.22 via the npm bindings) on every real text of ../shared/realdata plus
// seeded adversarial Unicode, document by document. Skips loudly without realdata, node or
// npm; the package is installed once into <build>/npm-tokenizers and reused.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "rpdata/tokenize/neox_bpe.h"
#include "test_support.h"
#include "tokenize/realdata_corpus.h"

namespace rpdata::tokenize {
namespace {
namespace fs = std::filesystem;

constexpr const char* kPackages =
    "@anush008/tokenizers@0.6.0 @anush008/tokenizers-linux-x64-gnu@0.6.0";
constexpr uint64_t kSeed = 20240601;
constexpr size_t kRandomDocs = 5000;

std::string quote(const fs::path& p) { return std::string("'").append(p.string()).append("'"); }

// node_modules of the reference package, installing it on first use; empty + `why` if
// node or npm are unavailable.
fs::path reference_modules(std::string& why) {
  if (std::system("node --version > /dev/null 2>&1") != 0) {
    why = "node is not installed";
    return {};
  }
  const fs::path dir = fs::path(RPDATA_BINARY_DIR) / "npm-tokenizers";
  const fs::path modules = dir / "node_modules";
  const fs::path native =
      modules / "@anush008" / "tokenizers-linux-x64-gnu" / "tokenizers.linux-x64-gnu.node";
  if (fs::exists(native) && fs::exists(modules / "@anush008" / "tokenizers" / "index.js")) {
    return modules;
  }
  // Install into a private directory, then rename: concurrent test processes never see a
  // half-installed package.
  const fs::path tmp = dir.string() + ".tmp-" + std::to_string(::getpid());
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  const std::string cmd = "npm install --prefix " + quote(tmp) +
                          " --no-audit --no-fund --no-save --loglevel=error " + kPackages +
                          " > " + quote(tmp / "npm.log") + " 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    why = "npm install failed (registry unreachable?): " + test::read_all(tmp / "npm.log");
    fs::remove_all(tmp);
    return {};
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::rename(tmp, dir, ec);
  if (ec) fs::remove_all(tmp, ec);  // another process won the race; use its copy
  return modules;
}

std::string excerpt(std::string_view s, size_t max = 160) {
  std::string out;
  size_t cut = std::min(max, s.size());
  while (cut < s.size() && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) ++cut;
  for (char c : s.substr(0, cut)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return cut < s.size() ? out + "..." : out;
}

std::string ids_window(const std::vector<int32_t>& ids, size_t at) {
  std::string out = "[";
  const size_t b = at > 8 ? at - 8 : 0;
  for (size_t i = b; i < ids.size() && i < at + 8; ++i) {
    out += (i == at ? " >" : " ") + std::to_string(ids[i]);
  }
  return out + " ] of " + std::to_string(ids.size());
}

TEST(NeoxReference, IdenticalToHfTokenizersOnRealAndAdversarialText) {
  RPDATA_REQUIRE_REALDATA(real);
  std::string why;
  const fs::path modules = reference_modules(why);
  if (modules.empty()) {
    GTEST_SKIP() << "SKIPPED: reference tokenizer unavailable: " << why;
  }
  size_t invalid = 0;
  std::vector<test::CorpusDoc> docs = test::realdata_corpus(real, {}, &invalid);
  const size_t real_docs = docs.size();
  for (auto& d : test::adversarial_corpus(kSeed, kRandomDocs)) docs.push_back(std::move(d));

  test::TempDir dir;
  test::write_corpus_jsonl(docs, dir / "docs.jsonl");
  const fs::path tokenizer = real / "models" / "gpt-neox-20b" / "20B_tokenizer.json";
  const std::string cmd = "node " + quote(test::source_dir() / "tests/tokenize/reference_tokenize.js") +
                          " ids " + quote(modules) + " " + quote(tokenizer) + " " +
                          quote(dir / "docs.jsonl") + " " + quote(dir / "ids.txt") + " 2> " +
                          quote(dir / "node.log");
  ASSERT_EQ(std::system(cmd.c_str()), 0) << test::read_all(dir / "node.log");

  auto model = load_hf_bpe(tokenizer);
  auto t = model->make_tokenizer();
  std::istringstream ref(test::read_all(dir / "ids.txt"));
  size_t mismatches = 0, tokens = 0, bytes = 0, by_kind_real = 0;
  std::vector<int32_t> ours, theirs;
  for (const auto& d : docs) {
    std::string line;
    ASSERT_TRUE(std::getline(ref, line)) << "reference output ends before " << d.name;
    theirs.clear();
    std::istringstream ls(line);
    for (int32_t id; ls >> id;) theirs.push_back(id);
    ours.clear();
    t->encode(d.text, ours);
    const int64_t count = t->count(d.text);
    tokens += theirs.size();
    bytes += d.text.size();
    if (ours == theirs && count == static_cast<int64_t>(theirs.size())) continue;
    if (mismatches++ < 8) {
      size_t at = 0;
      while (at < ours.size() && at < theirs.size() && ours[at] == theirs[at]) ++at;
      ADD_FAILURE() << "mismatch in " << d.name << " (count " << count << ", reference "
                    << theirs.size() << ")\n  text: " << excerpt(d.text)
                    << "\n  ours:   " << ids_window(ours, at)
                    << "\n  theirs: " << ids_window(theirs, at);
    }
    by_kind_real += (&d - docs.data()) < static_cast<ptrdiff_t>(real_docs);
  }
  std::map<std::string, size_t> per_source;  // "c4", "books", "wiki", "se", "arxiv", "random"
  for (const auto& d : docs) ++per_source[d.name.substr(0, d.name.find('/'))];
  std::string sources;
  for (const auto& [k, v] : per_source) sources += " " + k + "=" + std::to_string(v);
  std::cout << "[ NEOX-REF ] " << docs.size() << " docs (" << real_docs << " real, "
            << kRandomDocs << " adversarial; " << invalid << " non-UTF-8 skipped), " << bytes
            << " bytes, " << tokens << " reference tokens compared; " << mismatches
            << " mismatching docs (" << by_kind_real << " real);" << sources << "\n";
  EXPECT_EQ(mismatches, 0u);
}

}  // namespace
}  // namespace rpdata::tokenize
