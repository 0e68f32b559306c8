// LLaMA token counts through libsentencepiece (the reference implementation itself):
// encode(text) with no BOS/EOS, as SOURCES.md's llama reference cases were made.
#include <sentencepiece_processor.h>

#include "rpdata/core/error.h"
#include "rpdata/tokenize/models.h"

namespace rpdata::tokenize {
namespace {

class SpTokenizer final : public Tokenizer {
 public:
  explicit SpTokenizer(std::shared_ptr<const sentencepiece::SentencePieceProcessor> sp) : sp_(std::move(sp)) {}
  int64_t count(std::string_view text) override {
    ids_.clear();
    sp_->Encode(text, &ids_).IgnoreError();
    return static_cast<int64_t>(ids_.size());
  }
  void encode(std::string_view text, std::vector<int32_t>& ids) override {
    ids_.clear();
    sp_->Encode(text, &ids_).IgnoreError();
    ids.insert(ids.end(), ids_.begin(), ids_.end());
  }

 private:
  std::shared_ptr<const sentencepiece::SentencePieceProcessor> sp_;
  std::vector<int> ids_;
};

class SpModel final : public TokenizerModel {
 public:
  SpModel(std::shared_ptr<const sentencepiece::SentencePieceProcessor> sp, std::string name)
      : sp_(std::move(sp)), name_(std::move(name)) {}
  std::string name() const override { return name_; }
  std::unique_ptr<Tokenizer> make_tokenizer() const override { return std::make_unique<SpTokenizer>(sp_); }
  int64_t vocab_size() const override { return sp_->GetPieceSize(); }
  int32_t eod_id() const override { return sp_->eos_id(); }

 private:
  std::shared_ptr<const sentencepiece::SentencePieceProcessor> sp_;
  std::string name_;
};

}  // namespace

std::shared_ptr<const TokenizerModel> load_sentencepiece(const std::filesystem::path& model_file, std::string name) {
  auto sp = std::make_shared<sentencepiece::SentencePieceProcessor>();
  auto status = sp->Load(model_file.string());
  if (!status.ok())
    throw InputError("not a SentencePiece model: " + std::string(status.ToString()), model_file.string());
  return std::make_shared<SpModel>(std::move(sp), std::move(name));
}

}  // namespace rpdata::tokenize
