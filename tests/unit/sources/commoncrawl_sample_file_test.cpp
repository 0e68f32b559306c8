#include "rpdata/sources/commoncrawl/sample_file.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "rpdata/exec/runner.h"

namespace rpdata::sources::commoncrawl {
namespace {

TEST(CommoncrawlSampleFile, OneFilePerDumpAsRedPajamaDataSampleNamesThem) {
  EXPECT_EQ(sample_file("2019-30_0000", "2019-30"), "cc_2019-30_sample.jsonl");  // [download] dumps
  EXPECT_EQ(sample_file("2019-30_0000", ""), "cc_2019-30_sample.jsonl");         // unit_name "2019-30_{index}"
  EXPECT_EQ(sample_file("x_0001", "2023-06"), "cc_2023-06_sample.jsonl");
  EXPECT_EQ(sample_file("shard_0001", ""), "cc_sample.jsonl");  // the dump cannot be told: one file
  EXPECT_EQ(sample_file("2019-3_0001", "en"), "cc_sample.jsonl");
  EXPECT_EQ(unit_dump("2023-06", ""), "2023-06");
}

TEST(CommoncrawlSampleFile, RegisteredWithTheSlice) {
  const auto& infos = exec::source_infos();
  auto cc = std::find_if(infos.begin(), infos.end(), [](const SourceInfo& i) { return i.name == "commoncrawl"; });
  ASSERT_NE(cc, infos.end());
  ASSERT_TRUE(cc->sample_file);
  EXPECT_EQ(cc->sample_file("2020-05_0042", "2020-05"), "cc_2020-05_sample.jsonl");
}

}  // namespace
}  // namespace rpdata::sources::commoncrawl
