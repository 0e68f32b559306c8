// The arxiv_tar reader on the real paper sources in ../shared/realdata/arxiv (bulk layout,
// tar.gz projects, single gzipped .tex, HTML-only, macOS ._ junk) and on hostile tars.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <memory>
#include <random>

#include "rpdata/core/error.h"
#include "rpdata/quality/model_files.h"
#include "rpdata/sources/arxiv/arxiv.h"
#include "test_support.h"

namespace rpdata::sources::arxiv {
namespace {
namespace fs = std::filesystem;
using test::TempDir;

struct Member {
  std::string name;
  std::string data;
  int64_t mtime = 1236384000;  // 2009-03-07T00:00:00Z
};

// A ustar archive (gzipped when `gz`) in memory.
std::string make_tar(const std::vector<Member>& members, bool gz = false) {
  std::unique_ptr<archive, decltype(&archive_write_free)> a(archive_write_new(), archive_write_free);
  archive_write_set_format_pax_restricted(a.get());
  if (gz) archive_write_add_filter_gzip(a.get());
  size_t need = 1 << 16;
  for (const auto& m : members) need += m.data.size() + 2048;
  std::string buf(need, '\0');
  size_t used = 0;
  EXPECT_EQ(archive_write_open_memory(a.get(), buf.data(), buf.size(), &used), ARCHIVE_OK);
  for (const auto& m : members) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(e.get(), m.name.c_str());
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), 0644);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(m.data.size()));
    archive_entry_set_mtime(e.get(), m.mtime, 0);
    EXPECT_EQ(archive_write_header(a.get(), e.get()), ARCHIVE_OK);
    archive_write_data(a.get(), m.data.data(), m.data.size());
  }
  archive_write_close(a.get());
  buf.resize(used);
  return buf;
}

std::string gz(const std::string& data) {
  TempDir t;
  test::write_gz(t / "x.gz", data);
  return test::read_all(t / "x.gz");
}

struct ReadAll {
  std::vector<Document> docs;
  DropCounts drops;
};

ReadAll read_tar(const fs::path& p, ArxivReaderOptions o = {}) {
  o.id_prefix = p.filename().string();
  ArxivTarReader r(p, o);
  ReadAll out;
  Batch b;
  while (r.next(b)) {
    for (auto& d : b.docs) out.docs.push_back(std::move(d));
    for (auto& [k, v] : b.drops) out.drops[k] += v;
  }
  return out;
}

std::string meta_str(const Document& d, const std::string& key) {
  auto* v = d.meta.find(key);
  return v ? std::get<std::string>(*v) : "<missing>";
}

TEST(ArxivReader, RealBulkTarLayoutAndSchema) {
  RPDATA_REQUIRE_REALDATA(real);
  auto r = read_tar(real / "arxiv/arXiv_src_0903_sample.tar");
  ASSERT_EQ(r.docs.size(), 2u);
  const Document& d = r.docs[0];
  EXPECT_EQ(d.id, "arXiv_src_0903_sample.tar/0");
  std::vector<std::string> keys;
  for (const auto& [k, v] : d.meta.entries()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"timestamp", "yymm", "arxiv_id", "language", "url", "source"}));
  EXPECT_EQ(meta_str(d, "timestamp"), "2009-03-05T00:00:00");
  EXPECT_EQ(meta_str(d, "yymm"), "0903");
  EXPECT_EQ(meta_str(d, "arxiv_id"), "0903.0180");
  EXPECT_EQ(meta_str(d, "url"), "https://arxiv.org/abs/0903.0180");
  EXPECT_EQ(meta_str(d, "source"), "arxiv");
  // Everything before the FIRST heading goes: the whole body up to \bibliography stays.
  EXPECT_TRUE(d.text.starts_with("\\section{Introduction}")) << d.text.substr(0, 80);
  EXPECT_NE(d.text.find("\\section{Summary of Results}"), std::string::npos);
  EXPECT_EQ(d.text.size(), 71604u);  // as arxiv_cleaner.py@rp_v1 gives
  EXPECT_EQ(r.docs[1].text.find("\\bibliography{"), std::string::npos);  // truncated there
  EXPECT_TRUE(r.docs[1].text.starts_with("\\section{Introduction}"));
  EXPECT_TRUE(r.drops.empty());
}

