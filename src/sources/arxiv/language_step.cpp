// The `arxiv_language` step: RedPajama's create_record language (utils.py predict_lang, k=1).
#include <cstdlib>
#include <memory>

#include "rpdata/core/error.h"
#include "rpdata/quality/langid.h"
#include "rpdata/sources/arxiv/arxiv.h"

namespace rpdata::sources::arxiv {
namespace fs = std::filesystem;

namespace {

class LanguageStep final : public Step {
 public:
  explicit LanguageStep(std::shared_ptr<const quality::LangId> lid) : lid_(std::move(lid)) {}
  std::string_view name() const override { return "arxiv_language"; }
  void process(Batch& batch) override {
    if (!lid_) return;  // no model and not required: "unknown" stays
    for (auto& d : batch.docs) {
      auto top = lid_->predict(quality::lid_text_arxiv(d.text), 1);
      d.meta.set("language", top.empty() ? std::string("unknown") : top[0].label);
    }
  }

 private:
  std::shared_ptr<const quality::LangId> lid_;
};

}  // namespace

fs::path find_lid_model() {
  std::vector<fs::path> dirs;
  if (const char* m = std::getenv("RPDATA_MODELS"); m && *m) dirs.emplace_back(m);
  if (const char* h = std::getenv("HOME"); h && *h) dirs.push_back(fs::path(h) / ".cache/rpdata/models");
  for (const auto& d : dirs)
    for (const char* f : {"fasttext/lid.176.bin", "fasttext/lid.176.ftz"}) {
      std::error_code ec;
      if (fs::is_regular_file(d / f, ec)) return d / f;
    }
  return {};
}

std::unique_ptr<Step> make_language_step(const Params& p) {
  std::string model = p.get_string("model", "");
  bool require = p.get_bool("require_model", true);
  fs::path path = model.empty() ? find_lid_model() : fs::path(model);
  if (path.empty()) {
    if (require)
      throw ConfigError(
          "arxiv_language: no fastText lid.176 model (looked for fasttext/lid.176.bin and lid.176.ftz under "
          "$RPDATA_MODELS and ~/.cache/rpdata/models); give model = \"PATH\" or set require_model = false");
    return std::make_unique<LanguageStep>(nullptr);
  }
  return std::make_unique<LanguageStep>(quality::LangId::shared(path));
}

}  // namespace rpdata::sources::arxiv
