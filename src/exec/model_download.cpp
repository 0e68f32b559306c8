#include "rpdata/exec/model_download.h"

#include <spdlog/spdlog.h>

#include <vector>

#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/hash.h"
#include "rpdata/tokenize/models.h"

namespace rpdata::exec {
namespace fs = std::filesystem;

namespace {
// From ../shared/realdata/reference/tokenization_cases.jsonl (HF tokenizers 0.22 output).
struct Check {
  const char* text;
  std::vector<int32_t> ids;
};
const std::vector<Check>& checks() {
  static const std::vector<Check> kChecks = {
      {"Hello world", {12092, 1533}},
      {" Hello", {24387}},
      {"  multiple   spaces\n\n\tand tabs\t\t end   ", {50276, 34263, 50275, 31748, 535, 186, 395, 28815, 623, 990, 50275}},
      {"\n\n\n", {2756}},
  };
  return kChecks;
}

std::string as_url(const std::string& base) {
  if (base.find("://") != std::string::npos) return base;
  return "file://" + fs::absolute(base).lexically_normal().string();
}
}  // namespace

void verify_neox_tokenizer(const fs::path& path) {
  std::shared_ptr<const tokenize::TokenizerModel> model;
  try {
    model = tokenize::load_model("neox", path);
  } catch (const Error& e) {
    throw VerifyError(std::string("not a usable GPT-NeoX tokenizer.json: ") + e.what(), path.string());
  }
  auto tok = model->make_tokenizer();
  for (const auto& c : checks()) {
    std::vector<int32_t> ids;
    tok->encode(c.text, ids);
    if (ids != c.ids || tok->count(c.text) != static_cast<int64_t>(c.ids.size()))
      throw VerifyError("does not reproduce GPT-NeoX-20B's tokenization of a reference string", path.string());
  }
}

ModelDownload download_neox_tokenizer(const fs::path& models_dir, const std::string& base_in,
                                      const io::FetchOptions& options) {
  ModelDownload d;
  d.path = models_dir / "gpt-neox-20b" / "tokenizer.json";
  if (fs::exists(d.path)) {
    verify_neox_tokenizer(d.path);
    d.sha256 = io::file_sha256_hex(d.path);
    d.known_bytes = d.sha256 == kNeoxTokenizerSha256;
    d.already_present = true;
    return d;
  }
  std::string base = as_url(base_in.empty() ? kNeoxTokenizerUrl : base_in);
  while (!base.empty() && base.back() == '/') base.pop_back();
  fs::path staging = models_dir / "gpt-neox-20b" / ".tokenizer.json.download";
  fs::create_directories(staging.parent_path());
  io::Fetcher fetcher(options);
  std::string last_error;
  bool got = false;
  for (const char* name : {"tokenizer.json", "20B_tokenizer.json"}) {
    try {
      fetcher.fetch(base + "/" + name, staging);
      got = true;
      break;
    } catch (const DownloadError& e) {
      last_error = e.what();
    }
  }
  if (!got) throw DownloadError("could not fetch GPT-NeoX-20B's tokenizer.json: " + last_error, base);
  try {
    verify_neox_tokenizer(staging);
  } catch (...) {
    fs::remove(staging);
    throw;
  }
  d.sha256 = io::file_sha256_hex(staging);
  d.known_bytes = d.sha256 == kNeoxTokenizerSha256;
  io::rename_durable(staging, d.path);
  return d;
}

}  // namespace rpdata::exec
