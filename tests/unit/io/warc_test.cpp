// WARC reader: real CommonCrawl / ClueWeb / warcio files (expected counts, offsets and sizes
// were derived independently with a 30-line Python Content-Length walker over the
// decompressed bytes and zlib; see docs/commoncrawl.md) and synthetic bad input.
#include <gtest/gtest.h>

#include <map>

#include "rpdata/core/error.h"
#include "rpdata/io/hash.h"
#include "rpdata/io/warc.h"
#include "test_support.h"

namespace rpdata::io {
namespace {
using test::TempDir;
using Mode = WarcReaderOptions::Mode;

std::vector<WarcRecord> read_all_records(const std::filesystem::path& p, WarcReaderOptions o = {},
                                         WarcReaderStats* stats = nullptr) {
  WarcReader r = WarcReader::open(p, o);
  std::vector<WarcRecord> out;
  WarcRecord rec;
  while (r.next(rec)) out.push_back(rec);
  if (stats) *stats = r.stats();
  return out;
}

std::map<std::string, int> type_counts(const std::vector<WarcRecord>& recs) {
  std::map<std::string, int> m;
  for (const auto& r : recs) ++m[std::string(r.type())];
  return m;
}

std::string record(std::string_view type, std::string_view block, std::string_view version = "WARC/1.0") {
  std::string s(version);
  s += "\r\nWARC-Type: ";
  s += type;
  s += "\r\nWARC-Record-ID: <urn:uuid:x>\r\nContent-Length: " + std::to_string(block.size()) + "\r\n\r\n";
  s += block;
  s += "\r\n\r\n";
  return s;
}

WarcReaderOptions resync(bool throw_on_damage = true) {
  WarcReaderOptions o;
  o.mode = Mode::kResync;
  o.throw_on_damage = throw_on_damage;
  return o;
}

TEST(WarcReader, CommonCrawl2020ExcerptCountsOffsetsAndHeaders) {
  RPDATA_REQUIRE_REALDATA(real);
  auto path = real / "commoncrawl/CC-MAIN-2020-34-excerpt.warc.gz";
  auto recs = read_all_records(path);
  ASSERT_EQ(recs.size(), 50u);
  EXPECT_EQ(type_counts(recs), (std::map<std::string, int>{
                                   {"warcinfo", 1}, {"request", 17}, {"response", 16}, {"metadata", 16}}));
  EXPECT_EQ(recs[0].offset, 0u);
  EXPECT_EQ(recs[1].offset, 764u);
  EXPECT_EQ(recs[2].offset, 1428u);
  EXPECT_EQ(recs[3].offset, 38592u);
  EXPECT_EQ(recs[0].block.size(), 501u);
  EXPECT_EQ(recs[2].block.size(), 36578u);
  EXPECT_EQ(recs[5].block.size(), 104911u);
  EXPECT_EQ(recs[2].type(), "response");
  EXPECT_EQ(recs[2].headers.get("WARC-Target-URI"), "http://003338.cn/l41/481397.html");
  // Case-insensitive lookup, file order kept.
  EXPECT_EQ(recs[2].headers.get("warc-target-uri"), "http://003338.cn/l41/481397.html");
  EXPECT_EQ(recs[2].headers.fields().size(), 12u);
  EXPECT_EQ(recs[2].headers.fields()[0].name, "WARC-Type");
  for (size_t i = 0; i < recs.size(); ++i) {
    EXPECT_EQ(recs[i].index, i);
    EXPECT_EQ(recs[i].version, "WARC/1.0");
    EXPECT_LE(recs[i].compressed_offset, 135896u);
  }
  // Every response is HTTP 200 with an identity payload.
  int responses = 0;
  for (const auto& r : recs) {
    if (r.type() != "response") continue;
    std::string err;
    auto http = parse_http_response(r.block, &err);
    ASSERT_TRUE(http) << err;
    EXPECT_EQ(http->status, 200);
    EXPECT_EQ(http->content_encoding, "identity");
    EXPECT_FALSE(http->chunked);
    ++responses;
  }
  EXPECT_EQ(responses, 16);
}

TEST(WarcReader, WhirlwindWarcWetWat) {
  RPDATA_REQUIRE_REALDATA(real);
  auto dir = real / "commoncrawl/whirlwind";
  auto warc = read_all_records(dir / "whirlwind.warc.gz");
  ASSERT_EQ(warc.size(), 4u);
  EXPECT_EQ(warc[0].type(), "warcinfo");
  EXPECT_EQ(warc[1].type(), "request");
  EXPECT_EQ(warc[2].type(), "response");
  EXPECT_EQ(warc[3].type(), "metadata");
  EXPECT_EQ(warc[2].block.size(), 74581u);
  EXPECT_EQ(warc[3].offset, 76725u);
  auto wet = read_all_records(dir / "whirlwind.warc.wet.gz");
  ASSERT_EQ(wet.size(), 2u);
  EXPECT_EQ(wet[1].type(), "conversion");
  EXPECT_EQ(wet[1].offset, 693u);
  EXPECT_EQ(wet[1].block.size(), 4456u);
  EXPECT_EQ(wet[1].headers.get("WARC-Identified-Content-Language"), "spa");
  EXPECT_EQ(wet[1].headers.get("WARC-Block-Digest"), "sha1:RDTSR52RUHWDA7QK4BK7OUHU3EXTXYUL");
  EXPECT_EQ(wet[1].headers.get("WARC-Date"), "2024-05-18T01:58:10Z");
  auto wat = read_all_records(dir / "whirlwind.warc.wat.gz");
  ASSERT_EQ(wat.size(), 2u);
  EXPECT_EQ(wat[1].type(), "metadata");
  EXPECT_EQ(wat[1].block.size(), 1386u);
  EXPECT_EQ(wat[1].block.front(), '{');
}

TEST(WarcReader, ChunkedResponseIsDecoded) {
  RPDATA_REQUIRE_REALDATA(real);
  auto recs = read_all_records(real / "commoncrawl/edge-cases/warcio-example-iana.org-chunked.warc");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(type_counts(recs), (std::map<std::string, int>{{"warcinfo", 1}, {"response", 1}, {"request", 1}}));
  ASSERT_EQ(recs[1].block.size(), 7566u);
  auto http = parse_http_response(recs[1].block);
  ASSERT_TRUE(http);
  EXPECT_EQ(http->status_line, "HTTP/1.1 200 OK");
  EXPECT_TRUE(http->chunked);
  EXPECT_EQ(http->payload.size(), 7223u);  // 7238 chunked bytes
  EXPECT_EQ(sha256_hex(http->payload), "aaf8c52338baf919fa901ac7e4ae681feb187a70b2e2af4bd58c53a382340b7a");
  EXPECT_EQ(http->payload.substr(0, 15), "<!doctype html>");
}

TEST(WarcReader, WarcioExampleGzipPayloadAndRevisit) {
  RPDATA_REQUIRE_REALDATA(real);
  auto recs = read_all_records(real / "commoncrawl/edge-cases/warcio-example.warc.gz");
  ASSERT_EQ(recs.size(), 6u);
  EXPECT_EQ(type_counts(recs),
            (std::map<std::string, int>{{"warcinfo", 2}, {"request", 2}, {"response", 1}, {"revisit", 1}}));
  EXPECT_EQ(recs[2].block.size(), 975u);
  auto http = parse_http_response(recs[2].block);
  ASSERT_TRUE(http);
  EXPECT_EQ(http->content_encoding, "gzip");
  EXPECT_EQ(http->payload.size(), 1270u);  // 606 gzip bytes
  EXPECT_EQ(sha256_hex(http->payload), "3587cb776ce0e4e8237f215800b7dffba0f25865cb84550e87ea8bbac838c423");
  HttpOptions no_gzip;
  no_gzip.decode_gzip = false;
  auto raw = parse_http_response(recs[2].block, nullptr, no_gzip);
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->content_encoding, "gzip_not_decoded");
  EXPECT_EQ(raw->payload.size(), 606u);
}

TEST(WarcReader, ClueWeb09QuirksDoNotCrash) {
  RPDATA_REQUIRE_REALDATA(real);
  auto recs = read_all_records(real / "commoncrawl/edge-cases/clueweb09-warc018-quirk.warc.gz");
  ASSERT_EQ(recs.size(), 30u);
  EXPECT_EQ(type_counts(recs), (std::map<std::string, int>{{"warcinfo", 1}, {"response", 29}}));
  EXPECT_EQ(recs[1].block.size(), 31611u);
  EXPECT_EQ(recs[2].offset, 32574u);
  int not_compressed = 0;
  for (const auto& r : recs) {
    EXPECT_EQ(r.version, "WARC/0.18");
    // The malformed date is kept verbatim: the reader never interprets it.
    EXPECT_EQ(r.headers.get("WARC-Date"), "2008-10-294T05:21:46-0700");
    if (r.type() != "response") continue;
    auto http = parse_http_response(r.block);
    ASSERT_TRUE(http);
    EXPECT_EQ(http->status, 200);
    // "Content-Encoding: gzip" on bodies ClueWeb stored decoded (and LF-only HTTP headers).
    not_compressed += http->content_encoding == "gzip_not_compressed";
    EXPECT_EQ(http->payload.substr(0, 6), "<html>");
  }
  EXPECT_EQ(not_compressed, 29);
  EXPECT_EQ(recs[1].headers.get("WARC-Identified-Payload-Type", "absent"), "");
  EXPECT_EQ(recs[29].headers.get("WARC-TREC-ID"), "clueweb09-ja0016-50-00028");
}

TEST(WarcReader, TruncatedGzipRealFile) {
  RPDATA_REQUIRE_REALDATA(real);
  auto path = real / "commoncrawl/edge-cases/clipped-truncated.warc.gz";
  // Its only record (Content-Length 88275) is cut by the damage: no complete record.
  WarcReader strict = WarcReader::open(path);
  WarcRecord rec;
  try {
    strict.next(rec);
    FAIL() << "expected TruncatedInputError";
  } catch (const TruncatedInputError& e) {
    EXPECT_EQ(e.path(), path.string());
    EXPECT_EQ(e.offset(), 0u);
    EXPECT_NE(std::string(e.what()).find("truncated gzip"), std::string::npos) << e.what();
  }
  WarcReaderStats stats;
  auto recs = read_all_records(path, resync(false), &stats);
  EXPECT_TRUE(recs.empty());
  EXPECT_EQ(stats.truncated, 1u);
  EXPECT_EQ(stats.stream_errors, 1u);
  // Resync with the default throw_on_damage still refuses to lose a tail silently.
  EXPECT_THROW(read_all_records(path, resync()), TruncatedInputError);
}

TEST(WarcReader, TruncatedGzipYieldsRecordsBeforeTheDamage) {
  RPDATA_REQUIRE_REALDATA(real);
  TempDir dir;
  auto full_path = real / "commoncrawl/CC-MAIN-2020-34-excerpt.warc.gz";
  auto full = read_all_records(full_path);
  std::string bytes = test::read_all(full_path);
  // Compressed byte 60000 lies inside the 18th gzip member (members end at ..., 48321, 60227);
  // size-100 inside the last one (135468..135896). size-10 only loses the last member's
  // trailer and the block's closing CRLFs: all 50 records are intact, then the error.
  struct Cut {
    size_t at, records;
  };
  for (Cut cut : {Cut{60000, 17}, Cut{bytes.size() - 100, 49}, Cut{bytes.size() - 10, 50}}) {
    SCOPED_TRACE(cut.at);
    test::write_all(dir / "cut.warc.gz", bytes.substr(0, cut.at));
    WarcReader r = WarcReader::open(dir / "cut.warc.gz");
    WarcRecord rec;
    size_t n = 0;
    try {
      while (r.next(rec)) {
        ASSERT_LT(n, full.size());
        EXPECT_EQ(rec.offset, full[n].offset);
        EXPECT_EQ(rec.block, full[n].block);
        ++n;
      }
      FAIL() << "no error";
    } catch (const TruncatedInputError& e) {
      EXPECT_EQ(n, cut.records);
      if (n < full.size()) {
        EXPECT_EQ(e.offset(), full[n].offset);  // the damaged record's start
        EXPECT_NE(std::string(e.what()).find(std::to_string(full[n].offset)), std::string::npos);
      }
    }
    WarcReaderStats stats;
    auto recs = read_all_records(dir / "cut.warc.gz", resync(false), &stats);
    EXPECT_EQ(recs.size(), cut.records);
    EXPECT_EQ(stats.truncated, cut.records < 50 ? 1u : 0u);
    EXPECT_EQ(stats.stream_errors, 1u);
  }
}

TEST(WarcReader, EmptyFileHasNoRecords) {
  TempDir dir;
  test::write_all(dir / "empty.warc", "");
  test::write_all(dir / "empty.warc.gz", "");
  EXPECT_TRUE(read_all_records(dir / "empty.warc").empty());
  EXPECT_TRUE(read_all_records(dir / "empty.warc.gz").empty());
  EXPECT_TRUE(read_all_records(dir / "empty.warc", resync()).empty());
}

TEST(WarcReader, GarbageBytes) {
  TempDir dir;
  std::string garbage;
  uint32_t x = 12345;
  for (int i = 0; i < 100000; ++i) {
    x = x * 1664525u + 1013904223u;
    garbage += static_cast<char>(x >> 24);
  }
  test::write_all(dir / "garbage.warc", garbage);
  try {
    read_all_records(dir / "garbage.warc");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.offset(), 0u);
    EXPECT_EQ(e.path(), (dir / "garbage.warc").string());
  }
  WarcReaderStats stats;
  EXPECT_TRUE(read_all_records(dir / "garbage.warc", resync(), &stats).empty());
  EXPECT_EQ(stats.malformed, 1u);
  EXPECT_EQ(stats.skipped_bytes, garbage.size());

