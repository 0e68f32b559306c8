// Reading side of the frame index written by ShardWriter: random access to one frame.
#include <simdjson.h>
#include <zstd.h>

#include <fstream>

#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/shard_writer.h"

namespace rpdata::io {

std::vector<FrameEntry> read_frame_index(const std::filesystem::path& index_path) {
  simdjson::padded_string json = simdjson::padded_string(read_file(index_path));
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json).get(root)) throw InputError("frame index is not JSON", index_path.string());
  simdjson::dom::array frames;
  if (root["frames"].get_array().get(frames))
    throw InputError("frame index has no 'frames' array", index_path.string());
  std::vector<FrameEntry> out;
  for (simdjson::dom::element f : frames) {
    simdjson::dom::array a;
    if (f.get_array().get(a) || a.size() != 6)
      throw InputError("frame index entry is not 6 integers", index_path.string());
    uint64_t v[6];
    size_t i = 0;
    for (simdjson::dom::element x : a) {
      if (x.get_uint64().get(v[i])) throw InputError("frame index entry is not 6 integers", index_path.string());
      ++i;
    }
    out.push_back(FrameEntry{v[0], v[1], static_cast<int64_t>(v[2]), static_cast<int64_t>(v[3]), v[4], v[5]});
  }
  return out;
}

std::string read_frame(const std::filesystem::path& shard_path, const FrameEntry& frame) {
  std::ifstream in(shard_path, std::ios::binary);
  if (!in) throw InputError("cannot open", shard_path.string());
  std::string comp(frame.size, '\0');
  in.seekg(static_cast<std::streamoff>(frame.offset));
  in.read(comp.data(), static_cast<std::streamsize>(comp.size()));
  if (static_cast<uint64_t>(in.gcount()) != frame.size)
    throw InputError("shard shorter than its frame index says", shard_path.string(), frame.offset);
  std::string raw(frame.raw_size, '\0');
  size_t n = ZSTD_decompress(raw.data(), raw.size(), comp.data(), comp.size());
  if (ZSTD_isError(n) || n != frame.raw_size)
    throw InputError(std::string("frame does not decompress: ") +
                         (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "size mismatch"),
                     shard_path.string(), frame.offset);
  return raw;
}

}  // namespace rpdata::io
