// Pipeline steps of RedPajama's CC quality classifier (spec §1.7), tag first, filter later:
//   cc_classifier         classify.py: meta pred_label, pred_label_prob, wiki_prob
//   cc_classifier_filter  cc_classifier.sh: keep wiki_prob >= threshold (0.25)
//   cc_classifier_format  the published record {pred_label, pred_label_prob, wiki_prob, text,
//                         source: "cc/<job>/line<N>"} (write with layout flat_text_before_last)
#pragma once

#include <memory>
#include <string>

#include "rpdata/core/params.h"
#include "rpdata/core/step.h"
#include "rpdata/quality/cc_classifier.h"

namespace rpdata::quality {

// Params: model (path, required), cc_label ("__label__cc"). Drops documents fastText gives
// no prediction for ("no_prediction"; classify.py would crash on them).
class CcClassifierStep final : public Filter {
 public:
  explicit CcClassifierStep(const Params& p);
  std::string_view name() const override { return "cc_classifier"; }

 protected:
  bool keep(Document& doc, std::string& reason) override;

 private:
  std::shared_ptr<const FastTextClassifier> model_;
  std::string cc_label_;
};

// Params: threshold (0.25). Reasons: below_threshold, missing_wiki_prob.
class CcClassifierFilter final : public Filter {
 public:
  explicit CcClassifierFilter(const Params& p);
  std::string_view name() const override { return "cc_classifier_filter"; }

 protected:
  bool keep(Document& doc, std::string& reason) override;

 private:
  double threshold_;
};

// Params: source_prefix ("cc/"), job ("{unit}": the document id without its last
// "/<n>"; "{unit}" is replaced), line_key ("": N = the number after the id's last '/';
// else the integer meta key holding the 0-based line of the .result file).
// Meta becomes exactly {pred_label, pred_label_prob, wiki_prob, source}; a document
// without the classifier's keys is dropped ("not_classified").
class CcClassifierFormat final : public Filter {
 public:
  explicit CcClassifierFormat(const Params& p);
  std::string_view name() const override { return "cc_classifier_format"; }

 protected:
  bool keep(Document& doc, std::string& reason) override;

 private:
  std::string source_prefix_, job_, line_key_;
};

}  // namespace rpdata::quality