  // Garbage between records: resync finds the next "WARC/" line.
  std::string mixed = "junk\n" + garbage + "\n" + record("resource", "one") + garbage + "\n" +
                      record("resource", "two");
  test::write_all(dir / "mixed.warc", mixed);
  auto recs = read_all_records(dir / "mixed.warc", resync(), &stats);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].block, "one");
  EXPECT_EQ(recs[1].block, "two");
  EXPECT_EQ(stats.malformed, 2u);
  EXPECT_THROW(read_all_records(dir / "mixed.warc"), InputError);
  // Regression: an over-long line starting with "WARC/" once made resync loop forever.
  test::write_all(dir / "longversion.warc", "WARC/" + std::string(1000, '1') + "\r\n" + record("resource", "x"));
  recs = read_all_records(dir / "longversion.warc", resync(), &stats);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].block, "x");
  EXPECT_EQ(stats.malformed, 1u);
  EXPECT_THROW(read_all_records(dir / "longversion.warc"), InputError);
  // A gzip-named file with garbage is rejected by the stream with its path.
  test::write_all(dir / "garbage.warc.gz", garbage);
  EXPECT_THROW(read_all_records(dir / "garbage.warc.gz", resync()), InputError);
}

TEST(WarcReader, MalformedHeadersStrictAndResync) {
  TempDir dir;
  std::string good = record("resource", "ok");
  std::string no_colon = "WARC/1.0\r\nWARC-Type resource\r\nContent-Length: 2\r\n\r\nno\r\n\r\n";
  std::string bad_length = "WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: 12x\r\n\r\nxx\r\n\r\n";
  std::string no_length = "WARC/1.0\r\nWARC-Type: resource\r\n\r\nxx\r\n\r\n";
  for (const std::string& bad : {no_colon, bad_length, no_length}) {
    test::write_all(dir / "bad.warc", good + bad + good);
    try {
      read_all_records(dir / "bad.warc");
      FAIL() << bad;
    } catch (const InputError& e) {
      EXPECT_EQ(e.offset(), good.size()) << e.what();
    }
    WarcReaderStats stats;
    auto recs = read_all_records(dir / "bad.warc", resync(), &stats);
    ASSERT_EQ(recs.size(), 2u) << bad;
    EXPECT_EQ(recs[1].block, "ok");
    EXPECT_EQ(recs[1].index, 2u);  // the skipped record keeps its index
    EXPECT_EQ(stats.malformed, 1u);
  }
}

