// The indexed dataset's bytes, checked against the layout GPT-NeoX's indexed_dataset.py writes
// (EleutherAI/gpt-neox@ea7aefd, MMapIndexedDataset.Index.writer), spelled out here byte by byte.
#include "rpdata/io/indexed_dataset.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"
#include "test_support.h"

namespace rpdata::io {
namespace {

template <class T>
void put(std::string& s, T v) {
  s.append(reinterpret_cast<const char*>(&v), sizeof v);
}

TEST(IndexedDataset, BytesAreGptNeoxsLayout) {
  test::TempDir dir;
  IndexedDatasetWriter w(dir / "a.bin", TokenDtype::kUint16);
  std::vector<int32_t> d0{5, 65535, 0}, d1{}, d2{7, 0};
  w.add_document(d0);
  w.add_document(d1);
  w.add_document(d2);
  EXPECT_EQ(w.documents(), 3);
  EXPECT_EQ(w.tokens(), 5);
  w.finish(dir / "a.idx");

  std::string bin;
  for (uint16_t v : {5, 65535, 0, 7, 0}) put(bin, v);
  EXPECT_EQ(read_file(dir / "a.bin"), bin);
  std::string idx("MMIDIDX\0\0", 9);
  put<uint64_t>(idx, 1);
  put<uint8_t>(idx, 8);  // uint16
  put<uint64_t>(idx, 3);  // sequences
  put<uint64_t>(idx, 4);  // documents: doc_idx [0, 1, 2, 3]
  for (int32_t s : {3, 0, 2}) put(idx, s);
  for (int64_t p : {0, 6, 6}) put(idx, p);  // byte offsets
  for (int64_t d : {0, 1, 2, 3}) put(idx, d);
  EXPECT_EQ(read_file(dir / "a.idx"), idx);
  EXPECT_EQ(w.bin_sha256(), sha256_hex(bin));
  EXPECT_EQ(w.idx_sha256(), sha256_hex(idx));

  IndexedDatasetIndex ix = read_index(dir / "a.idx");
  EXPECT_EQ(ix.dtype, TokenDtype::kUint16);
  EXPECT_EQ(ix.sizes, (std::vector<int32_t>{3, 0, 2}));
  EXPECT_EQ(ix.pointers, (std::vector<int64_t>{0, 6, 6}));
  EXPECT_EQ(ix.doc_idx, (std::vector<int64_t>{0, 1, 2, 3}));
}

TEST(IndexedDataset, DtypeFollowsTheVocabularyAndIdsMustFit) {
  EXPECT_EQ(best_fitting_dtype(50277), TokenDtype::kUint16);  // GPT-NeoX-20B
  EXPECT_EQ(best_fitting_dtype(32000), TokenDtype::kUint16);  // LLaMA
  EXPECT_EQ(best_fitting_dtype(65499), TokenDtype::kUint16);
  EXPECT_EQ(best_fitting_dtype(65500), TokenDtype::kInt32);   // indexed_dataset.py: < 65500
  EXPECT_EQ(best_fitting_dtype(128256), TokenDtype::kInt32);

  test::TempDir dir;
  IndexedDatasetWriter small(dir / "s.bin", TokenDtype::kUint16);
  std::vector<int32_t> big{1, 70000};
  EXPECT_THROW(small.add_document(big), ConfigError);  // never wrapped to 4464
  IndexedDatasetWriter wide(dir / "w.bin", TokenDtype::kInt32);
  wide.add_document(big);
  std::vector<int32_t> negative{-1};
  EXPECT_THROW(wide.add_document(negative), ConfigError);
  wide.finish(dir / "w.idx");
  std::string bin;
  for (int32_t v : {1, 70000}) put(bin, v);
  EXPECT_EQ(read_file(dir / "w.bin"), bin);
  EXPECT_EQ(read_index(dir / "w.idx").dtype, TokenDtype::kInt32);
}

TEST(IndexedDataset, ABadIndexIsRefusedWithTheReason) {
  test::TempDir dir;
  IndexedDatasetWriter w(dir / "a.bin", TokenDtype::kUint16);
  std::vector<int32_t> d{1, 2, 3};
  w.add_document(d);
  w.finish(dir / "a.idx");
  const std::string good = read_file(dir / "a.idx");
  auto reason = [&](const std::string& bytes) {
    write_file_atomic(dir / "b.idx", bytes);
    try {
      read_index(dir / "b.idx");
    } catch (const InputError& e) {
      EXPECT_EQ(e.path(), (dir / "b.idx").string());
      return e.message();
    }
    return std::string("accepted");
  };
  EXPECT_NE(reason("TNTIDX\0\0" + good.substr(8)).find("bad magic"), std::string::npos);
  EXPECT_NE(reason(good.substr(0, 20)).find("truncated"), std::string::npos);
  EXPECT_NE(reason(good.substr(0, good.size() - 1)).find("does not match its counts"), std::string::npos);
  std::string v2 = good;
  v2[9] = 2;
  EXPECT_NE(reason(v2).find("version 2"), std::string::npos);
  std::string float_dtype = good;
  float_dtype[17] = 6;
  EXPECT_NE(reason(float_dtype).find("not a token dtype"), std::string::npos);
  std::string moved = good;
  moved[34 + 4] = 1;  // the first pointer
  EXPECT_NE(reason(moved).find("not where its size puts it"), std::string::npos);
  EXPECT_EQ(reason(good), "accepted");
}

}  // namespace
}  // namespace rpdata::io
