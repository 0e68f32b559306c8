#include <gtest/gtest.h>

#include "rpdata/io/hash.h"
#include "rpdata/io/shard_writer.h"
#include "test_support.h"

namespace rpdata::io {
namespace {
using test::TempDir;

std::string record(int i) { return "{\"text\": \"document " + std::to_string(i) + " " + std::string(static_cast<size_t>(i % 50), 'z') + "\"}\n"; }

TEST(ShardWriter, RotatesBySizeAndManifestRowsMatchFiles) {
  TempDir dir;
  ShardWriter w({dir.path(), "c4-train.00000-of-01024", 20000, 64, 3, true});
  std::string all;
  for (int i = 0; i < 1000; ++i) {
    all += record(i);
    w.add(record(i));
  }
  auto shards = w.close();
  ASSERT_GT(shards.size(), 2u);
  EXPECT_EQ(shards[0].name, "c4-train.00000-of-01024-00000.jsonl.zst");
  EXPECT_EQ(shards[1].name, "c4-train.00000-of-01024-00001.jsonl.zst");
  std::string joined;
  int64_t docs = 0;
  for (const auto& s : shards) {
    bool last = &s == &shards.back();
    auto p = dir / s.name;
    EXPECT_EQ(std::filesystem::file_size(p), s.compressed_bytes);
    EXPECT_EQ(file_sha256_hex(p), s.sha256);
    std::string raw = test::read_zst(p);
    EXPECT_EQ(raw.size(), s.bytes);
    if (!last) {
      EXPECT_GE(s.bytes, 20000u);  // rotated only once full
    }
    joined += raw;
    docs += s.docs;
  }
  EXPECT_EQ(joined, all);
  EXPECT_EQ(docs, 1000);
  // No temporary files left behind.
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << e.path();
}

TEST(ShardWriter, FrameIndexGivesRandomAccess) {
  TempDir dir;
  ShardWriter w({dir.path(), "s", 1ull << 30, 100, 3, true});
  for (int i = 0; i < 1050; ++i) w.add(record(i));
  auto shards = w.close();
  ASSERT_EQ(shards.size(), 1u);
  EXPECT_EQ(shards[0].frames, 11);
  auto frames = read_frame_index(frame_index_path((dir / shards[0].name).string()));
  ASSERT_EQ(frames.size(), 11u);
  EXPECT_EQ(frames[7].first_doc, 700);
  EXPECT_EQ(frames[7].docs, 100);
  EXPECT_EQ(frames[10].docs, 50);
  std::string frame7 = read_frame(dir / shards[0].name, frames[7]);
  std::string expected;
  for (int i = 700; i < 800; ++i) expected += record(i);
  EXPECT_EQ(frame7, expected);
  EXPECT_EQ(frames.back().offset + frames.back().size, shards[0].compressed_bytes);
}

TEST(ShardWriter, UnclosedWriterLeavesNoPartialFile) {
  TempDir dir;
  {
    ShardWriter w({dir.path(), "s", 1ull << 30, 100, 3, true});
    for (int i = 0; i < 10; ++i) w.add(record(i));
  }  // destroyed without close(), as when an exception unwinds
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(ShardWriter, SameInputSameBytes) {
  TempDir a, b;
  for (auto* d : {&a, &b}) {
    ShardWriter w({d->path(), "s", 5000, 10, 3, true});
    for (int i = 0; i < 300; ++i) w.add(record(i));
    w.close();
  }
  for (const auto& e : std::filesystem::directory_iterator(a.path()))
    EXPECT_EQ(test::read_all(e.path()), test::read_all(b / e.path().filename().string())) << e.path();
}

}  // namespace
}  // namespace rpdata::io
