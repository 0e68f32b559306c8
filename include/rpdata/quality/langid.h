// fastText language identification as cc_net's split_by_lang.py runs it (CCN, spec 1.5) and as
// RedPajama's arXiv step runs it (RP:data_prep/arxiv/utils.py predict_lang), through Debian's
// libfasttext with lid.176.bin (faithful) or lid.176.ftz. Probabilities are fastText's float32
// exactly as its predictLine() returns them (what Python's model.predict() sees).
// predict() builds fastText's input ids itself (memoising each distinct word's ids, taken from
// fastText's own Dictionary; an unknown word's n-gram ids computed as computeSubwords does) and,
// for a quantized model, runs libfasttext's Model::predict over input rows decoded once by
// libfasttext: bit-identical to predictLine and several times faster. RPDATA_LANGID=libfasttext
// (or =memo: ids memo from the Dictionary API only + FastText::predict) picks a slower path.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fasttext {
class FastText;
}  // namespace fasttext

namespace rpdata::quality {

class FasttextLineIds;
class FasttextDenseModel;

struct LangPrediction {
  std::string label;  // without fastText's "__label__" prefix, e.g. "en"
  float prob = 0;     // fastText's float32 probability
};

// cc_net: doc["raw_content"].replace("\n", "") — the lines are glued with no separator.
std::string lid_text_ccnet(std::string_view raw_content);
// RedPajama arXiv: text.lower() (Python full Unicode lowercase), then '\n' and '\t' -> ' '.
std::string lid_text_arxiv(std::string_view text);

// cc_net's kept language_score: numpy round(2) of the float64 holding fastText's float32,
// which for float32 inputs equals Python round(float(prob), 2) (correctly rounded, exact ties
// such as 0.125 to even). RedPajama drops a document when this is < 0.5.
double round_score(float prob);

class LangId {
 public:
  // Loads a fastText model; throws ConfigError naming the path if it is missing or not a
  // fastText model. Prefer shared(): a model is large and predict() is thread-safe.
  // How predict() runs: `fast` = memoised ids (unknown words' n-grams hashed here) + decoded
  // rows (dense models: + FastText::predict), `memo` = memoised ids from the Dictionary API +
  // FastText::predict, `libfasttext` = FastText::predictLine. All three
  // give the same bits; the one-argument constructor reads RPDATA_LANGID (default fast).
  enum class Mode { fast, memo, libfasttext };
  explicit LangId(const std::filesystem::path& model_path);
  LangId(const std::filesystem::path& model_path, Mode mode);
  ~LangId();
  LangId(const LangId&) = delete;
  LangId& operator=(const LangId&) = delete;

  // One model per canonical path, loaded on first use and kept for the process lifetime
  // (thread-safe; a failed load throws and is retried by the next call).
  static std::shared_ptr<const LangId> shared(const std::filesystem::path& model_path);

  // Top-k labels, best first (fastText's order), with prob >= threshold, exactly as Python's
  // model.predict(text, k) (which appends "\n", i.e. the EOS token "</s>"): tokens split on
  // ASCII whitespace and NUL. A '\n' inside `text` would end fastText's line early, so pass
  // text through lid_text_ccnet()/lid_text_arxiv() first. Thread-safe.
  // Runs mode()'s path.
  std::vector<LangPrediction> predict(std::string_view text, int k = 1, float threshold = 0.0f) const;

  // The same through libfasttext's FastText::predictLine on an istream (the reference the fast
  // path is tested against; for benchmarks and fallback).
  std::vector<LangPrediction> predict_libfasttext(std::string_view text, int k = 1,
                                                  float threshold = 0.0f) const;

  const std::filesystem::path& path() const { return path_; }
  bool quantized() const;
  Mode mode() const { return mode_; }
  bool fast_path() const { return mode_ != Mode::libfasttext; }
  bool decoded_rows() const { return dense_ != nullptr; }  // Mode::fast on a quantized model

 private:
  std::vector<LangPrediction> predict_fast(std::string_view text, int k, float threshold) const;
  std::string strip_prefix(const std::string& label) const;

  std::filesystem::path path_;
  std::unique_ptr<fasttext::FastText> model_;
  std::unique_ptr<FasttextLineIds> line_ids_;
  std::unique_ptr<FasttextDenseModel> dense_;  // Mode::fast on a quantized model
  std::string label_prefix_;
  std::vector<std::string> labels_;  // by label id, prefix stripped
  Mode mode_ = Mode::fast;
};

// cc_net split_by_lang Classifier.do with top=1: the top-1 prediction on
// lid_text_ccnet(raw_content), score rounded. cc_net drops documents with empty raw_content
// (language stays empty here) and, with threshold 0.5, those whose rounded score is < 0.5.
struct CcnetLanguage {
  std::string language;   // empty for empty raw_content
  double score = 0;       // round_score(prob)
};
CcnetLanguage ccnet_language(const LangId& lid, std::string_view raw_content);

}  // namespace rpdata::quality
