#include "rpdata/quality/lm_train.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string_view>

#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"

namespace rpdata::quality {
namespace fs = std::filesystem;

namespace {
class LinesIterator final : public sentencepiece::SentenceIterator {
 public:
  explicit LinesIterator(const std::vector<std::string>& lines) : lines_(lines) {}
  bool done() const override { return i_ >= lines_.size(); }
  void Next() override { ++i_; }
  const std::string& value() const override { return lines_[i_]; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  const std::vector<std::string>& lines_;
  size_t i_ = 0;
};

using Gram = std::vector<std::string>;

std::vector<std::string> split_tokens(std::string_view line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ') ++j;
    if (j > i) out.emplace_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string joined(const Gram& g) {
  std::string s;
  for (const auto& w : g) s += (s.empty() ? "" : " ") + w;
  return s;
}

std::string log10_text(double p) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.7g", std::log10(p));
  return buf;
}
}  // namespace

namespace {
std::string train_sentencepiece_proto(const std::vector<std::string>& lines, int vocab_size, bool hard_limit,
                                      const fs::path& model_file) {
  LinesIterator it(lines);
  std::string proto;
  std::string args = "--model_type=unigram --vocab_size=" + std::to_string(vocab_size) +
                     " --num_threads=1 --character_coverage=1.0 --input_sentence_size=0 "
                     "--shuffle_input_sentence=false --minloglevel=2 --hard_vocab_limit=" +
                     (hard_limit ? "true" : "false");
  auto status = sentencepiece::SentencePieceTrainer::Train(args, &it, &proto);
  if (!status.ok()) throw ConfigError("SentencePiece training failed: " + status.ToString(), model_file.string());
  return proto;
}
}  // namespace

void train_sentencepiece(const std::vector<std::string>& lines, int vocab_size, const fs::path& model_file) {
  io::write_file_atomic(model_file, train_sentencepiece_proto(lines, vocab_size, true, model_file));
}

void train_perplexity_pair(const std::vector<std::string>& lines, int vocab_size, unsigned order,
                           const fs::path& sp_model, const fs::path& arpa) {
  std::string proto = train_sentencepiece_proto(lines, vocab_size, false, sp_model);
  sentencepiece::SentencePieceProcessor sp;
  if (auto st = sp.LoadFromSerializedProto(proto); !st.ok())
    throw ConfigError("SentencePiece model just trained does not load: " + st.ToString(), sp_model.string());
  std::vector<std::string> encoded;
  encoded.reserve(lines.size());
  for (const auto& line : lines) {
    std::vector<std::string> pieces;
    if (auto st = sp.Encode(line, &pieces); !st.ok()) throw ConfigError("SentencePiece encode: " + st.ToString(), sp_model.string());
    std::string joined_pieces;
    for (const auto& piece : pieces) joined_pieces += (joined_pieces.empty() ? "" : " ") + piece;
    encoded.push_back(std::move(joined_pieces));
  }
  io::write_file_atomic(sp_model, proto);
  io::write_file_atomic(arpa, estimate_arpa(encoded, order));
}

std::string estimate_arpa(const std::vector<std::string>& token_lines, unsigned order, double discount) {
  if (order < 1 || !(discount > 0 && discount < 1)) throw ConfigError("estimate_arpa: order >= 1, 0 < discount < 1");
  if (std::none_of(token_lines.begin(), token_lines.end(), [](const std::string& l) {
        return l.find_first_not_of(' ') != std::string::npos;
      }))
    throw ConfigError("estimate_arpa: no tokens to estimate a language model from");
  // counts[k-1]: every k-gram of every sentence (<s> w1 .. wn </s>) and how often it occurs.
  std::vector<std::map<Gram, uint64_t>> counts(order);
  for (const auto& line : token_lines) {
    Gram s{"<s>"};
    for (auto& t : split_tokens(line)) s.push_back(std::move(t));
    s.push_back("</s>");
    for (size_t end = 1; end < s.size(); ++end)  // every predicted token, with its contexts
      for (size_t k = 1; k <= order && k <= end + 1; ++k) counts[k - 1][Gram(s.begin() + (end + 1 - k), s.begin() + end + 1)]++;
  }
  // A context's total count and number of distinct continuations, per order.
  std::vector<std::map<Gram, std::pair<uint64_t, uint64_t>>> context(order);
  for (unsigned k = 2; k <= order; ++k)
    for (const auto& [g, c] : counts[k - 1]) {
      auto& e = context[k - 1][Gram(g.begin(), g.end() - 1)];
      e.first += c;
      e.second += 1;
    }
  // Interpolated probabilities, lowest order first: p(w|h) = (c(hw) - D) / c(h.) + g(h) p(w|h'),
  // g(h) = D * T(h) / c(h.), which is also h's backoff weight.
  std::vector<std::map<Gram, double>> prob(order);
  uint64_t total = 0, types = 0;
  for (const auto& [g, c] : counts[0])
    if (g[0] != "<s>") total += c, ++types;
  const double leftover = discount * static_cast<double>(types) / static_cast<double>(total);
  const double uniform = leftover / static_cast<double>(types + 1);  // the seen types and <unk>
  for (const auto& [g, c] : counts[0])
    if (g[0] != "<s>") prob[0][g] = (static_cast<double>(c) - discount) / static_cast<double>(total) + uniform;
  for (unsigned k = 2; k <= order; ++k)
    for (const auto& [g, c] : counts[k - 1]) {
      const auto& [hc, ht] = context[k - 1].at(Gram(g.begin(), g.end() - 1));
      double gamma = discount * static_cast<double>(ht) / static_cast<double>(hc);
      double lower = prob[k - 2].at(Gram(g.begin() + 1, g.end()));
      prob[k - 1][g] = (static_cast<double>(c) - discount) / static_cast<double>(hc) + gamma * lower;
    }
  auto backoff = [&](unsigned k, const Gram& g) -> std::string {
    if (k >= order) return "";
    auto it = context[k].find(g);
    if (it == context[k].end()) return "";
    double gamma = discount * static_cast<double>(it->second.second) / static_cast<double>(it->second.first);
    return "\t" + log10_text(gamma);
  };
  std::string out = "\n\\data\\\n";
  // Unigrams also list <s> (never predicted, log10 -99, as lmplz writes it) and <unk>.
  out += "ngram 1=" + std::to_string(prob[0].size() + 2) + "\n";
  for (unsigned k = 2; k <= order; ++k) out += "ngram " + std::to_string(k) + "=" + std::to_string(prob[k - 1].size()) + "\n";
  out += "\n\\1-grams:\n";
  out += "-99\t<s>" + backoff(1, Gram{"<s>"}) + "\n";
  out += log10_text(uniform) + "\t<unk>\n";
  for (const auto& [g, p] : prob[0]) out += log10_text(p) + "\t" + g[0] + backoff(1, g) + "\n";
  for (unsigned k = 2; k <= order; ++k) {
    out += "\n\\" + std::to_string(k) + "-grams:\n";
    for (const auto& [g, p] : prob[k - 1]) out += log10_text(p) + "\t" + joined(g) + backoff(k, g) + "\n";
  }
  out += "\n\\end\\\n";
  return out;
}

}  // namespace rpdata::quality
