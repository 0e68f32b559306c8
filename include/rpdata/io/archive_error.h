// libarchive handles owned by unique_ptr, and the text of a handle's last error. libarchive
// can fail without setting a message (archive_error_string returns null, e.g. when no
// format or filter matches damaged data), so its errors are always formatted through
// archive_error_text, never by appending archive_error_string to a std::string.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

struct archive;

namespace rpdata::io {

// Frees a read handle (archive_read_free): a constructor that throws after opening one frees it.
struct ArchiveReadFree {
  void operator()(archive* a) const noexcept;
};
using ArchiveReadPtr = std::unique_ptr<archive, ArchiveReadFree>;

// Frees a write handle (archive_write_free; this also closes it, without checking the result).
struct ArchiveWriteFree {
  void operator()(archive* a) const noexcept;
};
using ArchiveWritePtr = std::unique_ptr<archive, ArchiveWriteFree>;

// archive_read_new(); throws std::bad_alloc when libarchive cannot allocate the handle.
ArchiveReadPtr new_archive_reader();

// libarchive's message for `a`'s last error, or, when it has none, a fallback that says so
// and gives archive_errno when that is set: never empty, never from a null pointer.
// `a` may be null.
std::string archive_error_text(archive* a);

// Bytes of the file libarchive has consumed so far (archive_filter_bytes(a, -1)), the offset
// errors report; 0 before anything was read (where libarchive answers -1).
uint64_t archive_compressed_offset(archive* a);

}  // namespace rpdata::io
