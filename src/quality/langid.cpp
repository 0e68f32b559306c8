#include "rpdata/quality/langid.h"

#include <fasttext/fasttext.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <streambuf>
#include <istream>

#include "fasttext_line.h"
#include "rpdata/quality/model_cache.h"
#include "fasttext_dense.h"
#include "fasttext_line_ids.h"
#include "rpdata/core/error.h"
#include "rpdata/text/ccnet_normalize.h"

namespace rpdata::quality {

std::string lid_text_ccnet(std::string_view raw_content) {
  std::string out;
  out.reserve(raw_content.size());
  for (size_t at = 0; at < raw_content.size();) {
    size_t nl = raw_content.find('\n', at);
    if (nl == std::string_view::npos) nl = raw_content.size();
    out.append(raw_content.substr(at, nl - at));
    at = nl + 1;
  }
  return out;
}

std::string lid_text_arxiv(std::string_view text) {
  std::string out = text::python_lower(text);
  for (char& c : out)
    if (c == '\n' || c == '\t') c = ' ';
  return out;
}

double round_score(float prob) {
  // cc_net: scores.round(2, out=scores) on numpy float64, i.e. rint(x * 100.0) / 100.0 with
  // ties to even. x is a float32 (24-bit significand) so x * 100 is exact in a double, rint
  // sees the exact value, and the division is correctly rounded: the result equals Python's
  // round(x, 2) for every float32 (checked exhaustively in [0, 1] by the unit test).
  return std::nearbyint(static_cast<double>(prob) * 100.0) / 100.0;
}

namespace {
LangId::Mode mode_from_env() {
  const char* env = std::getenv("RPDATA_LANGID");
  const std::string_view v = env ? env : "";
  if (v == "libfasttext") return LangId::Mode::libfasttext;
  if (v == "memo") return LangId::Mode::memo;
  return LangId::Mode::fast;
}
// Decoded input rows of a quantized model are kept up to this size (lid.176.ftz: ~8 MB).
constexpr size_t kMaxDecodedBytes = size_t{512} << 20;
}  // namespace

LangId::LangId(const std::filesystem::path& model_path) : LangId(model_path, mode_from_env()) {}

LangId::LangId(const std::filesystem::path& model_path, Mode mode)
    : path_(model_path), model_(std::make_unique<fasttext::FastText>()), mode_(mode) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(model_path, ec))
    throw ConfigError("fastText model not found", model_path.string());
  try {
    model_->loadModel(model_path.string());
  } catch (const std::exception& e) {
    throw ConfigError(std::string("cannot load fastText model: ") + e.what(), model_path.string());
  }
  label_prefix_ = model_->getArgs().label;
  const auto dict = model_->getDictionary();
  for (int32_t i = 0; i < dict->nlabels(); ++i) labels_.push_back(strip_prefix(dict->getLabel(i)));
  if (mode_ == Mode::libfasttext) return;
  try {
    line_ids_ = std::make_unique<FasttextLineIds>(*model_, /*own_hashing=*/mode_ == Mode::fast);
    if (mode_ == Mode::fast)
      dense_ = FasttextDenseModel::make(*model_, line_ids_->input_rows(), kMaxDecodedBytes, nullptr);
  } catch (const std::exception&) {
    // A dictionary the fast path cannot read (never seen with fastText 0.9.2 models): the
    // reference path still works.
    line_ids_.reset();
    dense_.reset();
    mode_ = Mode::libfasttext;
  }
}

LangId::~LangId() = default;

bool LangId::quantized() const { return model_->isQuant(); }

std::shared_ptr<const LangId> LangId::shared(const std::filesystem::path& model_path) {
  return shared_model<LangId>(model_path, [](const auto& p) { return std::make_shared<const LangId>(p); });
}

std::string LangId::strip_prefix(const std::string& label) const {
  return label.rfind(label_prefix_, 0) == 0 ? label.substr(label_prefix_.size()) : label;
}

std::vector<LangPrediction> LangId::predict(std::string_view text, int k, float threshold) const {
  return mode_ == Mode::libfasttext ? predict_libfasttext(text, k, threshold) : predict_fast(text, k, threshold);
}

std::vector<LangPrediction> LangId::predict_fast(std::string_view text, int k, float threshold) const {
  // FastText::predictLine is: getLine(in, words, labels); predict(k, words, ...); then
  // (std::exp(score), getLabel(id)) per prediction. Same ids -> same floats.
  thread_local std::vector<int32_t> ids;
  thread_local fasttext::Predictions scores;
  line_ids_->line_ids(text, ids);
  scores.clear();
  if (dense_) dense_->predict(ids, k, threshold, scores);
  else model_->predict(k, ids, scores, threshold);
  std::vector<LangPrediction> out;
  out.reserve(scores.size());
  for (const auto& [score, id] : scores) {
    LangPrediction p;
    p.prob = std::exp(score);  // float exp, as predictLine
    p.label = labels_.at(static_cast<size_t>(id));
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<LangPrediction> LangId::predict_libfasttext(std::string_view text, int k, float threshold) const {
  LineBuf buf(text);
  std::istream in(&buf);
  std::vector<std::pair<fasttext::real, std::string>> raw;
  model_->predictLine(in, raw, k, threshold);
  std::vector<LangPrediction> out;
  out.reserve(raw.size());
  for (auto& [prob, label] : raw) {
    LangPrediction p;
    p.prob = prob;
    p.label = strip_prefix(label);
    out.push_back(std::move(p));
  }
  return out;
}

CcnetLanguage ccnet_language(const LangId& lid, std::string_view raw_content) {
  CcnetLanguage r;
  if (raw_content.empty()) return r;  // cc_net: `if not text: return None`
  auto preds = lid.predict(lid_text_ccnet(raw_content), 1);
  if (preds.empty()) return r;
  r.language = preds[0].label;
  r.score = round_score(preds[0].prob);
  return r;
}

}  // namespace rpdata::quality
