// archive_error_text: libarchive's message, or a fallback when libarchive has none.
#include "rpdata/io/archive_error.h"

#include <archive.h>
#include <gtest/gtest.h>

#include "test_support.h"

namespace rpdata::io {
namespace {

TEST(ArchiveErrorText, NullLibarchiveMessageGivesAFallbackNotACrash) {
  test::TempDir dir;
  // A gzip header with a reserved flag bit: no format matches, and libarchive sets no message.
  test::write_all(dir / "x.tar.gz", std::string("\x1f\x8b\x08\x01\x00\x00\x80\xff\x00\xff\xd3\x02\x00", 13));
  ArchiveReadPtr a = new_archive_reader();
  archive_read_support_filter_all(a.get());
  archive_read_support_format_tar(a.get());
  ASSERT_NE(archive_read_open_filename(a.get(), (dir / "x.tar.gz").c_str(), 1 << 16), ARCHIVE_OK);
  std::string text = archive_error_text(a.get());
  EXPECT_FALSE(text.empty());
  if (archive_error_string(a.get()) == nullptr) {
    EXPECT_NE(text.find("libarchive gave no message"), std::string::npos) << text;
  }
  EXPECT_EQ(archive_compressed_offset(a.get()), archive_filter_bytes(a.get(), -1) > 0
                                                    ? static_cast<uint64_t>(archive_filter_bytes(a.get(), -1))
                                                    : 0u);
  EXPECT_EQ(archive_error_text(nullptr), "no libarchive handle");
}

TEST(ArchiveErrorText, LibarchiveMessageIsPassedThrough) {
  ArchiveReadPtr a = new_archive_reader();
  archive_read_support_format_tar(a.get());
  ASSERT_NE(archive_read_open_filename(a.get(), "/nonexistent/rpdata/x.tar", 1 << 16), ARCHIVE_OK);
  ASSERT_NE(archive_error_string(a.get()), nullptr);
  EXPECT_EQ(archive_error_text(a.get()), archive_error_string(a.get()));
}

}  // namespace
}  // namespace rpdata::io
