#include "rpdata/quality/cc_classifier_steps.h"

#include "rpdata/core/error.h"

namespace rpdata::quality {

CcClassifierStep::CcClassifierStep(const std::filesystem::path& model, std::string cc_label, std::string line_key)
    : model_([model] { return FastTextClassifier::shared(model); }),
      cc_label_(std::move(cc_label)),
      line_key_(std::move(line_key)) {}

bool CcClassifierStep::keep(Document& doc, std::string& reason) {
  // classify.py enumerates the lines of each deduplicated file (one per route here) before
  // the threshold: the record's line number counts every document this step sees.
  if (!line_key_.empty()) doc.meta.set(line_key_, lines_[doc.route]++);
  WikiScore s = score_document(*model_.get(), doc.text, cc_label_);
  if (s.pred_label.empty()) {
    reason = "no_prediction";
    return false;
  }
  doc.meta.set("pred_label", s.pred_label);
  doc.meta.set("pred_label_prob", s.pred_label_prob);
  doc.meta.set("wiki_prob", s.wiki_prob);
  return true;
}

CcClassifierFilter::CcClassifierFilter(double threshold, bool pass_unclassified)
    : threshold_(threshold), pass_unclassified_(pass_unclassified) {}

bool CcClassifierFilter::keep(Document& doc, std::string& reason) {
  const MetaValue* v = doc.meta.find("wiki_prob");
  if (!v && pass_unclassified_) return true;  // the classifier may have had no model
  if (!v || !std::holds_alternative<double>(*v)) {
    reason = "missing_wiki_prob";
    return false;
  }
  // jq 'select(.wiki_prob >= 0.25)': a double comparison.
  if (!(std::get<double>(*v) >= threshold_)) {
    reason = "below_threshold";
    return false;
  }
  return true;
}

CcClassifierFormat::CcClassifierFormat(std::string source_prefix, std::string job, std::string line_key,
                                       bool pass_unclassified)
    : source_prefix_(std::move(source_prefix)),
      job_(std::move(job)),
      line_key_(std::move(line_key)),
      pass_unclassified_(pass_unclassified) {}

bool CcClassifierFormat::keep(Document& doc, std::string& reason) {
  const MetaValue* label = doc.meta.find("pred_label");
  const MetaValue* prob = doc.meta.find("pred_label_prob");
  const MetaValue* wiki = doc.meta.find("wiki_prob");
  if (!label && !prob && !wiki && pass_unclassified_) return true;  // the classifier may have had no model
  if (!label || !prob || !wiki) {
    reason = "not_classified";
    return false;
  }
  size_t slash = doc.id.rfind('/');
  std::string unit = doc.id.substr(0, doc.id.find('/'));  // ids are "<unit>/..."
  std::string line = slash == std::string::npos ? doc.id : doc.id.substr(slash + 1);
  if (!line_key_.empty()) {
    const MetaValue* v = doc.meta.find(line_key_);
    if (!v || !std::holds_alternative<int64_t>(*v)) {
      reason = "missing_line";
      return false;
    }
    line = std::to_string(std::get<int64_t>(*v));
  }
  std::vector<std::pair<std::string, std::string>> vars = {{"{unit}", unit}, {"{route}", doc.route}};
  size_t from = 0;
  for (int k = 0; k < 10; ++k) {  // {unit:K}: the K-th '_'-separated part of the unit name
    size_t end = unit.find('_', from);
    vars.push_back({"{unit:" + std::to_string(k) + "}", from > unit.size() ? "" : unit.substr(from, end - from)});
    from = end == std::string::npos ? unit.size() + 1 : end + 1;
  }
  std::string job = job_;
  for (const auto& [name, value] : vars)
    for (size_t at = job.find(name); at != std::string::npos; at = job.find(name, at + value.size()))
      job.replace(at, name.size(), value);
  Meta out;
  out.set("pred_label", *label);
  out.set("pred_label_prob", *prob);
  out.set("wiki_prob", *wiki);
  out.set("source", source_prefix_ + job + "/line" + line);
  doc.meta = std::move(out);
  return true;
}

}  // namespace rpdata::quality