TEST(WarcReader, ContentLengthBeyondEndOfFile) {
  TempDir dir;
  std::string good = record("resource", "ok");
  test::write_all(dir / "long.warc", good + "WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: 1000\r\n\r\nshort");
  try {
    read_all_records(dir / "long.warc");
    FAIL();
  } catch (const TruncatedInputError& e) {
    EXPECT_EQ(e.offset(), good.size());
    EXPECT_NE(std::string(e.what()).find("Content-Length 1000"), std::string::npos) << e.what();
  }
  WarcReaderStats stats;
  auto recs = read_all_records(dir / "long.warc", resync(false), &stats);
  EXPECT_EQ(recs.size(), 1u);
  EXPECT_EQ(stats.truncated, 1u);
  // Cut inside the header section.
  test::write_all(dir / "cuthdr.warc", good + "WARC/1.0\r\nWARC-Type: res");
  EXPECT_THROW(read_all_records(dir / "cuthdr.warc"), TruncatedInputError);
  EXPECT_EQ(read_all_records(dir / "cuthdr.warc", resync(false), &stats).size(), 1u);
  EXPECT_EQ(stats.truncated, 1u);
}

TEST(WarcReader, ContentLengthTooSmall) {
  TempDir dir;
  std::string good = record("resource", "ok");
  test::write_all(dir / "short.warc", good + "WARC/1.0\r\nContent-Length: 3\r\n\r\nabcdef\r\n\r\n" + good);
  try {
    read_all_records(dir / "short.warc");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.offset(), good.size());  // the record with the wrong length, not the junk after it
    EXPECT_NE(std::string(e.what()).find("Content-Length 3"), std::string::npos) << e.what();
  }
  WarcReaderStats stats;
  auto recs = read_all_records(dir / "short.warc", resync(), &stats);
  ASSERT_EQ(recs.size(), 3u);  // resync returns the short block and skips "def"
  EXPECT_EQ(recs[1].block, "abc");
  EXPECT_EQ(stats.malformed, 1u);
}