TEST(ArxivReader, RealPapersEachFormat) {
  RPDATA_REQUIRE_REALDATA(real);
  PaperOptions o;
  fs::path papers = real / "arxiv/papers";
  // tar.gz project: main_a.tex only (.bbl/.cls/README are not .tex).
  auto p1 = load_paper(test::read_all(papers / "0903.0180.tar.gz"), o);
  EXPECT_EQ(p1.drop, "");
  EXPECT_EQ(p1.tex.size(), 1u);
  // Single gzipped .tex: read as one file.
  auto p2 = load_paper(test::read_all(papers / "hepth_desitterv3.tex.gz"), o);
  ASSERT_EQ(p2.tex.size(), 1u);
  EXPECT_NE(p2.tex[0].find("\\newcommand"), std::string::npos);
  // HTML + GIF only: no .tex, so the cleaned text is empty.
  auto p3 = load_paper(test::read_all(papers / "cs-9901011.tar.gz"), o);
  EXPECT_EQ(p3.drop, "");
  EXPECT_TRUE(p3.tex.empty());
  EXPECT_EQ(clean_tex_files(p3.tex).text, "");
  // macOS junk: ./._defective-fpt.tex is read like any .tex, as RedPajama did, and its binary
  // bytes drop the whole paper as non-UTF-8 ...
  EXPECT_EQ(load_paper(test::read_all(papers / "1801.03879-1.tar.gz"), o).drop, "non_utf8");
  // ... unless AppleDouble files are ignored (the fix).
  PaperOptions fixed = o;
  fixed.ignore_appledouble = true;
  auto p4 = load_paper(test::read_all(papers / "1801.03879-1.tar.gz"), fixed);
  EXPECT_EQ(p4.drop, "");
  EXPECT_EQ(p4.tex.size(), 1u);
  EXPECT_EQ(p4.appledouble, 1);
  // revtex project with inline thebibliography and PDF figures.
  auto p5 = load_paper(test::read_all(papers / "BorelPaper.tgz"), o);
  ASSERT_EQ(p5.tex.size(), 1u);
  auto c5 = clean_tex_files(p5.tex);
  EXPECT_FALSE(c5.text.empty());
  EXPECT_EQ(c5.text.find("\\begin{thebibliography}"), std::string::npos);
}

TEST(ArxivReader, MixedBulkTarCountsEveryKind) {
  RPDATA_REQUIRE_REALDATA(real);
  fs::path papers = real / "arxiv/papers";
  TempDir t;
  std::vector<Member> m = {
      {"0903/0903.0180.gz", test::read_all(papers / "0903.0180.tar.gz")},
      {"9901/cs9901011.gz", test::read_all(papers / "cs-9901011.tar.gz")},          // HTML only
      {"0903/hep-th0903001.gz", test::read_all(papers / "hepth_desitterv3.tex.gz")},  // single .tex
      {"0903/0903.0181.pdf", "%PDF-1.4\n"},
      {"0903/._0903.0180.gz", std::string("\0\5\26\7", 4)},
      {"0903/0903.0182.gz", gz("\\section{Caf\xe9}\n")},  // Latin-1
      {"0903/0903.0183.gz", "not gzip at all"},
  };
  test::write_all(t / "b.tar", make_tar(m));
  auto r = read_tar(t / "b.tar");
  ASSERT_EQ(r.docs.size(), 2u);
  EXPECT_EQ(meta_str(r.docs[1], "arxiv_id"), "hep-th/0903001");
  EXPECT_EQ(meta_str(r.docs[1], "url"), "https://arxiv.org/abs/hep-th/0903001");
  EXPECT_EQ(r.docs[1].id, "b.tar/2");  // numbered by .gz member, stable across drops
  EXPECT_EQ(r.drops["read:empty_text"], 1);
  EXPECT_EQ(r.drops["read:not_gz_member"], 1);
  EXPECT_EQ(r.drops["read:non_utf8"], 1);
  // The AppleDouble member is read as a paper, as RedPajama's rglob("*.gz") did: not a gzip.
  EXPECT_EQ(r.drops["read:not_gzip"], 2);
  EXPECT_EQ(r.drops.count("read:appledouble"), 0u);
  ArxivReaderOptions fixed;
  fixed.paper.ignore_appledouble = true;
  auto f = read_tar(t / "b.tar", fixed);
  EXPECT_EQ(f.docs.size(), 2u);
  EXPECT_EQ(f.drops["read:appledouble"], 1);
  EXPECT_EQ(f.drops["read:not_gzip"], 1);
}

TEST(ArxivReader, UnsafeMemberNamesAreSkippedAndCounted) {
  EXPECT_TRUE(unsafe_member_name("/etc/x.gz"));
  EXPECT_TRUE(unsafe_member_name("0903/../../x.gz"));
  EXPECT_TRUE(unsafe_member_name(".."));
  EXPECT_FALSE(unsafe_member_name("0903/..x.gz"));
  EXPECT_FALSE(unsafe_member_name("./0903/x.gz"));
  TempDir t;
  std::string paper = gz("\\section{A}\nok\n");
  std::string inner = make_tar({{"../../evil.tex", "\\section{E}\nevil\n"}, {"/abs.tex", "\\section{F}\nf\n"},
                                {"good.tex", "\\section{G}\ngood\n"}},
                               true);
  test::write_all(t / "b.tar", make_tar({{"../0903.0001.gz", paper}, {"/tmp/0903.0002.gz", paper},
                                         {"0903/0903.0003.gz", inner}}));
  auto r = read_tar(t / "b.tar");
  ASSERT_EQ(r.docs.size(), 1u);
  EXPECT_EQ(r.docs[0].text, "\\section{G}\ngood\n");
  EXPECT_EQ(r.drops["read:unsafe_member"], 4);
}

