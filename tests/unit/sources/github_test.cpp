// GitHub rules (RedPajama data_prep/github): copyright cleaning, Python stats, whitelist,
// the clean/filter steps, the BigQuery export reader and the tarball reader's refusals.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include "rpdata/core/error.h"
#include "rpdata/io/hash.h"
#include "rpdata/io/json_writer.h"
#include "rpdata/sources/github/bigquery_reader.h"
#include "rpdata/sources/github/github.h"
#include "rpdata/sources/github/license.h"
#include "rpdata/sources/github/sample.h"
#include "rpdata/sources/github/tarball_reader.h"
#include "rpdata/text/python_unicode.h"
#include "rpdata/tokenize/models.h"
#include "test_support.h"

namespace rpdata::sources::github {
namespace {
namespace fs = std::filesystem;
using test::TempDir;

TEST(GithubCopyright, RpV1RemovesFirstBlockOnlyWithCopyright) {
  EXPECT_EQ(clean_copyright_rp_v1("/* Copyright 2020 X */\nint a;\n"), "\nint a;\n");
  // The first block comment decides, wherever it is, and cleaning stops there.
  EXPECT_EQ(clean_copyright_rp_v1("// Copyright\nint a; /* doc */\n"), "// Copyright\nint a; /* doc */\n");
  EXPECT_EQ(clean_copyright_rp_v1("int a;\n/* (c) COPYRIGHT x */ int b;"), "int a;\n int b;");
  // No block comment: leading //, #, -- and empty lines go (no lstrip), also #include.
  EXPECT_EQ(clean_copyright_rp_v1("#include <a.h>\n\n// x\nint a;\n#x\n"), "int a;\n#x\n");
  EXPECT_EQ(clean_copyright_rp_v1("  # indented\nx"), "  # indented\nx");
  EXPECT_EQ(clean_copyright_rp_v1("# a\n\n"), "");
  // An unterminated "/*" is no match: the line rule applies.
  EXPECT_EQ(clean_copyright_rp_v1("-- sql\n/* open\nselect 1;"), "/* open\nselect 1;");
  // "/*/" does not close itself; "/**/" is a comment.
  EXPECT_EQ(clean_copyright_rp_v1("/*/ copyright */x"), "x");
  EXPECT_EQ(clean_copyright_rp_v1("/**/ copyright"), "/**/ copyright");
}

TEST(GithubCopyright, PythonIgnoreCaseIncludesDotlessAndDottedI) {
  EXPECT_TRUE(contains_copyright("CoPyRiGhT"));
  EXPECT_TRUE(contains_copyright("copyr\xC4\xB1ght"));  // U+0131
  EXPECT_TRUE(contains_copyright("COPYR\xC4\xB0GHT"));  // U+0130
  EXPECT_FALSE(contains_copyright("copy right"));
}

TEST(GithubCopyright, FixedOnlyTouchesHeaders) {
  EXPECT_EQ(clean_copyright_fixed("#include <a.h>\nint a;\n"), "#include <a.h>\nint a;\n");
  EXPECT_EQ(clean_copyright_fixed("# Copyright 2020\n# MIT\n\nimport os\n"), "import os\n");
  EXPECT_EQ(clean_copyright_fixed("# Title\n\ntext\n"), "# Title\n\ntext\n");
  EXPECT_EQ(clean_copyright_fixed("\n/* Copyright */\nx"), "\n\nx");
  EXPECT_EQ(clean_copyright_fixed("int a; /* Copyright */"), "int a; /* Copyright */");
}

TEST(GithubStats, PythonSplitlinesAndUnicodeClasses) {
  auto st = text::python_text_stats("ab\r\ncd\n\nx\xE2\x80\xA8y\x0c");
  // splitlines: ["ab", "cd", "", "x", "y"]
  EXPECT_EQ(st.line_count, 5);
  EXPECT_EQ(st.max_line_length, 2);
  EXPECT_EQ(st.length, 12);
  EXPECT_EQ(text::python_text_stats("").line_count, 0);
  EXPECT_EQ(text::python_text_stats("a\n").line_count, 1);
  EXPECT_EQ(text::python_text_stats("\n").line_count, 1);
  // isalnum: letters, digits and numerics (U+00B2 superscript two, U+2155 one fifth, U+4E00 CJK);
  // isalpha excludes the numerics. U+0300 (combining mark) is neither.
  EXPECT_TRUE(text::is_python_alnum(0xB2));
  EXPECT_FALSE(text::is_python_alpha(0xB2));
  EXPECT_TRUE(text::is_python_alnum(0x2155));
  EXPECT_TRUE(text::is_python_alpha(0x4E00));
  EXPECT_FALSE(text::is_python_alnum(0x300));
  EXPECT_FALSE(text::is_python_alnum('_'));
  auto u = text::python_text_stats("\xC3\xA9\xC2\xB2_");  // "é²_"
  EXPECT_EQ(u.alpha, 1);
  EXPECT_EQ(u.alnum, 2);
}

TEST(GithubWhitelist, SixtySixCaseSensitiveSuffixes) {
  EXPECT_EQ(extension_whitelist().size(), 66u);
  EXPECT_TRUE(whitelisted_path("a/b.c"));
  EXPECT_TRUE(whitelisted_path("Makefile"));
  EXPECT_TRUE(whitelisted_path("x/GNUMakefile"));  // endswith("Makefile")
  EXPECT_TRUE(whitelisted_path("X.C"));
  EXPECT_FALSE(whitelisted_path("makefile"));
  EXPECT_FALSE(whitelisted_path("a.json"));
  EXPECT_TRUE(skipped_path("LICENSE", true));
  EXPECT_FALSE(skipped_path("sub/LICENSE", true));
  EXPECT_TRUE(skipped_path("sub/LICENSE.md", false));
  EXPECT_TRUE(skipped_path("ca.crt", true));
}

Document row(const std::string& path, const std::string& text, const std::string& license = "mit") {
  Document d{"u/0", text, "github", {}};
  d.meta.set("repo_name", std::string("a/b"));
  d.meta.set("path", path);
  d.meta.set("license", license);
  d.meta.set("language", MetaJson{"[{\"name\": \"C\", \"bytes\": \"1\"}]"});
  return d;
}

TEST(GithubClean, MetaOrderDropsAndDedup) {
  Params p = test::step_params("github_clean");
  CleanStep step(p);
  Batch b;
  b.docs.push_back(row("a.c", "/* Copyright x */\nint a;\n"));
  b.docs.push_back(row("LICENSE", "MIT"));
  b.docs.push_back(row("k.crt", "cert"));
  b.docs.push_back(row("b.c", "/* Copyright x */\nint a;\n"));  // same raw content
  b.docs.push_back(row("g.c", "int g;\n", "gpl-3.0"));
  b.docs.push_back(row("e.c", ""));
  step.process(b);
  ASSERT_EQ(b.docs.size(), 2u);
  EXPECT_EQ(b.drops["github_clean:license_file"], 1);
  EXPECT_EQ(b.drops["github_clean:crt"], 1);
  EXPECT_EQ(b.drops["github_clean:duplicate_in_unit"], 1);
  EXPECT_EQ(b.drops["github_clean:license"], 1);
  std::string out;
  io::append_record(out, b.docs[0], io::JsonStyle::kPython, io::RecordLayout::kTextMeta);
  EXPECT_EQ(out, "{\"text\": \"\\nint a;\\n\", \"meta\": {\"content_hash\": \"" +
                     io::md5_hex("/* Copyright x */\nint a;\n") +
                     "\", \"timestamp\": \"\", \"source\": \"github\", \"line_count\": 2, \"max_line_length\": 6, "
                     "\"avg_line_length\": 4.0, \"alnum_prop\": 0.5, \"repo_name\": \"a/b\", \"path\": \"a.c\", "
                     "\"license\": \"mit\", \"language\": [{\"name\": \"C\", \"bytes\": \"1\"}]}}\n");
  // Empty content: get_filecontent_stats' int zeros.
  out.clear();
  io::append_record(out, b.docs[1], io::JsonStyle::kPython, io::RecordLayout::kTextMeta);
  EXPECT_NE(out.find("\"line_count\": 0, \"max_line_length\": 0, \"avg_line_length\": 0, \"alnum_prop\": 0,"),
            std::string::npos)
      << out;
}

TEST(GithubFilter, RedPajamaOrderAndThresholds) {
  Params p = test::step_params("github_filter");
  FilterStep step(p, {});
  Params cp = test::step_params("github_clean");
  cp.set("license_prefixes", std::vector<std::string>{});
  CleanStep clean(cp);
  Batch b;
  b.docs.push_back(row("ok.py", "def f(x):\n    return x + 1\n"));
  b.docs.push_back(row("no.json", "{\"a\": 1}\n"));
  b.docs.push_back(row("long.js", std::string(1001, 'a') + "\n"));
  b.docs.push_back(row("avg.js", std::string(999, 'a') + "\n" + std::string(999, 'b') + "\n"));
  b.docs.push_back(row("sym.sh", "+--+--+\n|  |  |\n"));
  b.docs.push_back(row("e.c", ""));
  clean.process(b);
  step.process(b);
  ASSERT_EQ(b.docs.size(), 1u);
  EXPECT_EQ(b.drops["github_filter:extension"], 1);
  EXPECT_EQ(b.drops["github_filter:max_line_length"], 1);
  EXPECT_EQ(b.drops["github_filter:avg_line_length"], 1);
  EXPECT_EQ(b.drops["github_filter:alnum_prop"], 1);
  EXPECT_EQ(b.drops["github_filter:empty"], 1);
}

TEST(GithubFilter, AlphaPerNeoxToken) {
  auto file = tokenize::find_model_file("neox");
  if (file.empty()) {
    RPDATA_REQUIRE_REALDATA(rd);
    file = rd / "models" / "gpt-neox-20b" / "20B_tokenizer.json";
  }
  auto model = tokenize::load_model("neox", file);
  Params p = test::step_params("github_filter");
  FilterStep step(p, quality::LazyModel<tokenize::TokenizerModel>([model] { return model; }));
  Batch b;
  b.docs.push_back(row("words.c", "int counter_value = compute_total(items, length);\n"));
  std::string hex;
  for (int i = 0; i < 50; ++i) hex += "0x1f, 0x2e, 0x3d, 0x4c,\n";
  b.docs.push_back(row("hex.c", hex));
  step.process(b);
  ASSERT_EQ(b.docs.size(), 1u);
  EXPECT_EQ(b.docs[0].meta.find("path") ? std::get<std::string>(*b.docs[0].meta.find("path")) : "", "words.c");
  EXPECT_EQ(b.drops["github_filter:alpha_per_token"], 1);
}

TEST(GithubBigQuery, ColumnsInOrderNestedAndBadRows) {
  TempDir t;
  std::string rows =
      "{\"repo_name\":\"a/b\",\"id\":\"x\",\"size\":\"3\",\"content\":\"h\\u00e9\\n\",\"binary\":false,"
      "\"path\":\"a.c\",\"license\":\"mit\",\"language\":[{\"name\":\"C\",\"bytes\":\"12\"}],\"symlink_target\":null}\n"
      "{\"repo_name\":\"a/b\",\"content\":null,\"binary\":true,\"path\":\"x.png\"}\n"
      "{\"repo_name\":\"a/b\",\"content\":\"caf\xE9\",\"path\":\"bad.c\"}\n"
      "{\"repo_name\":\"a/b\",\"path\":\"nocontent.c\"}\n"
      "not json\n";
  test::write_gz(t / "github_000000000000.gz", rows);
  BigQueryReaderOptions o;
  o.source = "github";
  o.id_prefix = "github_000000000000.gz";
  BigQueryReader r(t / "github_000000000000.gz", o);
  Batch b;
  ASSERT_TRUE(r.next(b));
  ASSERT_EQ(b.docs.size(), 1u);
  EXPECT_EQ(b.docs[0].text, "h\xC3\xA9\n");
  EXPECT_EQ(b.docs[0].id, "github_000000000000.gz/0");
  std::string out;
  io::append_record(out, b.docs[0], io::JsonStyle::kPython, io::RecordLayout::kTextMeta);
  EXPECT_EQ(out, "{\"text\": \"h\\u00e9\\n\", \"meta\": {\"repo_name\": \"a/b\", \"id\": \"x\", \"size\": \"3\", "
                 "\"binary\": false, \"path\": \"a.c\", \"license\": \"mit\", \"language\": [{\"name\": \"C\", "
                 "\"bytes\": \"12\"}], \"symlink_target\": null}}\n");
  EXPECT_EQ(b.drops["read:null_content"], 1);
  EXPECT_EQ(b.drops["read:invalid_utf8"], 1);
  EXPECT_EQ(b.drops["read:missing_content"], 1);
  EXPECT_EQ(b.drops["read:invalid_json"], 1);
}

TEST(GithubBigQuery, GzipBombRefused) {
  TempDir t;
  test::write_gz(t / "bomb.gz", std::string(8 << 20, ' '));  // 8 MiB of spaces, one line
  BigQueryReaderOptions o;
  o.max_line_bytes = 1 << 20;
  o.expansion_check_bytes = 1 << 20;
  o.max_expansion_ratio = 100;
  BigQueryReader r(t / "bomb.gz", o);
  Batch b;
  EXPECT_THROW(while (r.next(b)) {}, InputError);
}

TEST(GithubSample, DeterministicAndReadable) {
  TempDir a, b;
  auto na = write_sample(a.path());
  auto nb = write_sample(b.path());
  ASSERT_EQ(na, nb);
  for (const auto& n : na) EXPECT_EQ(io::md5_hex(test::read_all(a / n)), io::md5_hex(test::read_all(b / n)));
}

TEST(GithubLicense, DetectsPermissiveFamilies) {
  EXPECT_EQ(detect_license(test::read_all(test::source_dir() / "LICENSE")), "apache-2.0");
  EXPECT_EQ(detect_license("Permission is hereby granted, free of charge, to any person obtaining a copy\n"
                           "of this software ... The above copyright notice and this permission\n"
                           "notice shall be included in all copies"),
            "mit");
  std::string bsd = "Redistribution and use in source and binary forms, with or without\n * modification, are "
                    "permitted provided that the following conditions are met:";
  EXPECT_EQ(detect_license(bsd), "bsd-2-clause");
  EXPECT_EQ(detect_license(bsd + " Neither the name ... may be used to endorse or promote products derived from "
                                 "this software"),
            "bsd-3-clause");
  EXPECT_EQ(detect_license("GNU GENERAL PUBLIC LICENSE Version 3 ... Redistribution and use in source and binary "
                           "forms, with or without modification, are permitted"),
            "");
  EXPECT_TRUE(is_license_file_name("LICENSE.md"));
  EXPECT_TRUE(is_license_file_name("copying"));
  EXPECT_TRUE(is_license_file_name("LICENSE-MIT"));
  EXPECT_FALSE(is_license_file_name("LICENSES"));
}

// Writes a tar.gz with the given members; kind: 'f' file, 'l' symlink, 'h' hard link, 'd' dir.
struct Member {
  std::string path;
  std::string data;
  char kind = 'f';
  int64_t declared = -1;  // size written in the header (default: data size)
};

void write_tgz(const fs::path& p, const std::vector<Member>& members) {
  archive* a = archive_write_new();
  archive_write_add_filter_gzip(a);
  archive_write_set_format_pax_restricted(a);
  ASSERT_EQ(archive_write_open_filename(a, p.c_str()), ARCHIVE_OK);
  for (const auto& m : members) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, m.path.c_str());
    if (m.kind == 'd') {
      archive_entry_set_filetype(e, AE_IFDIR);
      archive_entry_set_perm(e, 0755);
    } else if (m.kind == 'l') {
      archive_entry_set_filetype(e, AE_IFLNK);
      archive_entry_set_symlink(e, m.data.c_str());
    } else {
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_perm(e, 0644);
      archive_entry_set_size(e, m.declared >= 0 ? m.declared : static_cast<int64_t>(m.data.size()));
    }
    archive_write_header(a, e);
    if (m.kind == 'f') {
      if (m.declared > 0) {
        std::string zeros(1 << 20, '\0');
        for (int64_t left = m.declared; left > 0; left -= static_cast<int64_t>(zeros.size()))
          archive_write_data(a, zeros.data(), static_cast<size_t>(std::min<int64_t>(left, zeros.size())));
      } else {
        archive_write_data(a, m.data.data(), m.data.size());
      }
    }
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

const std::string kMit =
    "MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy of this software\n"
    "The above copyright notice and this permission notice shall be included in all copies.\n";

TEST(GithubTarball, RowsLikeBigQueryAndCountedRefusals) {
  TempDir t;
  fs::path tgz = t / "acme~widgets@v1.0.tar.gz";
  write_tgz(tgz, {{"widgets-1.0/", "", 'd'},
                  {"widgets-1.0/LICENSE", kMit},
                  {"widgets-1.0/src/a.c", "int a;\n"},
                  {"widgets-1.0/../../etc/passwd", "root\n"},
                  {"/abs/path.c", "int b;\n"},
                  {"widgets-1.0/link.c", "src/a.c", 'l'},
                  {"widgets-1.0/logo.png", std::string("\x89PNG\0\0\0", 7)},
                  {"widgets-1.0/latin1.c", "caf\xE9\n"},
                  {"widgets-1.0/big.c", "", 'f', 3 << 20}});
  auto [repo, ref] = repo_from_unit_name(tgz.filename().string());
  EXPECT_EQ(repo, "acme/widgets");
  EXPECT_EQ(ref, "v1.0");
  TarballReaderOptions o;
  o.source = "github";
  o.id_prefix = "u";
  o.repo_name = repo;
  o.ref = ref;
  TarballReader r(tgz, o);
  EXPECT_EQ(r.license(), "mit");
  Batch b, all;
  while (r.next(b)) {
    for (auto& d : b.docs) all.docs.push_back(d);
    for (auto& [k, v] : b.drops) all.drops[k] += v;
  }
  ASSERT_EQ(all.docs.size(), 2u);  // LICENSE and src/a.c (github_clean drops LICENSE later)
  const Document& d = all.docs[1];
  std::string out;
  io::append_record(out, d, io::JsonStyle::kPython, io::RecordLayout::kTextMeta);
  // id = git hash-object of "int a;\n" (BigQuery's contents.id is the blob sha1).
  EXPECT_EQ(out, "{\"text\": \"int a;\\n\", \"meta\": {\"repo_name\": \"acme/widgets\", \"id\": \"4e610c04d58371663d95ca8237eea260b08f090c\", "
                 "\"size\": \"7\", \"binary\": false, \"ref\": \"v1.0\", \"path\": \"src/a.c\", \"mode\": "
                 "\"33188\", \"license\": \"mit\"}}\n");
  EXPECT_EQ(all.drops["read:unsafe_path"], 2);
  EXPECT_EQ(all.drops["read:not_regular_file"], 1);
  EXPECT_EQ(all.drops["read:binary"], 1);
  EXPECT_EQ(all.drops["read:invalid_utf8"], 1);
  EXPECT_EQ(all.drops["read:too_large"], 1);
}

TEST(GithubTarball, UnlicensedRepositoryCountsEveryFile) {
  TempDir t;
  write_tgz(t / "x.tar.gz", {{"r/COPYING", "GNU GENERAL PUBLIC LICENSE\nVersion 3\n"}, {"r/a.c", "int a;\n"}});
  write_tgz(t / "y.tar.gz", {{"r/a.c", "int a;\n"}, {"r/b.c", "int b;\n"}});
  for (auto [name, reason, n] : {std::tuple{"x.tar.gz", "read:license_not_permissive", 2},
                                 std::tuple{"y.tar.gz", "read:no_license", 2}}) {
    TarballReader r(t / name, TarballReaderOptions{});
    Batch b;
    int64_t dropped = 0, docs = 0;
    while (r.next(b)) {
      dropped += b.drops[reason];
      docs += static_cast<int64_t>(b.docs.size());
    }
    EXPECT_EQ(docs, 0) << name;
    EXPECT_EQ(dropped, n) << name;
  }
}

TEST(GithubTarball, BombsRefused) {
  TempDir t;
  write_tgz(t / "big.tar.gz", {{"r/LICENSE", kMit}, {"r/zeros.c", "", 'f', 40 << 20}});
  TarballReaderOptions o;
  o.max_total_bytes = 16 << 20;
  EXPECT_THROW(TarballReader(t / "big.tar.gz", o), InputError);
  TarballReaderOptions ratio;
  ratio.expansion_check_bytes = 8 << 20;
  ratio.max_expansion_ratio = 100;
  EXPECT_THROW(
      {
        TarballReader r(t / "big.tar.gz", ratio);
        Batch b;
        while (r.next(b)) {}
      },
      InputError);
  std::vector<Member> many;
  for (int i = 0; i < 50; ++i) many.push_back({"r/f" + std::to_string(i) + ".c", "x"});
  write_tgz(t / "many.tar.gz", many);
  TarballReaderOptions few;
  few.max_members = 10;
  EXPECT_THROW(TarballReader(t / "many.tar.gz", few), InputError);
}

}  // namespace
}  // namespace rpdata::sources::github

