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
  explicit LanguageStep(const fs::path& model) : lid_([model] { return quality::LangId::shared(model); }) {}
  std::string_view name() const override { return "arxiv_language"; }
  void process(Batch& batch) override {
    const quality::LangId& lid = *lid_.get();
    for (auto& d : batch.docs) {
      auto top = lid.predict(quality::lid_text_arxiv(d.text), 1);
      d.meta.set("language", top.empty() ? std::string("unknown") : top[0].label);
    }
  }

 private:
  quality::LazyModel<quality::LangId> lid_;
};

}  // namespace

std::unique_ptr<Step> make_language_step(const Params& p, const ModelLookup& models) {
  std::string model = p.get_string("model");
  fs::path path = models.find("[[steps]] arxiv_language", model.empty() ? quality::lid176_files() : std::vector{model});
  if (path.empty()) return quality::skipped_step("arxiv_language");  // the reader's "unknown" stays
  return std::make_unique<LanguageStep>(path);
}

}  // namespace rpdata::sources::arxiv
