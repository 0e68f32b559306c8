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

#include "rpdata/core/step.h"
#include "rpdata/quality/cc_classifier.h"
#include "rpdata/quality/model_files.h"

namespace rpdata::quality {

// `model`: the fastText model.bin, loaded when the first document comes. `cc_label`: the
// CommonCrawl label ("__label__cc"); `line_key` ("": none; else the integer meta key that
// gets the document's 0-based position among the documents of its route this step saw, i.e.
// its line in RedPajama's .result file). Drops documents fastText gives no prediction for
// ("no_prediction"; classify.py would crash on them).
class CcClassifierStep final : public Filter {
 public:
  CcClassifierStep(const std::filesystem::path& model, std::string cc_label, std::string line_key);
  std::string_view name() const override { return "cc_classifier"; }

 protected:
  bool keep(Document& doc, std::string& reason) override;

 private:
  LazyModel<FastTextClassifier> model_;
  std::string cc_label_;
  std::string line_key_;
  std::map<std::string, int64_t> lines_;  // per route
};

// Keeps wiki_prob >= threshold (0.25). A document without wiki_prob is dropped, or with
// `pass_unclassified` (a run that skips missing models: the classifier may have had none)
// kept. Reasons: below_threshold, missing_wiki_prob.
class CcClassifierFilter final : public Filter {
 public:
  CcClassifierFilter(double threshold, bool pass_unclassified);
  std::string_view name() const override { return "cc_classifier_filter"; }

 protected:
  bool keep(Document& doc, std::string& reason) override;

 private:
  double threshold_;
  bool pass_unclassified_;
};

// source_prefix ("cc/"), job ("{unit}"; "{unit}" becomes the document id's first
// component (ids are "<unit>/..."), "{route}" the document's route, "{unit:K}" the K-th "_"-separated part of the unit name,
// e.g. "{unit:0}/{route}_{unit:1}.json.gz" for unit 2019-30_0007 -> 2019-30/en_head_0007.json.gz), line_key ("": N = the number after the id's last '/';
// else the integer meta key holding the 0-based line of the .result file).
// Meta becomes exactly {pred_label, pred_label_prob, wiki_prob, source}; a document
// without the classifier's keys is dropped ("not_classified"), or with `pass_unclassified`
// left as it is.
class CcClassifierFormat final : public Filter {
 public:
  CcClassifierFormat(std::string source_prefix, std::string job, std::string line_key, bool pass_unclassified);
  std::string_view name() const override { return "cc_classifier_format"; }

 protected:
  bool keep(Document& doc, std::string& reason) override;

 private:
  std::string source_prefix_, job_, line_key_;
  bool pass_unclassified_;
};

}  // namespace rpdata::quality
