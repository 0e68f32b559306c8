#include "test_support.h"

#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "rpdata/exec/runner.h"

namespace rpdata::test {
namespace fs = std::filesystem;

std::map<std::string, std::string> published_files(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    std::string rel = fs::relative(e.path(), dir).string();
    if (e.is_regular_file() && rel.rfind("_work", 0) != 0) files[rel] = read_all(e.path());
  }
  return files;
}

exec::RunOptions local_run(const fs::path& out, const std::vector<fs::path>& inputs, int rank, int world,
                           const std::string& stage) {
  exec::RunOptions o;
  o.out = out;
  o.inputs = inputs;
  o.task = exec::TaskSpec{rank, world};
  o.stage = stage;
  o.fetch.progress = false;
  return o;
}

Params step_params(const std::string& type) {
  const StepType* t = exec::step_registry().find(type);
  if (!t) throw std::logic_error("no step type " + type);
  Params p("steps." + type);
  p.declare("step " + type, t->keys);
  return p;
}

TempDir::TempDir() {
  static std::atomic<int> n{0};
  path_ = fs::temp_directory_path() /
          ("rpdata-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!std::getenv("RPDATA_KEEP_TEMP")) fs::remove_all(path_, ec);
}

fs::path source_dir() { return RPDATA_SOURCE_DIR; }

bool realdata_required() {
  const char* env = std::getenv("RPDATA_REQUIRE_REALDATA");
  return env && std::string(env) == "1";
}

fs::path realdata_dir() {
  if (const char* env = std::getenv("RPDATA_REALDATA")) {
    if (fs::is_directory(env)) return env;
    return {};
  }
  fs::path p = source_dir() / ".." / "shared" / "realdata";
  if (fs::is_directory(p)) return fs::canonical(p);
  return {};
}

fs::path findings_dir() {
  if (const char* env = std::getenv("RPDATA_FINDINGS")) {
    if (fs::is_directory(env)) return env;
    return {};
  }
  fs::path p = source_dir() / ".." / "shared" / "findings";
  if (fs::is_directory(p)) return fs::canonical(p);
  return {};
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_all(const fs::path& p, const std::string& data) {
  if (!p.parent_path().empty()) fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << data;
}

std::string read_zst(const fs::path& p) {
  std::string comp = read_all(p);
  std::string out;
  ZSTD_DCtx* d = ZSTD_createDCtx();
  ZSTD_inBuffer in{comp.data(), comp.size(), 0};
  std::string buf(1 << 16, '\0');
  while (in.pos < in.size) {
    ZSTD_outBuffer o{buf.data(), buf.size(), 0};
    size_t rc = ZSTD_decompressStream(d, &o, &in);
    if (ZSTD_isError(rc)) break;
    out.append(buf.data(), o.pos);
  }
  ZSTD_freeDCtx(d);
  return out;
}

void write_gz(const fs::path& p, const std::string& data) {
  if (!p.parent_path().empty()) fs::create_directories(p.parent_path());
  gzFile gz = gzopen(p.c_str(), "wb6");
  gzwrite(gz, data.data(), static_cast<unsigned>(data.size()));
  gzclose(gz);
}

}  // namespace rpdata::test