TEST(WarcReader, HugeRecordIsDroppedOverMaxRecordBytes) {
  TempDir dir;
  std::string big(50u << 20, 'x');
  big[0] = '\0';
  big[big.size() / 2] = '\n';
  std::string data = record("resource", big) + record("resource", "after");
  big.clear();
  test::write_all(dir / "big.warc", data);
  WarcReaderOptions small;
  small.max_record_bytes = 1 << 20;
  WarcReaderStats stats;
  auto recs = read_all_records(dir / "big.warc", small, &stats);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].block, "after");
  EXPECT_EQ(recs[0].index, 1u);
  EXPECT_EQ(stats.too_large, 1u);
  // Under the default bound the 50 MB block is read exactly.
  recs = read_all_records(dir / "big.warc");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].block.size(), 50u << 20);
  EXPECT_EQ(recs[0].block[0], '\0');
}

TEST(WarcReader, BinarySafeBlocksVersionsAndFoldedHeaders) {
  TempDir dir;
  std::string tricky("a\0b\r\n\r\nWARC/1.0\r\nContent-Length: 3\r\n\r\nzzz", 39);
  std::string data = record("resource", tricky, "WARC/1.1") +
                     "WARC/1.0\nWARC-Type: metadata\nX-Folded: first\r\n  second part\r\n\tthird\nContent-Length: 4\n\nabcd\n\n" +
                     record("resource", "");
  test::write_all(dir / "tricky.warc", data);
  auto recs = read_all_records(dir / "tricky.warc");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].version, "WARC/1.1");
  EXPECT_EQ(recs[0].block, tricky);
  EXPECT_EQ(recs[1].headers.get("x-folded"), "first second part third");
  EXPECT_EQ(recs[1].block, "abcd");
  EXPECT_EQ(recs[2].block, "");
  EXPECT_EQ(recs[2].offset, data.size() - record("resource", "").size());
}

