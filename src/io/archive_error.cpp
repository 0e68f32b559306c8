#include "rpdata/io/archive_error.h"

#include <archive.h>

#include <cstring>
#include <new>

namespace rpdata::io {

void ArchiveReadFree::operator()(archive* a) const noexcept { archive_read_free(a); }
void ArchiveWriteFree::operator()(archive* a) const noexcept { archive_write_free(a); }

ArchiveReadPtr new_archive_reader() {
  ArchiveReadPtr a(archive_read_new());
  if (!a) throw std::bad_alloc();
  return a;
}

std::string archive_error_text(archive* a) {
  if (a == nullptr) return "no libarchive handle";
  if (const char* msg = archive_error_string(a); msg != nullptr && *msg != '\0') return msg;
  int err = archive_errno(a);
  std::string out = "unrecognised or damaged data (libarchive gave no message";
  if (err > 0) out += "; errno " + std::to_string(err) + ": " + std::strerror(err);
  return out + ")";
}

uint64_t archive_compressed_offset(archive* a) {
  int64_t n = a == nullptr ? -1 : archive_filter_bytes(a, -1);
  return n > 0 ? static_cast<uint64_t>(n) : 0;
}

}  // namespace rpdata::io
