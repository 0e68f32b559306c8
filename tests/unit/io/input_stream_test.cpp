#include <gtest/gtest.h>
#include <zstd.h>

#include "rpdata/core/error.h"
#include "rpdata/io/input_stream.h"
#include "test_support.h"

namespace rpdata::io {
namespace {
using test::TempDir;

std::string read_stream(const std::filesystem::path& p) {
  auto in = InputStream::open(p);
  std::string out;
  char buf[7919];  // odd size: exercises partial reads
  while (size_t n = in->read(buf, sizeof(buf))) out.append(buf, n);
  return out;
}

std::string payload(size_t n) {
  std::string s;
  for (size_t i = 0; s.size() < n; ++i) s += "line " + std::to_string(i * 2654435761u) + "\n";
  return s;
}

TEST(InputStream, GzipMultiMemberIsOneStream) {
  TempDir dir;
  std::string a = payload(100000), b = payload(5000);
  test::write_gz(dir / "a.gz", a);
  test::write_gz(dir / "b.gz", b);
  test::write_all(dir / "ab.gz", test::read_all(dir / "a.gz") + test::read_all(dir / "b.gz"));
  EXPECT_EQ(read_stream(dir / "ab.gz"), a + b);
}

TEST(InputStream, PlainAndZstdAndEmpty) {
  TempDir dir;
  std::string data = payload(300000);
  test::write_all(dir / "plain.jsonl", data);
  EXPECT_EQ(read_stream(dir / "plain.jsonl"), data);
  std::string comp(ZSTD_compressBound(data.size()), '\0');
  comp.resize(ZSTD_compress(comp.data(), comp.size(), data.data(), data.size(), 3));
  test::write_all(dir / "x.zst", comp);
  EXPECT_EQ(read_stream(dir / "x.zst"), data);
  test::write_all(dir / "empty", "");
  EXPECT_EQ(read_stream(dir / "empty"), "");
}

TEST(InputStream, TruncatedGzipNamesFileAndOffset) {
  TempDir dir;
  std::string data = payload(400000);
  test::write_gz(dir / "full.gz", data);
  std::string gz = test::read_all(dir / "full.gz");
  test::write_all(dir / "cut.gz", gz.substr(0, gz.size() / 2));
  try {
    read_stream(dir / "cut.gz");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), (dir / "cut.gz").string());
    ASSERT_TRUE(e.offset().has_value());
    EXPECT_LE(*e.offset(), gz.size() / 2);
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
}

TEST(InputStream, CorruptGzipNamesFileAndOffset) {
  TempDir dir;
  test::write_gz(dir / "full.gz", payload(400000));
  std::string gz = test::read_all(dir / "full.gz");
  for (size_t i = gz.size() / 3; i < gz.size() / 3 + 64; ++i) gz[i] = static_cast<char>(gz[i] ^ 0x5a);
  test::write_all(dir / "bad.gz", gz);
  try {
    read_stream(dir / "bad.gz");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), (dir / "bad.gz").string());
    ASSERT_TRUE(e.offset().has_value());
    EXPECT_GE(*e.offset(), gz.size() / 3);
    EXPECT_NE(std::string(e.what()).find("gzip"), std::string::npos) << e.what();
  }
}

TEST(InputStream, CorruptOrTruncatedZstdIsAnInputError) {
  TempDir dir;
  std::string data = payload(200000);
  // As the zstd CLI writes it: with a content checksum.
  ZSTD_CCtx* c = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
  std::string comp(ZSTD_compressBound(data.size()), '\0');
  comp.resize(ZSTD_compress2(c, comp.data(), comp.size(), data.data(), data.size()));
  ZSTD_freeCCtx(c);
  test::write_all(dir / "cut.zst", comp.substr(0, comp.size() / 2));
  EXPECT_THROW(read_stream(dir / "cut.zst"), InputError);
  for (size_t i = comp.size() / 2; i < comp.size() / 2 + 40; ++i) comp[i] = static_cast<char>(comp[i] ^ 0xff);
  test::write_all(dir / "bad.zst", comp);
  EXPECT_THROW(read_stream(dir / "bad.zst"), InputError);
}

// The fuzzer's cut .zst (its first byte is the fuzzer's mode byte): libarchive fails while
// the stream is being opened, and the constructor that throws must free its handle (checked
// by the ASan build).
TEST(InputStream, FuzzerCutZstThrowsFromTheConstructorWithoutLeaking) {
  RPDATA_REQUIRE_FINDING(finding, "fuzz_jsonl-leak-trunc-zst.bin");
  TempDir dir;
  test::write_all(dir / "cut.jsonl.zst", test::read_all(finding).substr(1));
  try {
    InputStream::open(dir / "cut.jsonl.zst");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), (dir / "cut.jsonl.zst").string());
    EXPECT_NE(e.message().find("runcated"), std::string::npos) << e.message();
    ASSERT_TRUE(e.offset().has_value());
    EXPECT_LT(*e.offset(), 1000u);  // a real position, never size_t(-1)
  }
}

TEST(InputStream, GzNameWithoutGzipMagicIsAnInputError) {
  TempDir dir;
  test::write_all(dir / "x.json.gz", "\x1f");
  EXPECT_THROW(InputStream::open(dir / "x.json.gz"), InputError);
  test::write_all(dir / "empty.json.gz", "");
  EXPECT_EQ(read_stream(dir / "empty.json.gz"), "");
}

TEST(InputStream, TruncationIsATruncatedInputError) {
  TempDir dir;
  test::write_gz(dir / "full.gz", payload(400000));
  std::string gz = test::read_all(dir / "full.gz");
  test::write_all(dir / "cut.gz", gz.substr(0, gz.size() / 2));
  EXPECT_THROW(read_stream(dir / "cut.gz"), TruncatedInputError);
}

TEST(InputStream, MissingFileIsAnInputError) {
  EXPECT_THROW(InputStream::open("/nonexistent/rpdata/x.gz"), InputError);
}

TEST(InputStream, RealTruncatedWarcGzip) {
  RPDATA_REQUIRE_REALDATA(real);
  auto path = real / "commoncrawl/edge-cases/clipped-truncated.warc.gz";
  try {
    read_stream(path);
    FAIL() << "expected InputError for the real truncated gzip";
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), path.string());
    EXPECT_TRUE(e.offset().has_value());
  }
}

TEST(InputStream, RealMultiMemberWarcGzipDecodes) {
  RPDATA_REQUIRE_REALDATA(real);
  // 50 records, one gzip member each (SOURCES.md).
  std::string text = read_stream(real / "commoncrawl/CC-MAIN-2020-34-excerpt.warc.gz");
  size_t records = 0;
  for (size_t pos = 0; (pos = text.find("WARC/1.0\r\n", pos)) != std::string::npos; ++pos) ++records;
  EXPECT_EQ(records, 50u);
}

}  // namespace
}  // namespace rpdata::io