TEST(Http, ChunkedDecoding) {
  EXPECT_EQ(decode_chunked("4\r\nWiki\r\n5;ext=1\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n\r\n"),
            "Wikipedia in\r\n\r\nchunks.");
  EXPECT_EQ(decode_chunked("0\r\n\r\n"), "");
  EXPECT_FALSE(decode_chunked("zz\r\nabc"));
  EXPECT_FALSE(decode_chunked("10\r\nshort"));
  EXPECT_FALSE(decode_chunked("4\r\nWiki\r\n"));  // no last chunk
  // Declared chunked but not chunked (CommonCrawl re-wrote some payloads): left as is.
  auto http = parse_http_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n<html>");
  ASSERT_TRUE(http);
  EXPECT_FALSE(http->chunked);
  EXPECT_EQ(http->payload, "<html>");
}

TEST(Http, MalformedResponses) {
  std::string err;
  EXPECT_FALSE(parse_http_response("", &err));
  EXPECT_FALSE(parse_http_response("GET / HTTP/1.1\r\n\r\n", &err));
  EXPECT_EQ(err, "no HTTP status line");
  EXPECT_FALSE(parse_http_response("HTTP/1.1 200 OK\r\nA: b\r\n", &err));
  auto http = parse_http_response("HTTP/1.0 404\nbroken header\nContent-Encoding: gzip\n\n\x1f\x8b junk");
  ASSERT_TRUE(http);
  EXPECT_EQ(http->status, 404);
  EXPECT_EQ(http->content_encoding, "gzip_corrupt");
  EXPECT_EQ(http->payload, "\x1f\x8b junk");
  auto br = parse_http_response("HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\nxyz");
  ASSERT_TRUE(br);
  EXPECT_EQ(br->content_encoding, "br");
}

}  // namespace
}  // namespace rpdata::io

