#include "rpdata/io/hashing_zstd_stream.h"

#include <gtest/gtest.h>

#include <fstream>

#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/hash.h"
#include "rpdata/io/shard_writer.h"
#include "test_support.h"

namespace rpdata::io {
namespace {
using test::TempDir;

// A multi-frame shard as ShardWriter writes it (a frame every 7 records) and its text.
std::string write_shard(const TempDir& dir, ShardInfo& info) {
  ShardWriter w({dir.path(), "s", 1ull << 30, 7, 3, false});
  std::string all;
  for (int i = 0; i < 500; ++i) {
    std::string rec = "{\"text\": \"record " + std::to_string(i) + std::string(static_cast<size_t>(i % 90), 'q') + "\"}\n";
    all += rec;
    w.add(rec);
  }
  info = w.close().at(0);
  return all;
}

std::string read_all(HashingZstdStream& in, size_t chunk) {
  std::string out(chunk, '\0'), all;
  while (size_t n = in.read(out.data(), chunk)) all.append(out.data(), n);
  return all;
}

TEST(HashingZstdStream, DecompressesEveryFrameAndHashesTheWholeFile) {
  TempDir dir;
  ShardInfo info;
  std::string text = write_shard(dir, info);
  for (size_t chunk : {1ul, 4096ul, 1ul << 20}) {  // output buffers smaller and larger than a frame
    HashingZstdStream in(dir / info.name);
    EXPECT_EQ(read_all(in, chunk), text);
    EXPECT_EQ(in.sha256_hex(), info.sha256);
    EXPECT_EQ(in.sha256_hex().size(), 64u);
    EXPECT_EQ(in.offset(), text.size());
    EXPECT_EQ(in.compressed_offset(), info.compressed_bytes);
  }
}

TEST(HashingZstdStream, FileCutInsideAFrameIsTruncated) {
  TempDir dir;
  ShardInfo info;
  write_shard(dir, info);
  std::string bytes = read_file(dir / info.name);
  std::ofstream(dir / "cut.zst", std::ios::binary) << bytes.substr(0, bytes.size() - 5);
  HashingZstdStream in(dir / "cut.zst");
  EXPECT_THROW(read_all(in, 4096), TruncatedInputError);
}

TEST(HashingZstdStream, MissingFileNamesIt) {
  TempDir dir;
  try {
    HashingZstdStream in(dir / "nope.zst");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("nope.zst"), std::string::npos);
  }
}

}  // namespace
}  // namespace rpdata::io
