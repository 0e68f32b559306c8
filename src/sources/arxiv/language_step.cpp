// The `arxiv_language` step: RedPajama's create_record language (utils.py predict_lang, k=1).
#include <cstdlib>
#include <memory>

#include "rpdata/core/error.h"
#include "rpdata/quality/langid.h"
#include "rpdata/quality/model_files.h"
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

std::unique_ptr<Step> make_language_step(const Params& p) {
  std::string model = p.get_string("model");
  bool require = p.get_bool("require_model");
  fs::path path = model.empty() ? quality::find_lid176() : fs::path(model);
  if (path.empty()) {
    if (require)
      throw ConfigError(
          "arxiv_language: no fastText lid.176 model (looked for fasttext/lid.176.bin and lid.176.ftz under " +
          quality::model_dirs_text() + "); give model = \"PATH\" or set require_model = false");
    return std::make_unique<LanguageStep>(nullptr);
  }
  return std::make_unique<LanguageStep>(quality::LangId::shared(path));
}

}  // namespace rpdata::sources::arxiv
