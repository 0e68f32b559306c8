// A CommonCrawl `wet.paths.gz` listing and cc_net's shard rule (CCN:process_wet_file.py
// cc_segments + CCShardReader.segments; spec §1.1-1.2): the listing's stripped lines in file
// order (not re-sorted), and shard s of num_shards = entries [s*n//num_shards, (s+1)*n//num_shards).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace rpdata::sources::commoncrawl {

// Reads a listing (gzip or plain, detected from the bytes): one relative segment path per line,
// each `.strip()`ped as cc_net does. A final empty line is not an entry. Throws InputError (path,
// line) on an empty line inside the list or a path that is absolute, contains "..", "\\" or
// a NUL (paths become file names under _work/raw).
std::vector<std::string> read_listing(const std::filesystem::path& path);

// cc_net's shard slice: [shard*n//num_shards, (shard+1)*n//num_shards). When n < num_shards
// some shards are empty. Requires num_shards > 0 and shard < num_shards.
std::pair<size_t, size_t> ccnet_shard_range(size_t n, size_t num_shards, size_t shard);

// "crawl-data/.../x.warc.wet.gz" from a local path that contains it (the layout of _work/raw
// and of a mirror), else the file name: the `cc_segment` cc_net records.
std::string segment_name_of(const std::filesystem::path& local_path);

}  // namespace rpdata::sources::commoncrawl
