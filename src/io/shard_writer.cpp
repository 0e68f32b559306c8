#include "rpdata/io/shard_writer.h"

#include <zstd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>

#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/hash.h"

namespace rpdata::io {
namespace fs = std::filesystem;

struct ShardWriter::Impl {
  ShardWriterOptions opt;
  ZSTD_CCtx* cctx = nullptr;
  std::vector<char> out_buf;
  std::FILE* file = nullptr;
  fs::path tmp_path;
  Hasher sha;
  ShardInfo cur;
  std::vector<FrameEntry> frames;
  FrameEntry frame;            // the open frame
  bool frame_open = false;
  std::vector<ShardInfo> done;
  int index = 0;
};

std::string ShardWriter::shard_name(const std::string& stem, int index) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "-%05d", index);
  return stem + buf + ".jsonl.zst";
}

std::string frame_index_path(const std::string& shard_path) { return shard_path + ".idx"; }

ShardWriter::ShardWriter(ShardWriterOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->opt = std::move(options);
  impl_->cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(impl_->cctx, ZSTD_c_compressionLevel, impl_->opt.level);
  ZSTD_CCtx_setParameter(impl_->cctx, ZSTD_c_checksumFlag, 1);
  impl_->out_buf.resize(ZSTD_CStreamOutSize() * 4);
  fs::create_directories(impl_->opt.dir);
}

ShardWriter::~ShardWriter() {
  if (impl_->file) {
    std::fclose(impl_->file);
    std::error_code ec;
    fs::remove(impl_->tmp_path, ec);
  }
  ZSTD_freeCCtx(impl_->cctx);
}

void ShardWriter::write_out(const void* data, size_t n) {
  if (n == 0) return;
  if (std::fwrite(data, 1, n, impl_->file) != n)
    throw IoError(std::string("write failed: ") + std::strerror(errno), impl_->tmp_path.string(),
                  impl_->cur.compressed_bytes);
  impl_->sha.update(std::string_view(static_cast<const char*>(data), n));
  impl_->cur.compressed_bytes += n;
}

void ShardWriter::open_shard() {
  Impl& s = *impl_;
  s.cur = ShardInfo{};
  s.cur.name = shard_name(s.opt.stem, s.index);
  s.tmp_path = temp_sibling(s.opt.dir / s.cur.name);
  s.file = std::fopen(s.tmp_path.c_str(), "wb");
  if (!s.file) throw IoError(std::string("cannot create: ") + std::strerror(errno), s.tmp_path.string());
  std::setvbuf(s.file, nullptr, _IOFBF, 1 << 20);
  s.frames.clear();
  s.frame_open = false;
}

void ShardWriter::add(std::string_view record, const std::map<std::string, int64_t>* tokens) {
  Impl& s = *impl_;
  if (!s.file) open_shard();
  if (!s.frame_open) {
    s.frame = FrameEntry{s.cur.compressed_bytes, 0, s.cur.docs, 0, s.cur.bytes, 0};
    s.frame_open = true;
  }
  ZSTD_inBuffer in{record.data(), record.size(), 0};
  while (in.pos < in.size) {
    ZSTD_outBuffer out{s.out_buf.data(), s.out_buf.size(), 0};
    size_t rc = ZSTD_compressStream2(s.cctx, &out, &in, ZSTD_e_continue);
    if (ZSTD_isError(rc)) throw IoError(std::string("zstd: ") + ZSTD_getErrorName(rc), s.tmp_path.string());
    write_out(s.out_buf.data(), out.pos);
  }
  s.cur.docs += 1;
  s.cur.bytes += record.size();
  s.frame.docs += 1;
  if (tokens)
    for (const auto& [name, n] : *tokens) s.cur.tokens[name] += n;
  if (s.opt.frame_docs > 0 && s.frame.docs >= s.opt.frame_docs) end_frame();
  if (s.cur.bytes >= s.opt.max_shard_bytes) finish_shard();
}

void ShardWriter::end_frame() {
  Impl& s = *impl_;
  if (!s.frame_open) return;
  ZSTD_inBuffer in{nullptr, 0, 0};
  size_t remaining;
  do {
    ZSTD_outBuffer out{s.out_buf.data(), s.out_buf.size(), 0};
    remaining = ZSTD_compressStream2(s.cctx, &out, &in, ZSTD_e_end);
    if (ZSTD_isError(remaining))
      throw IoError(std::string("zstd: ") + ZSTD_getErrorName(remaining), s.tmp_path.string());
    write_out(s.out_buf.data(), out.pos);
  } while (remaining != 0);
  s.frame.size = s.cur.compressed_bytes - s.frame.offset;
  s.frame.raw_size = s.cur.bytes - s.frame.raw_offset;
  s.frames.push_back(s.frame);
  s.frame_open = false;
}

void ShardWriter::finish_shard() {
  Impl& s = *impl_;
  if (!s.file) return;
  end_frame();
  if (std::fflush(s.file) != 0 || ::fsync(fileno(s.file)) != 0)
    throw IoError(std::string("flush failed: ") + std::strerror(errno), s.tmp_path.string());
  std::fclose(s.file);
  s.file = nullptr;
  s.cur.sha256 = s.sha.hex_digest();
  s.cur.frames = static_cast<int64_t>(s.frames.size());
  fs::path final_path = s.opt.dir / s.cur.name;
  if (s.opt.write_index) {
    // One JSON line per frame: offset, size, first_doc, docs, raw_offset, raw_size.
    std::string idx = "{\"format\": \"rpdata-zstd-frames/1\", \"frames\": [";
    for (size_t i = 0; i < s.frames.size(); ++i) {
      const FrameEntry& f = s.frames[i];
      if (i) idx += ", ";
      idx += "[" + std::to_string(f.offset) + ", " + std::to_string(f.size) + ", " +
             std::to_string(f.first_doc) + ", " + std::to_string(f.docs) + ", " +
             std::to_string(f.raw_offset) + ", " + std::to_string(f.raw_size) + "]";
    }
    idx += "]}\n";
    write_file_atomic(frame_index_path(final_path.string()), idx);
  }
  rename_durable(s.tmp_path, final_path);
  s.done.push_back(s.cur);
  ++s.index;
}

std::vector<ShardInfo> ShardWriter::close() {
  if (impl_->file && impl_->cur.docs > 0) finish_shard();
  return impl_->done;
}

}  // namespace rpdata::io
