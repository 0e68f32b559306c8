#include "fasttext_dense.h"

#include <fasttext/fasttext.h>
#include <fasttext/loss.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace rpdata::quality {

std::unique_ptr<FasttextDenseModel> FasttextDenseModel::make(fasttext::FastText& model, int64_t input_rows,
                                                             size_t max_bytes, std::string* why) {
  auto no = [&](const char* reason) {
    if (why) *why = reason;
    return std::unique_ptr<FasttextDenseModel>();
  };
  const fasttext::Args args = model.getArgs();
  if (args.model != fasttext::model_name::sup) return no("not a supervised model");
  if (!model.isQuant()) return no("not quantized (rows are dense already)");
  if (args.qout) return no("quantized output matrix");
  const int64_t dim = args.dim;
  if (input_rows <= 0 || dim <= 0) return no("empty input matrix");
  if (static_cast<uint64_t>(input_rows) * static_cast<uint64_t>(dim) * sizeof(fasttext::real) > max_bytes)
    return no("decoded input matrix above the size cap");

  auto dense = std::make_shared<fasttext::DenseMatrix>(input_rows, dim);
  fasttext::Vector row(dim);
  for (int64_t i = 0; i < input_rows; ++i) {
    model.getInputVector(row, static_cast<int32_t>(i));  // zero, then libfasttext's addRowToVector
    std::memcpy(dense->data() + i * dim, row.data(), static_cast<size_t>(dim) * sizeof(fasttext::real));
  }
  std::unique_ptr<FasttextDenseModel> m(new FasttextDenseModel());
  std::shared_ptr<fasttext::Matrix> wi = dense;
  // fasttext::Loss keeps a reference to the shared_ptr it is given: it must live as long as
  // the loss, hence a member.
  m->wo_ = std::const_pointer_cast<fasttext::DenseMatrix>(model.getOutputMatrix());  // read only
  std::shared_ptr<fasttext::Matrix>& wo = m->wo_;
  // FastText::createLoss with getTargetCounts() = the label counts (supervised).
  const std::vector<int64_t> counts = model.getDictionary()->getCounts(fasttext::entry_type::label);
  std::shared_ptr<fasttext::Loss> loss;
  switch (args.loss) {
    case fasttext::loss_name::hs: loss = std::make_shared<fasttext::HierarchicalSoftmaxLoss>(wo, counts); break;
    case fasttext::loss_name::ns:
      loss = std::make_shared<fasttext::NegativeSamplingLoss>(wo, args.neg, counts);
      break;
    case fasttext::loss_name::softmax: loss = std::make_shared<fasttext::SoftmaxLoss>(wo); break;
    case fasttext::loss_name::ova: loss = std::make_shared<fasttext::OneVsAllLoss>(wo); break;
    default: return no("unknown loss");
  }
  m->model_ = std::make_shared<fasttext::Model>(wi, wo, loss, /*normalizeGradient=*/true);
  m->loss_ = loss;
  m->rows_ = dense->data();
  m->dim_ = static_cast<int32_t>(dim);
  m->nlabels_ = model.getDictionary()->nlabels();
  return m;
}

FasttextDenseModel::~FasttextDenseModel() = default;

namespace {

// Model::computeHidden of fastText 0.9.2 (src/model.cc): hidden = 0, then each input row added
// in order (DenseMatrix::addRowToVector), then hidden.mul(1.0 / input.size()) with the factor
// rounded to float. Each component is its own chain of float additions, so adding a whole row
// per step (vectorized for the compile-time width) gives the same bits.
template <int kDim>
void average_rows_fixed(const float* rows, const std::vector<int32_t>& ids, float* h) {
  float acc[kDim] = {};
  for (const int32_t id : ids) {
    const float* row = rows + static_cast<size_t>(id) * kDim;
    for (int j = 0; j < kDim; ++j) acc[j] += row[j];
  }
  const auto a = static_cast<float>(1.0 / static_cast<double>(ids.size()));
  for (int j = 0; j < kDim; ++j) h[j] = acc[j] * a;
}

void average_rows(const float* rows, int32_t dim, const std::vector<int32_t>& ids, float* h) {
  switch (dim) {
    case 16: return average_rows_fixed<16>(rows, ids, h);  // lid.176
    case 10: return average_rows_fixed<10>(rows, ids, h);  // fastText's default dim for supervised models
    default: break;
  }
  std::fill(h, h + dim, 0.0f);
  for (const int32_t id : ids) {
    const float* row = rows + static_cast<size_t>(id) * static_cast<size_t>(dim);
    for (int32_t j = 0; j < dim; ++j) h[j] += row[j];
  }
  const auto a = static_cast<float>(1.0 / static_cast<double>(ids.size()));
  for (int32_t j = 0; j < dim; ++j) h[j] *= a;
}

}  // namespace

void FasttextDenseModel::predict(const std::vector<int32_t>& ids, int32_t k, float threshold,
                                 std::vector<std::pair<float, int32_t>>& out) const {
  // FastText::predict: nothing for an empty line, else a fresh State and Model::predict, which
  // is computeHidden then the loss's predict (fastText 0.9.2 src/model.cc).
  if (ids.empty()) return;
  if (k == fasttext::Model::kUnlimitedPredictions) k = static_cast<int32_t>(wo_->size(0));
  else if (k <= 0) throw std::invalid_argument("k needs to be 1 or higher!");
  fasttext::Model::State state(dim_, nlabels_, 0);
  out.reserve(static_cast<size_t>(k) + 1);
  average_rows(rows_, dim_, ids, state.hidden.data());
  loss_->predict(k, threshold, out, state);
}

}  // namespace rpdata::quality
