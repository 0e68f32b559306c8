#include "rpdata/io/gcs_list.h"

#include <gtest/gtest.h>

#include "rpdata/io/hash.h"
#include "test_support.h"

namespace rpdata::io {
namespace {

TEST(GcsList, Base64Md5ToHex) {
  // GCS md5Hash of the empty object: base64 of md5("") = 1B2M2Y8AsgTpgAmY7PhCfg==.
  EXPECT_EQ(base64_to_hex("1B2M2Y8AsgTpgAmY7PhCfg=="), md5_hex(""));
  EXPECT_EQ(base64_to_hex("kAFQmDzST7DWlj99KOF/cg=="), md5_hex("abc"));
  EXPECT_EQ(base64_to_hex("YQ=="), "61");
  EXPECT_EQ(base64_to_hex("YQ"), "");     // unpadded
  EXPECT_EQ(base64_to_hex("Y!=="), "");   // not base64
  EXPECT_EQ(base64_to_hex("YQ==YQ=="), "");
}

TEST(GcsList, ObjectUrlsEncodeSegments) {
  EXPECT_EQ(gcs_object_url("https://storage.googleapis.com/", "deepmind-gutenberg", "train/10001.txt"),
            "https://storage.googleapis.com/deepmind-gutenberg/train/10001.txt");
  EXPECT_EQ(gcs_object_url("http://h", "b", "a b/c+d"), "http://h/b/a%20b/c%2Bd");
  EXPECT_EQ(url_encode_component("train/"), "train%2F");
}

TEST(GcsList, FileMirrorListsSortedUnderPrefix) {
  test::TempDir dir;
  test::write_all(dir / "bk/train/2.txt", "bb");
  test::write_all(dir / "bk/train/10.txt", "a");
  test::write_all(dir / "bk/test/1.txt", "c");
  test::write_all(dir / "bk/metadata.csv", "m");
  Fetcher f;
  auto objs = gcs_list(f, "file://" + dir.path().string(), "bk", "train/");
  ASSERT_EQ(objs.size(), 2u);
  EXPECT_EQ(objs[0].name, "train/10.txt");  // bytewise name order, as the API lists
  EXPECT_EQ(objs[1].name, "train/2.txt");
  EXPECT_EQ(objs[1].size, 2u);
  EXPECT_EQ(gcs_stat(f, "file://" + dir.path().string(), "bk", "metadata.csv").size, 1u);
}

}  // namespace
}  // namespace rpdata::io
