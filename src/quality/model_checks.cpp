#include "rpdata/quality/model_checks.h"

#include <fasttext/fasttext.h>
#include <sentencepiece_processor.h>

#include <algorithm>
#include <cstdint>
#include <fstream>

#include "rpdata/core/error.h"
#include "rpdata/quality/kenlm.h"

namespace rpdata::quality {
namespace fs = std::filesystem;

namespace {
constexpr int32_t kFasttextMagic = 793712314;  // FASTTEXT_FILEFORMAT_MAGIC_INT32
constexpr int32_t kFasttextVersion = 12;       // FASTTEXT_VERSION of the 0.9 models
}  // namespace

void check_fasttext_supervised(const fs::path& path, const std::vector<std::string>& labels, size_t min_labels) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw VerifyError("cannot open the fastText model", path.string());
  int32_t magic = 0, version = 0;
  in.read(reinterpret_cast<char*>(&magic), sizeof(magic));
  in.read(reinterpret_cast<char*>(&version), sizeof(version));
  if (!in || magic != kFasttextMagic)
    throw VerifyError("not a fastText model (no fastText magic number at byte 0)", path.string(), 0);
  if (version > kFasttextVersion)
    throw VerifyError("fastText model of version " + std::to_string(version) + ", newer than this fastText reads",
                      path.string(), 4);
  fasttext::FastText ft;
  // fastText does not check its reads: on a truncated file it would go on with sizes it never
  // read (and allocate by them). A short read throws here instead.
  in.exceptions(std::ios::failbit | std::ios::badbit);
  fasttext::Args args;
  try {
    args.load(in);
  } catch (const std::ios_base::failure&) {
    throw VerifyError("fastText model is truncated", path.string(), fs::file_size(path));
  }
  // Nor does it check its arguments: it hashes subwords (maxn != 0: it compares maxn as an
  // unsigned length, so a negative one is huge) and word n-grams (wordNgrams > 1) modulo
  // `bucket`, already while loading the dictionary, so a damaged header with no buckets would
  // divide by zero (SIGFPE) instead of failing the check.
  if ((args.maxn != 0 || args.wordNgrams > 1) && args.bucket <= 0)
    throw VerifyError("fastText model is damaged: " + std::to_string(args.bucket) + " hash buckets with maxn " +
                          std::to_string(args.maxn) + " and wordNgrams " + std::to_string(args.wordNgrams),
                      path.string(), 8);
  in.seekg(8);  // loadModel reads the arguments again, after the magic number and version
  try {
    ft.loadModel(in);
  } catch (const std::ios_base::failure&) {
    throw VerifyError("fastText model is truncated", path.string(), fs::file_size(path));
  } catch (const std::exception& e) {
    throw VerifyError(std::string("fastText cannot load the model: ") + e.what(), path.string());
  }
  in.exceptions(std::ios::goodbit);
  if (in.peek() != std::char_traits<char>::eof())
    throw VerifyError("fastText model has trailing bytes after the model", path.string(),
                      static_cast<uint64_t>(in.tellg()));
  if (ft.getArgs().model != fasttext::model_name::sup)
    throw VerifyError("not a supervised fastText model (an unsupervised word-vector model?)", path.string());
  auto dict = ft.getDictionary();
  // getLabel(i) is the entry nwords() + i: the header's counts must match the entries read.
  if (dict->getCounts(fasttext::entry_type::word).size() != static_cast<size_t>(dict->nwords()) ||
      dict->getCounts(fasttext::entry_type::label).size() != static_cast<size_t>(dict->nlabels()))
    throw VerifyError("fastText model is damaged: its dictionary's word and label counts differ from its entries",
                      path.string());
  std::vector<std::string> have;
  for (int32_t i = 0; i < dict->nlabels(); ++i) have.push_back(dict->getLabel(i));
  if (have.size() < min_labels)
    throw VerifyError("fastText model has " + std::to_string(have.size()) + " labels, expected at least " +
                          std::to_string(min_labels),
                      path.string());
  for (const auto& label : labels)
    if (std::find(have.begin(), have.end(), label) == have.end())
      throw VerifyError("fastText model lacks the label " + label, path.string());
}

void check_sentencepiece(const fs::path& path) {
  sentencepiece::SentencePieceProcessor sp;
  if (auto st = sp.Load(path.string()); !st.ok())
    throw VerifyError("not a SentencePiece model: " + st.ToString(), path.string());
  if (sp.GetPieceSize() < 2) throw VerifyError("SentencePiece model with no pieces", path.string());
}

void check_kenlm_binary(const fs::path& path) {
  std::string head(64, '\0');
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw VerifyError("cannot open the KenLM model", path.string());
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
  }
  if (head.rfind("mmap lm http://kheafield.com/code", 0) != 0) {
    bool arpa = head.find("\\data\\") != std::string::npos || head.rfind("\x1f\x8b", 0) == 0;
    throw VerifyError(arpa ? "an ARPA file where a KenLM binary is expected (KenLM's build_binary converts it)"
                           : "not a KenLM binary (no KenLM header at byte 0)",
                      path.string(), 0);
  }
  try {
    LanguageModel::load(path);
  } catch (const Error& e) {
    throw VerifyError("not a usable KenLM binary: " + e.message(), path.string(), e.offset());
  }
}

}  // namespace rpdata::quality