namespace rpdata::sources::github {
namespace {

// A gzip header with a reserved flag bit set: libarchive refuses it without an error message
// (archive_error_string is null). The reader must throw InputError naming the file, never
// build a std::string from the null pointer.
const std::string kDamagedGzipHeader("\x1f\x8b\x08\x01\x00\x00\x80\xff\x00\xff\xd3\x02\x00", 13);

void expect_input_error_naming(const fs::path& p) {
  try {
    TarballReader r(p, TarballReaderOptions{});
    FAIL() << "no error for " << p;
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), p.string());
    EXPECT_NE(e.message().find("cannot open tarball: "), std::string::npos) << e.message();
    EXPECT_GT(e.message().size(), std::string("cannot open tarball: ").size());
  }
}

TEST(GithubTarball, NullLibarchiveErrorStringIsAnInputErrorNotASegfault) {
  TempDir t;
  test::write_all(t / "o~r@m.tar.gz", kDamagedGzipHeader);
  expect_input_error_naming(t / "o~r@m.tar.gz");
}

TEST(GithubTarball, FindingsDamagedTarballsAreInputErrorsNotSegfaults) {
  RPDATA_REQUIRE_FINDING(octo, "octo~repo@main.tar.gz");
  RPDATA_REQUIRE_FINDING(tiny, "tiny-damaged-gzip.tar.gz");
  expect_input_error_naming(octo);
  TempDir t;  // named as a tarball unit, as the recipe plans it
  test::write_all(t / "o~r@m.tar.gz", test::read_all(tiny));
  expect_input_error_naming(t / "o~r@m.tar.gz");
}

}  // namespace
}  // namespace rpdata::sources::github