TEST(ArxivReader, BombsAreBoundedAndCounted) {
  TempDir t;
  std::string zeros(32u << 20, '\0');
  std::string tex_bomb = "\\section{A}\n" + std::string(32u << 20, 'a');
  std::vector<Member> m = {
      {"0903/0903.0001.gz", make_tar({{"fig.eps", zeros}, {"a.tex", "\\section{A}\nx\n"}}, true)},  // tar.gz bomb
      {"0903/0903.0002.gz", gz(tex_bomb)},                                                        // gzip bomb
      {"0903/0903.0003.gz", gz("\\section{Fine}\nsmall\n")},
  };
  test::write_all(t / "b.tar", make_tar(m));
  ASSERT_LT(fs::file_size(t / "b.tar"), 1u << 20);  // ~100 KB expanding to 64 MB
  ArxivReaderOptions o;
  o.paper.max_paper_bytes = 4u << 20;
  auto r = read_tar(t / "b.tar", o);
  ASSERT_EQ(r.docs.size(), 1u);
  EXPECT_EQ(r.docs[0].text, "\\section{Fine}\nsmall\n");
  EXPECT_EQ(r.drops["read:paper_too_large"], 2);
  // With room for them, both read fine.
  o.paper.max_paper_bytes = 64u << 20;
  EXPECT_EQ(read_tar(t / "b.tar", o).docs.size(), 3u);
}

TEST(ArxivReader, TruncatedBulkTarThrowsWithOffsetAfterEarlierPapers) {
  TempDir t;
  std::mt19937_64 rng(1);
  std::string noise(200000, '\0');
  for (auto& c : noise) c = static_cast<char>(rng());  // incompressible: the member stays large
  std::string tar = make_tar({{"0903/0903.0001.gz", gz("\\section{A}\na\n")}, {"0903/0903.0002.gz", noise}});
  test::write_all(t / "b.tar", tar.substr(0, 4096));
  ArxivReaderOptions o;
  o.batch_docs = 1;
  o.id_prefix = "b.tar";
  ArxivTarReader r(t / "b.tar", o);
  Batch b;
  ASSERT_TRUE(r.next(b));
  EXPECT_EQ(b.docs.size(), 1u);
  try {
    while (r.next(b)) {
    }
    FAIL() << "no error for a truncated tar";
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), (t / "b.tar").string());
    EXPECT_TRUE(e.offset().has_value());
  }
}


// A 10 KB paper whose \newcommand chain doubles 28 times (512 MB of text, RedPajama's
// single-pass expansion): dropped at the size limit without allocating the growth.
TEST(ArxivReader, DoublingMacroChainPaperIsDroppedAtTheSizeLimit) {
  RPDATA_REQUIRE_FINDING(tar, "arXiv_src_0903_028.tar");
  ArxivReaderOptions o;
  o.paper.max_paper_bytes = 16u << 20;
  o.clean.max_text_bytes = 16u << 20;
  auto r = read_tar(tar, o);
  EXPECT_TRUE(r.docs.empty());
  EXPECT_EQ(r.drops["read:text_too_large"], 1);
}

// A damaged bulk tar, and a 13-byte gzip header with a bad flag byte named like a bulk tar:
// InputError naming the file (libarchive may give no error text at all).
TEST(ArxivReader, DamagedBulkTarIsAnInputErrorNotACrash) {
  RPDATA_REQUIRE_FINDING(damaged, "arXiv_src_0903_001.tar");
  RPDATA_REQUIRE_FINDING(tiny, "tiny-damaged-gzip.tar.gz");
  TempDir t;
  fs::copy_file(tiny, t / "arXiv_src_0903_002.tar");
  for (const fs::path& p : {damaged, t / "arXiv_src_0903_002.tar"}) {
    try {
      read_tar(p);
      ADD_FAILURE() << p << " read without error";
    } catch (const InputError& e) {
      EXPECT_EQ(e.path(), p.string());
      EXPECT_FALSE(e.message().empty());
    }
  }
}

