// One member of an archive (7z, zip, tar, ...) streamed through libarchive without
// extracting anything to disk: e.g. Posts.xml out of a Stack Exchange site .7z. A file that
// is not an archive is opened as a plain/compressed stream (InputStream::open) instead.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "rpdata/io/input_stream.h"

namespace rpdata::io {

// Opens the first member whose file name (last path component) is `member` if `path` is a
// 7z archive (magic bytes), else the file itself. InputError if the archive has no such
// member or is corrupt; TruncatedInputError when the archive ends early.
std::unique_ptr<InputStream> open_archive_member(const std::filesystem::path& path, const std::string& member);

// True if `path` starts with the 7z signature "7z\xBC\xAF\x27\x1C".
bool is_7z_file(const std::filesystem::path& path);

}  // namespace rpdata::io
