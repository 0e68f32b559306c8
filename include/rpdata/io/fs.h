// Filesystem helpers for crash-safe outputs: everything is written under a temporary name,
// fsynced and renamed, so a reader never sees a partial file under a final name.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace rpdata::io {

// Writes `data` to `path` atomically (temp file in the same directory, fsync, rename,
// fsync of the directory). Creates parent directories. Throws IoError.
void write_file_atomic(const std::filesystem::path& path, std::string_view data);
// Reads a whole file; throws IoError naming it.
std::string read_file(const std::filesystem::path& path);
// fsyncs a file or directory by path; throws IoError.
void fsync_path(const std::filesystem::path& path);
// Renames atomically and fsyncs the destination directory.
void rename_durable(const std::filesystem::path& from, const std::filesystem::path& to);
// A temporary sibling name unique to this process: "<dir>/.<name>.tmp.<pid>.<n>".
std::filesystem::path temp_sibling(const std::filesystem::path& path);
// Removes, under `dir` and its subdirectories, the temp_sibling files of writers that are
// gone (killed before their rename): names ".<name>.tmp.<pid>.<n>" whose pid is no running
// process on this host. Other files, and temporaries of live processes, are left alone, so
// call it only on a directory this host's processes write (not a shared one another node may
// be writing). A missing `dir` is fine. Returns the number of files removed.
size_t remove_stale_temp_siblings(const std::filesystem::path& dir);

}  // namespace rpdata::io