TEST(ArxivReader, TimestampsUtcOrLocalLikePython) {
  EXPECT_EQ(iso_timestamp(1236211200, 0, false), "2009-03-05T00:00:00");
  EXPECT_EQ(iso_timestamp(1236211200, 250000000, false), "2009-03-05T00:00:00.250000");
  EXPECT_EQ(python_stem("0903/0903.0180.gz"), "0903.0180");
  EXPECT_EQ(python_stem("astro-ph0001001.gz"), "astro-ph0001001");
  EXPECT_EQ(python_stem("0903"), "0903");
}

TEST(ArxivReader, SampleGeneratorIsDeterministicAndReadable) {
  TempDir a, b;
  auto names = write_sample(a.path(), {});
  write_sample(b.path(), {});
  ASSERT_EQ(names, (std::vector<std::string>{"arXiv_src_2303_001.tar"}));
  EXPECT_EQ(test::read_all(a / names[0]), test::read_all(b / names[0]));
  auto r = read_tar(a / names[0]);
  EXPECT_EQ(r.docs.size(), 5u);
  EXPECT_EQ(r.drops["read:non_utf8"], 1);
  EXPECT_EQ(r.drops["read:empty_text"], 1);
  EXPECT_EQ(r.drops["read:not_gz_member"], 1);
  EXPECT_EQ(r.drops["read:not_gzip"], 1);  // the "._" AppleDouble member
  // The project joins main.tex and sections/extra.tex with "\n" (both cleaned).
  EXPECT_EQ(meta_str(r.docs[0], "arxiv_id"), "2303.00001");
  EXPECT_NE(r.docs[0].text.find("\\section{Appendix-free extra}"), std::string::npos);
  EXPECT_EQ(r.docs[0].text.find("\\bibliography{refs}"), std::string::npos);
  EXPECT_NE(r.docs[0].text.find("the \\textsc{Toy} model"), std::string::npos);  // \model expanded
}

TEST(ArxivLanguage, Lid176IntoMetaOrUnknownWithoutModel) {
  RPDATA_REQUIRE_REALDATA(real);
  Batch b;
  Document d;
  d.text = "\\section{Introduction}\nWe study the spectrum of the Laplacian on compact manifolds.\n";
  d.meta.set("language", std::string("unknown"));
  b.docs.push_back(d);
  Params with = test::step_params("arxiv_language");
  with.set("model", std::string((real / "models/fasttext/lid.176.ftz").string()));
  const quality::RunModels required(quality::MissingModels::kError), skipped(quality::MissingModels::kSkip);
  make_language_step(with, required)->process(b);
  EXPECT_EQ(meta_str(b.docs[0], "language"), "en");
  Params missing = test::step_params("arxiv_language");
  missing.set("model", std::string("/nonexistent/lid.176.bin"));
  EXPECT_THROW(make_language_step(missing, required), ConfigError);
  Params optional = test::step_params("arxiv_language");
  b.docs[0].meta.set("language", std::string("unknown"));
  const char* models = std::getenv("RPDATA_MODELS");
  std::string saved = models ? models : "";
  ::setenv("RPDATA_MODELS", "/nonexistent", 1);
  const char* home = std::getenv("HOME");
  std::string saved_home = home ? home : "";
  ::setenv("HOME", "/nonexistent", 1);
  EXPECT_THROW(make_language_step(optional, required), ConfigError);  // lid.176 looked up, not found
  make_language_step(optional, skipped)->process(b);
  EXPECT_EQ(meta_str(b.docs[0], "language"), "unknown");
  if (models) ::setenv("RPDATA_MODELS", saved.c_str(), 1); else ::unsetenv("RPDATA_MODELS");
  if (home) ::setenv("HOME", saved_home.c_str(), 1); else ::unsetenv("HOME");
}

TEST(ArxivManifest, ParsesFilesAndEstimatesCost) {
  auto m = parse_manifest(
      "<arXivSRC><file><content_md5sum>c</content_md5sum><filename>src/arXiv_src_0001_001.tar</filename>"
      "<md5sum>949ae880fbaf4649a02a6d4ae6e3a6e9</md5sum><num_items>2364</num_items><size>225605507</size>"
      "<yymm>0001</yymm></file><file><filename>src/arXiv_src_0001_002.tar</filename><size>5</size></file></arXivSRC>");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].filename, "src/arXiv_src_0001_001.tar");
  EXPECT_EQ(m[0].md5, "949ae880fbaf4649a02a6d4ae6e3a6e9");
  EXPECT_EQ(m[0].size, 225605507u);
  EXPECT_EQ(m[0].num_items, 2364);
  EXPECT_THROW(parse_manifest("<arXivSRC></arXivSRC>"), InputError);
  EXPECT_DOUBLE_EQ(requester_pays_usd(1ull << 30, 0), 0.09);
  EXPECT_NEAR(requester_pays_usd(100ull << 30, 1000), 9.0004, 1e-9);
}

}  // namespace
}  // namespace rpdata::sources::arxiv
