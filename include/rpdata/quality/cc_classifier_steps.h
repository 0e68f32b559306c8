// Pipeline steps of RedPajama's CC quality classifier (spec §1.7), tag first, filter later:
//   cc_classifier         classify.py: meta pred_label, pred_label_prob, wiki_prob
//   cc_classifier_filter  cc_classifier.sh: keep wiki_prob >= threshold (0.25)
//   cc_classifier_format  the published record {pred_label, pred_label_prob, wiki_prob, text,
//                         source: "cc/<job>/line<N>"} (write with layout flat_text_before_last)
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "rpdata/core/params.h"
#include "rpdata/core/step.h"
#include "rpdata/quality/cc_classifier.h"

namespace rpdata::quality {

// Params: cc_label ("__label__cc"), line_key ("": none; else the integer meta key that gets
// the document's 0-based position among the documents of its route this step saw, i.e. its
// line in RedPajama's .result file); `model` is resolved by the caller. Drops documents
// fastText gives no prediction for ("no_prediction"; classify.py would crash on them).
class CcClassifierStep final : public Filter {
 public:
  CcClassifierStep(const Params& p, const std::filesystem::path& model);
  std::string_view name() const override { return "cc_classifier"; }

 protected:
  bool keep(Document& doc, std::string& reason) override;

 private:
  std::shared_ptr<const FastTextClassifier> model_;
  std::string cc_label_;
  std::string line_key_;
  std::map<std::string, int64_t> lines_;  // per route
};

// Params: threshold (0.25), optional (false: documents without wiki_prob are dropped; true:
// kept, for recipes whose cc_classifier is optional and had no model). Reasons:
// below_threshold, missing_wiki_prob.
class CcClassifierFilter final : public Filter {
 public:
  explicit CcClassifierFilter(const Params& p);
  std::string_view name() const override { return "cc_classifier_filter"; }

 protected:
  bool keep(Document& doc, std::string& reason) override;

 private:
  double threshold_;
  bool optional_;
};

// Params: source_prefix ("cc/"), job ("{unit}"; "{unit}" becomes the document id's first
// component (ids are "<unit>/..."), "{route}" the document's route, e.g. "2019-30/{route}_{unit}.json.gz"), line_key ("": N = the number after the id's last '/';
// else the integer meta key holding the 0-based line of the .result file).
// Meta becomes exactly {pred_label, pred_label_prob, wiki_prob, source}; a document
// without the classifier's keys is dropped ("not_classified"), or with optional = true left
// as it is.
class CcClassifierFormat final : public Filter {
 public:
  explicit CcClassifierFormat(const Params& p);
  std::string_view name() const override { return "cc_classifier_format"; }

 protected:
  bool keep(Document& doc, std::string& reason) override;

 private:
  std::string source_prefix_, job_, line_key_;
  bool optional_;
};

}  // namespace rpdata::quality
