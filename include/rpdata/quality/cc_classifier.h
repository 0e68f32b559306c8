// RedPajama's CommonCrawl quality classifier (RP data_prep/cc/classifier/, spec §1.7): a
// fastText supervised model telling Wikipedia-referenced pages (__label__wiki) from CC
// head/middle pages (__label__cc). Training with the fastText CLI's `supervised` defaults
// and scoring exactly as classify.py (model.predict on " ".join(raw_content.strip().splitlines()),
// k=1; wiki_prob = p, or 1 - p when the top label is __label__cc), through Debian's libfasttext.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fasttext {
class FastText;
}

namespace rpdata::quality {

// Python str.splitlines() line breaks (\n \r \r\n \v \f \x1c \x1d \x1e \x85 \u2028 \u2029).
std::vector<std::string_view> python_splitlines(std::string_view text);
// create_corpus.py: " ".join(raw_content.splitlines()).
std::string join_lines_for_training(std::string_view raw_content);
// classify.py: " ".join(raw_content.strip().splitlines()) (Python strip: Unicode whitespace).
std::string join_lines_for_predict(std::string_view raw_content);

struct TrainOptions {
  // The fastText CLI's `supervised` defaults (lr 0.1, dim 100, ws 5, epoch 5, minCount 1,
  // neg 5, wordNgrams 1, loss softmax, bucket 0 since wordNgrams 1, minn/maxn 0) are what
  // RedPajama ran (`fasttext supervised -input data_train -output model`). Overrides:
  int threads = 1;     // fastText's default is 12; only 1 thread gives a reproducible model
  int seed = 0;        // fastText's default seed
  std::vector<std::string> extra_args;  // further CLI-style args, e.g. {"-epoch", "25"}
};

struct TrainResult {
  int64_t words = 0;   // vocabulary size
  int64_t labels = 0;
  int64_t tokens = 0;  // tokens in the training file
};

// Trains on a fastText-format file ("__label__x text" per line) and saves the .bin to
// `model_out` (atomically). ConfigError for bad arguments, InputError for an unreadable or
// empty training file.
TrainResult train_supervised(const std::filesystem::path& train_file, const std::filesystem::path& model_out,
                             const TrainOptions& options = {});

struct Prediction {
  std::string label;  // with the model's prefix, e.g. "__label__wiki" (as Python returns it)
  float prob = 0;     // fastText's float32
};

class FastTextClassifier {
 public:
  // Any fastText supervised .bin/.ftz (RedPajama's released model.bin included). ConfigError
  // if missing, not a fastText model, or not supervised.
  explicit FastTextClassifier(const std::filesystem::path& model_path);
  ~FastTextClassifier();
  FastTextClassifier(const FastTextClassifier&) = delete;
  FastTextClassifier& operator=(const FastTextClassifier&) = delete;

  // One shared instance per canonical path (predict is thread-safe).
  static std::shared_ptr<const FastTextClassifier> shared(const std::filesystem::path& model_path);

  // Python model.predict(text, k): `text` must hold no '\n' (Python raises); "\n" is appended
  // so the line ends with fastText's EOS token, as the Python binding does.
  std::vector<Prediction> predict(std::string_view text, int k = 1) const;
  std::vector<std::string> labels() const;

 private:
  std::unique_ptr<fasttext::FastText> model_;
};

// classify.py on one document.
struct WikiScore {
  std::string pred_label;      // "" when fastText returned nothing (classify.py would crash)
  double pred_label_prob = 0;  // float32 widened to double, as numpy gives it
  double wiki_prob = 0;        // p, or 1 - p when pred_label == cc_label
};
WikiScore score_document(const FastTextClassifier& model, std::string_view raw_content,
                         std::string_view cc_label = "__label__cc");

}  // namespace rpdata::quality
