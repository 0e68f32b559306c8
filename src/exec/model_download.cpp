#include "rpdata/exec/model_download.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <vector>

#include "rpdata/core/error.h"
#include "rpdata/download/google_drive.h"
#include "rpdata/download/url.h"
#include "rpdata/exec/runner.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/hash.h"
#include "rpdata/quality/model_checks.h"
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
  std::string base = download::as_url(base_in.empty() ? kNeoxTokenizerUrl : base_in);
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

std::vector<PublishedModel> shared_published_models() {
  const std::string fasttext = "https://dl.fbaipublicfiles.com/fasttext/supervised-models/";
  auto lid = [](const std::filesystem::path& p) { quality::check_fasttext_supervised(p, {"__label__en"}, 176); };
  return {
      {"neox", "gpt-neox-20b/tokenizer.json",
       "GPT-NeoX-20B's tokenizer: RedPajama-Data-1T's token counts and per-token rules",
       {std::string(kNeoxTokenizerUrl) + "/tokenizer.json"}, std::nullopt, "", "Apache-2.0",
       "EleutherAI/gpt-neox-20b on Hugging Face; checked by tokenizing reference strings (copies differ in "
       "layout, not behaviour)",
       verify_neox_tokenizer},
      {"llama", "llama/tokenizer.model", "LLaMA's SentencePiece tokenizer (optional LLaMA token counts)",
       {}, 499723, "9e556afd44213b6bd1be2b850ebbbd98f5481437a8021afaf58ee7fb1818d347", "Meta LLaMA licence",
       "under Meta's licence: the tokenizer.model of LLaMA / Llama 2 (e.g. from an approved meta-llama "
       "repository), then `rpdata models download llama --from FILE`",
       [](const std::filesystem::path& p) { quality::check_sentencepiece(p); }},
      {"lid176", "fasttext/lid.176.bin",
       "fastText language id, 176 languages, the model RedPajama's language ids ran",
       {fasttext + "lid.176.bin"}, std::nullopt, "", "CC BY-SA 3.0",
       "fastText's language identification page", lid},
      {"lid176-ftz", "fasttext/lid.176.ftz",
       "fastText language id, quantized (917 KB; predictions differ slightly from lid.176.bin)",
       {fasttext + "lid.176.ftz"}, 938013, "8f3472cfe8738a7b6099e8e999c3cbfae0dcd15696aac7d7738a8039db603e83",
       "CC BY-SA 3.0", "fastText's language identification page (also bundled in models/)", lid},
  };
}

const std::vector<PublishedModel>& published_models() {
  static const std::vector<PublishedModel> models = [] {
    auto all = shared_published_models();
    for (const auto& m : registries().models) all.push_back(m);
    return all;
  }();
  return models;
}

const PublishedModel* find_published_model(const std::string& name) {
  for (const auto& m : published_models())
    if (m.name == name) return &m;
  return nullptr;
}

const PublishedModel* published_model_for_file(const std::string& file) {
  for (const auto& m : published_models())
    if (m.file == file) return &m;
  return nullptr;
}

void verify_model(const PublishedModel& model, const fs::path& file) {
  std::error_code ec;
  uint64_t size = fs::file_size(file, ec);
  if (ec) throw VerifyError("cannot read the model file", file.string());
  if (model.size && size != *model.size)
    throw VerifyError("has " + std::to_string(size) + " bytes, " + model.name + " has " + std::to_string(*model.size) +
                          (size < *model.size ? " (truncated?)" : ""),
                      file.string());
  if (!model.sha256.empty()) {
    std::string got = io::file_sha256_hex(file);
    if (got != model.sha256)
      throw VerifyError("sha256 " + got + " is not " + model.name + "'s " + model.sha256, file.string());
  }
  if (model.verify) model.verify(file);
}

namespace {
std::string read_head(const fs::path& file, size_t n) {
  std::ifstream in(file, std::ios::binary);
  std::string head(n, '\0');
  in.read(head.data(), static_cast<std::streamsize>(n));
  head.resize(static_cast<size_t>(in.gcount()));
  return head;
}

// One URL into `staging`: Google Drive's confirmation page is followed once; any other HTML
// page is a failure (a mirror's error page served with status 200).
void fetch_one(io::Fetcher& fetcher, const std::string& url, const fs::path& staging) {
  fetcher.fetch(url, staging);
  if (!download::looks_like_html(read_head(staging, 1024))) return;
  std::string html = io::read_file(staging);
  fs::remove(staging);
  auto confirm = download::drive_confirm_url(html, url);
  if (!confirm) throw DownloadError("served an HTML page, not the model", url);
  spdlog::info("models: {} answered with Google Drive's confirmation page; following it", url);
  fetcher.fetch(*confirm, staging);
  if (download::looks_like_html(read_head(staging, 1024))) {
    fs::remove(staging);
    throw DownloadError("Google Drive answered the confirmed request with another HTML page (quota exceeded?)",
                        *confirm);
  }
}
}  // namespace

ModelFetch fetch_model(const PublishedModel& model, const fs::path& models_dir, const std::vector<std::string>& urls_in,
                       const io::FetchOptions& options) {
  ModelFetch f;
  f.path = models_dir / model.file;
  if (fs::exists(f.path)) {
    try {
      verify_model(model, f.path);
      f.sha256 = model.sha256.empty() ? io::file_sha256_hex(f.path) : model.sha256;  // a pin was just checked
      f.already_present = true;
      return f;
    } catch (const VerifyError& e) {
      spdlog::warn("models: {} is present but unusable ({}); fetching it again", f.path.string(), e.message());
    }
  }
  const std::vector<std::string>& urls = urls_in.empty() ? model.urls : urls_in;
  if (urls.empty()) throw ConfigError(model.name + " is not downloadable: " + model.how, f.path.string());
  fs::path staging = f.path.parent_path() / ("." + f.path.filename().string() + ".download");
  fs::create_directories(staging.parent_path());
  io::Fetcher fetcher(options);
  std::string failures;
  for (const auto& url_in : urls) {
    std::string url = download::as_url(url_in);
    try {
      fetch_one(fetcher, url, staging);
      verify_model(model, staging);
      f.sha256 = model.sha256.empty() ? io::file_sha256_hex(staging) : model.sha256;
      f.url = url;
      io::rename_durable(staging, f.path);
      return f;
    } catch (const Error& e) {
      // A complete but wrong file is not resumed from: the next URL starts afresh.
      std::error_code ec;
      fs::remove(staging, ec);
      spdlog::warn("models: {} from {}: {}", model.name, url, e.message());
      failures += "\n  " + url + ": " + e.message();
    }
  }
  throw DownloadError("could not fetch a verified " + model.name + " from any of its URLs:" + failures, f.path.string());
}

}  // namespace rpdata::exec
