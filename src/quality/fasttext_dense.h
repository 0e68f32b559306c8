// Internal to quality: a second libfasttext Model over a quantized (.ftz) model whose input
// rows have been decoded once into a dense matrix, so inference adds plain rows instead of
// decoding product-quantizer codes for every id of every document. Each row is what
// libfasttext itself produces (FastText::getInputVector: zero + QuantMatrix::addRowToVector,
// i.e. the float products norm * centroid), the output matrix and the loss (built from the
// label counts, as FastText::createLoss does) are the model's own. predict() averages the rows
// as fastText 0.9.2's Model::computeHidden does (the same float additions per component, a
// whole row at a time) and runs the loss's own predict: predictions are bit-identical to
// FastText::predict (tests/unit/quality/langid_fast_test.cpp). Not built for dense models (nothing to gain), a
// quantized output matrix, or a decoded size above a cap.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace fasttext {
class FastText;
class Loss;
class Matrix;
class Model;
}  // namespace fasttext

namespace rpdata::quality {

class FasttextDenseModel {
 public:
  // nullptr (with the reason in `why`) when not applicable. `input_rows`: rows of the model's
  // input matrix (nwords + buckets, or nwords + kept buckets when pruned).
  static std::unique_ptr<FasttextDenseModel> make(fasttext::FastText& model, int64_t input_rows,
                                                  size_t max_bytes, std::string* why);
  ~FasttextDenseModel();

  // FastText::predict(k, ids, out, threshold) on the decoded rows: (log-prob, label id) pairs.
  void predict(const std::vector<int32_t>& ids, int32_t k, float threshold,
               std::vector<std::pair<float, int32_t>>& out) const;

 private:
  FasttextDenseModel() = default;
  std::shared_ptr<fasttext::Matrix> wo_;  // referenced by the loss: declared before model_
  std::shared_ptr<fasttext::Model> model_;  // owns the decoded rows and the loss
  std::shared_ptr<fasttext::Loss> loss_;
  const float* rows_ = nullptr;  // the decoded input matrix, row-major, dim_ floats per row
  int32_t dim_ = 0;
  int32_t nlabels_ = 0;
};

}  // namespace rpdata::quality
