#include "rpdata/sources/commoncrawl/ccnet_steps.h"

#include <sentencepiece_processor.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "rpdata/core/error.h"
#include "rpdata/quality/model_cache.h"
#include "rpdata/quality/kenlm.h"
#include "rpdata/quality/langid.h"
#include "rpdata/quality/sentencepiece_words.h"
#include "rpdata/text/ccnet_normalize.h"

namespace rpdata::sources::commoncrawl {
namespace fs = std::filesystem;
using quality::shared_model;

std::shared_ptr<const quality::SentencePieceWords> shared_sentencepiece(const fs::path& p) {
  return shared_model<quality::SentencePieceWords>(p, [](const fs::path& path) {
    auto sp = std::make_shared<sentencepiece::SentencePieceProcessor>();
    auto status = sp->Load(path.string());
    if (!status.ok()) throw ConfigError("cannot load SentencePiece model: " + status.ToString(), path.string());
    return std::make_shared<const quality::SentencePieceWords>(std::move(sp));
  });
}

std::shared_ptr<const quality::LanguageModel> shared_kenlm(const fs::path& p) {
  return shared_model<quality::LanguageModel>(p, [](const fs::path& path) {
    return std::make_shared<const quality::LanguageModel>(quality::LanguageModel::load(path));
  });
}

// ---- ccnet_lid ----

CcnetLidStep::CcnetLidStep(CcnetLidOptions options) : options_(std::move(options)) {}

bool CcnetLidStep::keep(Document& doc, std::string& reason) {
  std::call_once(once_, [&] { lid_ = quality::LangId::shared(options_.model); });
  if (doc.text.empty()) {
    reason = "empty";
    return false;
  }
  quality::CcnetLanguage l = quality::ccnet_language(*lid_, doc.text);
  if (l.language.empty() || l.score < options_.threshold) {
    reason = "low_score";
    return false;
  }
  doc.meta.set("language", l.language);
  doc.meta.set("language_score", l.score);
  if (!options_.languages.empty()) {
    bool ok = false;
    for (const auto& lang : options_.languages) ok = ok || lang == l.language;
    if (!ok) {
      reason = "language";
      return false;
    }
  }
  return true;
}

// ---- cutoffs ----

std::map<std::string, std::pair<double, double>> read_cutoffs(const fs::path& csv, int head_percentile,
                                                              int tail_percentile) {
  std::ifstream in(csv);
  if (!in) throw ConfigError("cannot read cutoff csv", csv.string());
  auto split = [](const std::string& line) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    return cells;
  };
  std::string line;
  if (!std::getline(in, line)) throw ConfigError("empty cutoff csv", csv.string());
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::vector<std::string> header = split(line);
  std::map<int, std::vector<std::string>> rows;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto cells = split(line);
    if (cells.size() != header.size()) throw ConfigError("cutoff csv: ragged row '" + line.substr(0, 20) + "'", csv.string());
    try {
      rows[std::stoi(cells[0])] = std::move(cells);
    } catch (const std::exception&) {
      throw ConfigError("cutoff csv: bad percentile '" + cells[0] + "'", csv.string());
    }
  }
  if (!rows.count(head_percentile) || !rows.count(tail_percentile))
    throw ConfigError("cutoff csv has no rows " + std::to_string(head_percentile) + " and " +
                          std::to_string(tail_percentile),
                      csv.string());
  std::map<std::string, std::pair<double, double>> out;
  for (size_t c = 1; c < header.size(); ++c) {
    try {
      out[header[c]] = {std::stod(rows[head_percentile][c]), std::stod(rows[tail_percentile][c])};
    } catch (const std::exception&) {
      throw ConfigError("cutoff csv: bad value in column " + header[c], csv.string());
    }
  }
  return out;
}

// ---- ccnet_perplexity ----

