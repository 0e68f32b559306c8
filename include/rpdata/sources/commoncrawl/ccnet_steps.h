// cc_net's mining steps after dedup, as RedPajama ran them (CCN:mine.py pipeline
// dedup, lid, keep_lang, sp, lm, pp_bucket, drop; spec §1.5): `ccnet_lid` (split_by_lang
// Classifier + keep_lang) and `ccnet_perplexity` (MultiSentencePiece + DocLM + PerplexityBucket,
// tail dropped as RedPajama keeps head and middle). Model files are resolved by the caller
// (exec/step_list.cpp); they load lazily on first use and are shared process-wide.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "rpdata/core/step.h"

namespace rpdata::quality {
class LangId;
class LanguageModel;
class SentencePieceWords;
}  // namespace rpdata::quality
namespace sentencepiece {
class SentencePieceProcessor;
}

namespace rpdata::sources::commoncrawl {

struct CcnetLidOptions {
  std::filesystem::path model;          // lid.176.bin (faithful) or lid.176.ftz
  double threshold = 0.5;               // mine.Config.lang_threshold, on the rounded score
  std::vector<std::string> languages;   // lang_whitelist; empty keeps every language
};

// Sets meta language (fastText label) and language_score (rounded to 2 decimals) from the
// newline-glued text. Drops: ccnet_lid:empty (no text), ccnet_lid:low_score (< threshold),
// ccnet_lid:language (not in `languages`).
class CcnetLidStep final : public Filter {
 public:
  explicit CcnetLidStep(CcnetLidOptions options);
  std::string_view name() const override { return "ccnet_lid"; }

 private:
  bool keep(Document& doc, std::string& reason) override;
  CcnetLidOptions options_;
  std::once_flag once_;
  std::shared_ptr<const quality::LangId> lid_;
};

// cc_net's cutoff.csv (first column = percentile 0..100, one column per language): the
// (head, tail) cutoffs = rows `head_percentile` and `tail_percentile` for every language.
std::map<std::string, std::pair<double, double>> read_cutoffs(const std::filesystem::path& csv,
                                                              int head_percentile = 30, int tail_percentile = 60);

struct CcnetPerplexityOptions {
  struct Models {
    std::filesystem::path sp;  // <lang>.sp.model
    std::filesystem::path lm;  // <lang>.arpa.bin (or ARPA / probing / trie)
  };
  std::map<std::string, Models> models;                          // by language
  std::map<std::string, std::pair<double, double>> cutoffs;      // by language: head, tail
  bool drop_tail = true;   // RedPajama keeps en_head and en_middle only
  bool route = true;       // Document::route = "<language>_<bucket>"
};

// cc_net's DocLM for one language (CCN:cc_net/perplexity.py): a SentencePiece model and its
// KenLM model, with each piece's KenLM vocabulary id and Python word count computed once, so a
// document's pieces reach KenLM as ids (no joined string to split and hash again). A document
// with a piece holding ASCII whitespace (which would split KenLM tokens or lines) takes the
// joined-string path, which is cc_net's code read literally; both give the same bits.
class CcnetDocLm {
 public:
  CcnetDocLm(std::shared_ptr<const quality::SentencePieceWords> sp, std::shared_ptr<const quality::LanguageModel> lm);
  // cc_net's perplexity of `raw_content`; *has_value = false when it has no pieces.
  double perplexity(std::string_view raw_content, bool* has_value) const;
  // The same through " ".join(pieces) split into lines and tokens, as cc_net does.
  double perplexity_joined(std::string_view raw_content, bool* has_value) const;

 private:
  std::shared_ptr<const quality::SentencePieceWords> sp_;
  std::shared_ptr<const quality::LanguageModel> lm_;
  std::vector<int64_t> lm_id_;     // by piece id: KenLM id, or -1 if the piece holds ASCII whitespace
  std::vector<uint32_t> words_;    // by piece id: len(piece.split())
};

// cc_net: tokenized = " ".join(sp.encode_as_pieces(normalize(raw_content))); per '\n'-line of
// it, log10 score = KenLM score (bos, eos) and length = len(line.split()) + 1; perplexity =
// round(10 ** (-sum score / sum length), 1). Bucket: head if pp < cutoff(head), middle if
// pp < cutoff(tail), else tail; "all" without a model or cutoffs for the language (no
// perplexity then). Sets meta perplexity, bucket; drops ccnet_perplexity:tail when drop_tail.
class CcnetPerplexityStep final : public Filter {
 public:
  explicit CcnetPerplexityStep(CcnetPerplexityOptions options);
  ~CcnetPerplexityStep() override;
  std::string_view name() const override { return "ccnet_perplexity"; }

  // The perplexity cc_net computes for `raw_content` with these models (no bucket).
  // SentencePiece runs through quality::SentencePieceWords (exactly Encode's pieces, faster).
  static double perplexity(const quality::SentencePieceWords& sp, const quality::LanguageModel& lm,
                           std::string_view raw_content, bool* has_value);

 private:
  bool keep(Document& doc, std::string& reason) override;
  struct Loaded;
  const Loaded* loaded(const std::string& language);
  CcnetPerplexityOptions options_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const Loaded>> loaded_;
};

// Process-wide shared model loaders (one instance per canonical path); the SentencePiece model
// comes wrapped in its word-cached encoder (->processor() is libsentencepiece's).
std::shared_ptr<const quality::SentencePieceWords> shared_sentencepiece(const std::filesystem::path& p);
std::shared_ptr<const quality::LanguageModel> shared_kenlm(const std::filesystem::path& p);

}  // namespace rpdata::sources::commoncrawl
