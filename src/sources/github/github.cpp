#include "rpdata/sources/github/github.h"

#include "rpdata/io/hash.h"
#include "rpdata/text/python_unicode.h"

namespace rpdata::sources::github {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

const MetaValue* meta_number(const Document& doc, std::string_view key) {
  const MetaValue* v = doc.meta.find(key);
  if (v && (std::holds_alternative<int64_t>(*v) || std::holds_alternative<double>(*v))) return v;
  return nullptr;
}

double as_double(const MetaValue& v) {
  return std::holds_alternative<int64_t>(v) ? static_cast<double>(std::get<int64_t>(v)) : std::get<double>(v);
}

}  // namespace

bool CleanStep::license_ok(const Document& doc) const {
  const MetaValue* v = doc.meta.find("license");
  const std::string* l = v ? std::get_if<std::string>(v) : nullptr;
  if (!l) return false;
  for (const auto& p : license_prefixes_)
    if (l->compare(0, p.size(), p) == 0) return true;
  return false;
}

CleanStep::CleanStep(const Params& params)
    : compat_copyright_(params.get_bool("compat_copyright")),
      compat_license_path_(params.get_bool("compat_license_path")),
      dedup_within_unit_(params.get_bool("dedup_within_unit")),
      license_prefixes_(params.get_strings("license_prefixes")) {}

void CleanStep::process(Batch& batch) {
  size_t out = 0;
  for (size_t i = 0; i < batch.docs.size(); ++i) {
    Document& doc = batch.docs[i];
    const MetaValue* pv = doc.meta.find("path");
    const std::string* path = pv ? std::get_if<std::string>(pv) : nullptr;
    const char* reason = nullptr;
    std::string digest;
    if (!path) {
      reason = "missing_path";
    } else if (!license_prefixes_.empty() && !license_ok(doc)) {
      reason = "license";
    } else if (skipped_path(*path, compat_license_path_)) {
      reason = ends_with(*path, ".crt") ? "crt" : "license_file";
    } else {
      digest = io::md5_hex(doc.text);
      if (dedup_within_unit_ && !seen_.insert(digest).second) reason = "duplicate_in_unit";
    }
    if (reason) {
      ++batch.drops[std::string("github_clean:") + reason];
      continue;
    }
    const CopyrightCut cut = compat_copyright_ ? copyright_cut_rp_v1(doc.text) : copyright_cut_fixed(doc.text);
    doc.text.erase(cut.begin, cut.end - cut.begin);  // in place: most files lose nothing or a header
    text::PythonTextStats st = text::python_text_stats(doc.text);
    Meta meta;
    meta.set("content_hash", std::move(digest));
    meta.set("timestamp", std::string());
    meta.set("source", std::string("github"));
    meta.set("line_count", st.line_count);
    meta.set("max_line_length", st.max_line_length);
    if (st.line_count == 0) {  // get_filecontent_stats returns int 0 for both
      meta.set("avg_line_length", int64_t{0});
      meta.set("alnum_prop", int64_t{0});
    } else {
      meta.set("avg_line_length", static_cast<double>(st.length) / static_cast<double>(st.line_count));
      meta.set("alnum_prop", static_cast<double>(st.alnum) / static_cast<double>(st.length));
    }
    for (auto& [k, v] : doc.meta.entries()) meta.set(k, std::move(v));  // {**result without content}
    doc.meta = std::move(meta);
    if (out != i) batch.docs[out] = std::move(doc);
    ++out;
  }
  batch.docs.resize(out);
}

FilterStep::FilterStep(const Params& params, quality::LazyModel<tokenize::TokenizerModel> model)
    : max_line_length_(params.get_int("max_line_length")),
      max_avg_line_length_(params.get_double("max_avg_line_length")),
      min_alnum_prop_(params.get_double("min_alnum_prop")),
      min_alpha_per_token_(params.get_double("min_alpha_per_token")),
      model_(std::move(model)) {}

bool FilterStep::keep(Document& doc, std::string& reason) {
  if (doc.text.empty()) {
    reason = "empty";
    return false;
  }
  const MetaValue* pv = doc.meta.find("path");
  const std::string* path = pv ? std::get_if<std::string>(pv) : nullptr;
  if (!path || !whitelisted_path(*path)) {
    reason = "extension";
    return false;
  }
  // The stats github_clean wrote (the filter reads meta, as github_run_filter.py does);
  // computed here when absent.
  const MetaValue* mx = meta_number(doc, "max_line_length");
  const MetaValue* avg = meta_number(doc, "avg_line_length");
  const MetaValue* aln = meta_number(doc, "alnum_prop");
  text::PythonTextStats st;
  bool have_stats = false;
  if (!mx || !avg || !aln) {
    st = text::python_text_stats(doc.text);
    have_stats = true;
  }
  double max_len = mx ? as_double(*mx) : static_cast<double>(st.max_line_length);
  double avg_len = avg ? as_double(*avg) : static_cast<double>(st.length) / static_cast<double>(st.line_count);
  double alnum = aln ? as_double(*aln) : static_cast<double>(st.alnum) / static_cast<double>(st.length);
  if (max_len > static_cast<double>(max_line_length_)) {
    reason = "max_line_length";
    return false;
  }
  if (avg_len > max_avg_line_length_) {
    reason = "avg_line_length";
    return false;
  }
  if (alnum < min_alnum_prop_) {
    reason = "alnum_prop";
    return false;
  }
  if (model_ && !tokenizer_) tokenizer_ = model_.get()->make_tokenizer();
  if (tokenizer_) {
    int64_t tokens = tokenizer_->count(doc.text);
    if (!have_stats) st = text::python_text_stats(doc.text);
    if (tokens > 0 && static_cast<double>(st.alpha) / static_cast<double>(tokens) < min_alpha_per_token_) {
      reason = "alpha_per_token";
      return false;
    }
  }
  return true;
}

}  // namespace rpdata::sources::github