namespace {

bool has_ascii_space(std::string_view s) {
  for (char c : s)
    if (c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r') return true;
  return false;
}

}  // namespace

CcnetDocLm::CcnetDocLm(std::shared_ptr<const quality::SentencePieceWords> sp,
                       std::shared_ptr<const quality::LanguageModel> lm)
    : sp_(std::move(sp)), lm_(std::move(lm)) {
  if (!sp_->fast()) return;  // encode_ids is off: every document takes the joined path
  const int n = sp_->processor().GetPieceSize();
  lm_id_.resize(static_cast<size_t>(n));
  words_.resize(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const std::string& piece = sp_->processor().IdToPiece(i);
    lm_id_[static_cast<size_t>(i)] = has_ascii_space(piece) ? -1 : int64_t{lm_->word_id(piece)};
    words_[static_cast<size_t>(i)] = static_cast<uint32_t>(quality::ccnet_length(piece) - 1);
  }
}

double CcnetDocLm::perplexity(std::string_view raw_content, bool* has_value) const {
  thread_local std::string normalized;
  thread_local quality::SentencePieceWords::PieceIds pieces;
  thread_local std::vector<uint32_t> ids;
  if (lm_id_.empty()) return perplexity_joined(raw_content, has_value);
  text::normalize(raw_content, normalized);
  if (!sp_->encode_ids(normalized, pieces)) return perplexity_joined(raw_content, has_value);
  *has_value = false;
  if (pieces.ids.empty()) return 0;  // DocLM.get_lines: `if not content: return []`
  // No piece holds ASCII whitespace, so " ".join(pieces) is one line whose KenLM tokens are the
  // pieces and whose Python words are the pieces' words.
  ids.clear();
  size_t length = 1;
  for (const int32_t id : pieces.ids) {
    if (id >= 0) {
      const int64_t lm_id = lm_id_[static_cast<size_t>(id)];
      if (lm_id < 0) return perplexity_joined(raw_content, has_value);
      ids.push_back(static_cast<uint32_t>(lm_id));
      length += words_[static_cast<size_t>(id)];
    } else {
      const std::string& unknown = pieces.unknown[static_cast<size_t>(-1 - id)];
      if (has_ascii_space(unknown)) return perplexity_joined(raw_content, has_value);
      ids.push_back(lm_->word_id(unknown));
      length += quality::ccnet_length(unknown) - 1;
    }
  }
  *has_value = true;
  return quality::ccnet_perplexity(static_cast<double>(lm_->score_ids(ids)), length);
}

double CcnetDocLm::perplexity_joined(std::string_view raw_content, bool* has_value) const {
  thread_local std::string normalized;
  thread_local std::string tokenized;
  text::normalize(raw_content, normalized);
  tokenized.clear();
  sp_->encode_joined(normalized, tokenized);  // " ".join(sp.encode_as_pieces(normalized))
  *has_value = false;
  if (tokenized.empty()) return 0;  // DocLM.get_lines: `if not content: return []`
  double score = 0;
  size_t length = 0;
  std::string_view t = tokenized;
  size_t start = 0;
  while (true) {
    size_t nl = t.find('\n', start);
    std::string_view line = t.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    score += static_cast<double>(lm_->score(line));
    length += quality::ccnet_length(line);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  *has_value = true;
  return quality::ccnet_perplexity(score, length);
}

struct CcnetPerplexityStep::Loaded {
  std::unique_ptr<const CcnetDocLm> doc_lm;
};

CcnetPerplexityStep::CcnetPerplexityStep(CcnetPerplexityOptions options) : options_(std::move(options)) {}
CcnetPerplexityStep::~CcnetPerplexityStep() = default;

const CcnetPerplexityStep::Loaded* CcnetPerplexityStep::loaded(const std::string& language) {
  std::lock_guard lock(mu_);
  auto it = loaded_.find(language);
  if (it != loaded_.end()) return it->second.get();
  auto m = options_.models.find(language);
  std::shared_ptr<const Loaded> l;
  if (m != options_.models.end()) {
    auto x = std::make_shared<Loaded>();
    x->doc_lm = std::make_unique<const CcnetDocLm>(shared_sentencepiece(m->second.sp), shared_kenlm(m->second.lm));
    l = std::move(x);
  }
  return (loaded_[language] = l).get();
}

double CcnetPerplexityStep::perplexity(const quality::SentencePieceWords& sp, const quality::LanguageModel& lm,
                                       std::string_view raw_content, bool* has_value) {
  // Non-owning handles: the table is built per call (tests and tools; the step keeps one).
  CcnetDocLm doc_lm(std::shared_ptr<const quality::SentencePieceWords>(&sp, [](const auto*) {}),
                    std::shared_ptr<const quality::LanguageModel>(&lm, [](const auto*) {}));
  return doc_lm.perplexity(raw_content, has_value);
}

bool CcnetPerplexityStep::keep(Document& doc, std::string& reason) {
  std::string language;
  if (const MetaValue* v = doc.meta.find("language"); v && std::holds_alternative<std::string>(*v))
    language = std::get<std::string>(*v);
  std::string bucket = "all";
  const Loaded* l = language.empty() ? nullptr : loaded(language);
  if (l) {
    bool has = false;
    double pp = l->doc_lm->perplexity(doc.text, &has);
    if (has) {
      doc.meta.set("perplexity", pp);
      auto c = options_.cutoffs.find(language);
      if (c != options_.cutoffs.end() && pp >= 0)
        bucket = pp < c->second.first ? "head" : pp < c->second.second ? "middle" : "tail";
    }
  }
  doc.meta.set("bucket", bucket);
  if (bucket == "tail" && options_.drop_tail) {
    reason = "tail";
    return false;
  }
  if (options_.route) {
    std::string route = language.empty() ? std::string("xx") : language;
    for (char& c : route)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) c = '_';  // routes are [a-z0-9_]+
    doc.route = route + "_" + bucket;
  }
  return true;
}

}  // namespace rpdata::sources::commoncrawl