namespace rpdata::io {
namespace {

// Regression net for "bad input never crashes": deterministic mutations (byte flips, cuts,
// inserted CR/LF and "WARC/" fragments) of real files, decompressed and compressed, read in
// every mode. Only rpdata errors may escape; resync without throw_on_damage never throws.
TEST(WarcReader, MutatedRealFilesNeverCrash) {
  RPDATA_REQUIRE_REALDATA(real);
  TempDir dir;
  uint64_t x = 88172645463325252ull;
  auto rnd = [&]() { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x; };
  static const std::string long_version = "\r\nWARC/1.0" + std::string(300, 'x');
  const char* inserts[] = {"\r\n", "\n", "WARC/1.0\r\n", "Content-Length: 99999999\r\n", "\r\n\r\n", ":", " ",
                           long_version.c_str()};
  for (const char* name : {"commoncrawl/whirlwind/whirlwind.warc.wet.gz", "commoncrawl/edge-cases/warcio-example.warc.gz",
                           "commoncrawl/edge-cases/warcio-example-iana.org-chunked.warc"}) {
    std::string compressed = test::read_all(real / name);
    std::string plain;
    {
      auto in = InputStream::open(real / name);
      char buf[65536];
      while (size_t n = in->read(buf, sizeof(buf))) plain.append(buf, n);
    }
    for (int round = 0; round < 120; ++round) {
      bool gz = round % 3 == 0;
      std::string data = gz ? compressed : plain;
      int edits = 1 + static_cast<int>(rnd() % 8);
      for (int e = 0; e < edits && !data.empty(); ++e) {
        size_t at = rnd() % data.size();
        switch (rnd() % 4) {
          case 0: data[at] = static_cast<char>(rnd()); break;
          case 1: data.resize(at); break;
          case 2: data.insert(at, inserts[rnd() % std::size(inserts)]); break;
          default: data.erase(at, rnd() % 64); break;
        }
      }
      auto path = dir / (gz ? "m.warc.gz" : "m.warc");
      test::write_all(path, data);
      for (int mode = 0; mode < 3; ++mode) {
        WarcReaderOptions o;
        o.mode = mode == 0 ? Mode::kStrict : Mode::kResync;
        o.throw_on_damage = mode == 1;
        o.max_record_bytes = 4096;
        try {
          WarcReader r = WarcReader::open(path, o);
          WarcRecord rec;
          while (r.next(rec)) {
            if (rec.type() == "response") parse_http_response(rec.block);
            EXPECT_LE(rec.block.size(), 4096u);
          }
        } catch (const InputError& e) {
          EXPECT_TRUE(mode != 2 || gz) << "resync without throw_on_damage threw: " << e.what();
        }
      }
    }
  }
}

}  // namespace
}  // namespace rpdata::io
