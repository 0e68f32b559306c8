// ARPA loading (plain or gzip through io::InputStream) into KenLM's hashed layout, as
// lm/search_hashed.cc does when a Model is built from an ARPA file: vocabulary ids in unigram
// order after <unk> = 0, keys from combine_word_hash, and SRI-style missing suffix n-grams
// inserted with backoff-computed probabilities so matched lengths equal KenLM's.
#include <charconv>
#include <cmath>
#include <string>

#include "kenlm_internal.h"
#include "rpdata/core/error.h"
#include "rpdata/io/line_reader.h"

namespace rpdata::quality::kenlm_detail {
namespace {

// A growable probing table of the file layout; key 0 is reserved for empty slots.
template <class Entry>
class OwnedTable {
 public:
  void reserve(size_t entries) { rehash(std::max<size_t>(entries + 1, entries * 3 / 2 + 1)); }
  // Returns the entry and whether it was already present.
  Entry* find_or_insert(uint64_t key, bool& found) {
    if ((used_ + 1) * 4 > table_.size() * 3) rehash(table_.size() * 2 + 1);
    size_t i = key % table_.size();
    while (table_[i].key != 0 && table_[i].key != key) {
      if (++i == table_.size()) i = 0;
    }
    found = table_[i].key == key;
    if (!found) {
      table_[i] = Entry{};
      table_[i].key = key;
      ++used_;
    }
    return &table_[i];
  }
  Entry* find(uint64_t key) {
    const Entry* e = probing_find(std::span<const Entry>(table_), key);
    return const_cast<Entry*>(e);
  }
  std::span<const Entry> span() const { return table_; }

 private:
  void rehash(size_t buckets) {
    std::vector<Entry> old = std::move(table_);
    table_.assign(buckets, Entry{});
    for (const Entry& e : old) {
      if (e.key == 0) continue;
      size_t i = e.key % buckets;
      while (table_[i].key != 0) {
        if (++i == buckets) i = 0;
      }
      table_[i] = e;
    }
  }
  std::vector<Entry> table_;
  size_t used_ = 0;
};

class ArpaBackend : public Backend {
 public:
  ArpaBackend(const std::filesystem::path& path, const LmLoadOptions& options);
  float score(std::string_view line, bool bos, bool eos,
              std::vector<LmTokenScore>* detail) const override {
    return score_line(tables_, line, bos, eos, detail);
  }
  float score_ids(std::span<const uint32_t> ids, bool bos, bool eos) const override {
    return score_id_seq(tables_, ids, bos, eos);
  }

 private:
  [[noreturn]] void fail(const std::string& what, uint64_t offset) const {
    throw InputError("ARPA: " + what, path_, offset);
  }
  bool next_line(io::LineReader& reader, io::Line& line);
  void read_ngrams(io::LineReader& reader, unsigned n, uint64_t count);
  void fix_lower(unsigned n, const uint32_t* rev);

  std::string path_;
  std::string strings_;  // vocabulary words, NUL-separated
  std::vector<ProbBackoff> unigrams_;
  std::vector<OwnedTable<MiddleEntry>> middles_;
  OwnedTable<LongestEntry> longest_;
  HashedTables tables_;
};

bool ArpaBackend::next_line(io::LineReader& reader, io::Line& line) {
  if (!reader.next(line)) return false;
  if (line.too_long) fail("line too long", line.offset);
  if (!line.text.empty() && line.text.back() == '\r') line.text.remove_suffix(1);
  return true;
}

bool is_arpa_space(char c) { return c == ' ' || c == '\t'; }

// Splits on spaces and tabs (KenLM's kARPASpaces) into at most `max` fields.
size_t split_fields(std::string_view s, std::string_view* out, size_t max) {
  size_t n = 0, i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_arpa_space(s[i])) ++i;
    if (i == s.size()) break;
    size_t b = i;
    while (i < s.size() && !is_arpa_space(s[i])) ++i;
    if (n == max) return max + 1;
    out[n++] = s.substr(b, i - b);
  }
  return n;
}

bool parse_float(std::string_view s, float& out) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

ArpaBackend::ArpaBackend(const std::filesystem::path& path, const LmLoadOptions& options)
    : path_(path.string()) {
  format_ = LmFormat::kArpa;
  io::LineReader reader(io::InputStream::open(path));
  io::Line line;
  // Header: optional text, then \data\ and the "ngram N=count" lines.
  for (;;) {
    if (!next_line(reader, line)) fail("no \\data\\ section", 0);
    if (line.text == "\\data\\") break;
  }
  std::vector<uint64_t> counts;
  for (;;) {
    if (!next_line(reader, line)) fail("end of file in the \\data\\ section", line.offset);
    if (line.text.empty()) {
      if (counts.empty()) continue;
      break;
    }
    std::string_view t = line.text;
    if (!t.starts_with("ngram ")) fail("expected 'ngram N=count'", line.offset);
    t.remove_prefix(6);
    size_t eq = t.find('=');
    unsigned n = 0;
    uint64_t c = 0;
    if (eq == std::string_view::npos ||
        std::from_chars(t.data(), t.data() + eq, n).ptr != t.data() + eq ||
        std::from_chars(t.data() + eq + 1, t.data() + t.size(), c).ptr != t.data() + t.size() ||
        n != counts.size() + 1)
      fail("malformed count line '" + std::string(line.text) + "'", line.offset);
    counts.push_back(c);
  }
  if (counts.empty()) fail("no n-gram counts", line.offset);
  if (counts.size() > kMaxOrder)
    fail("order " + std::to_string(counts.size()) + " exceeds the maximum of 6", line.offset);
  order_ = static_cast<unsigned>(counts.size());
  if (order_ < 2) fail("order 1 models are not supported", line.offset);

  for (unsigned n = 1; n <= order_; ++n) {
    do {
      if (!next_line(reader, line)) fail("missing \\" + std::to_string(n) + "-grams:", line.offset);
    } while (line.text.empty());
    if (line.text != "\\" + std::to_string(n) + "-grams:")
      fail("expected \\" + std::to_string(n) + "-grams: but found '" + std::string(line.text) + "'",
           line.offset);
    read_ngrams(reader, n, counts[n - 1]);
  }
  do {
    if (!next_line(reader, line)) fail("missing \\end\\", reader.stream().offset());
  } while (line.text.empty());
  if (line.text != "\\end\\") fail("expected \\end\\", line.offset);

  // <unk> missing from the ARPA (still the 1.0 placeholder; real log10 probabilities are
  // <= 0): KenLM's Config::unknown_missing_logprob, backoff 0.
  if (unigrams_[0].prob == 1.0f) unigrams_[0] = {options.unknown_missing_logprob, 0.0f};

  tables_.unigrams = unigrams_;
  for (auto& m : middles_) tables_.middles.emplace_back(m.span());
  tables_.longest = ProbingView<LongestEntry>(longest_.span());
}

void ArpaBackend::read_ngrams(io::LineReader& reader, unsigned n, uint64_t count) {
  std::string_view f[kMaxOrder + 3];
  io::Line line;
  const bool has_backoff = n < order_;
  if (n == 1) {
    strings_.assign("<unk>", 6);
    unigrams_.assign(1, ProbBackoff{1.0f, 0.0f});  // 1.0 = <unk> not seen yet
  } else if (n < order_) {
    middles_.emplace_back().reserve(count);
  } else {
    longest_.reserve(count);
  }
  std::vector<size_t> word_offsets{0};
  uint32_t rev[kMaxOrder];
  for (uint64_t i = 0; i < count; ++i) {
    if (!next_line(reader, line))
      fail("end of file after " + std::to_string(i) + " of " + std::to_string(count) + " " +
               std::to_string(n) + "-grams", reader.stream().offset());
    size_t nf = split_fields(line.text, f, n + 2);
    if (nf != n + 1 && !(has_backoff && nf == n + 2))
      fail("expected a probability, " + std::to_string(n) + " words" +
               (has_backoff ? " and an optional backoff" : "") + " but found '" +
               std::string(line.text.substr(0, 200)) + "'", line.offset);
    ProbBackoff pb{0.0f, 0.0f};
    if (!parse_float(f[0], pb.prob))
      fail("bad probability '" + std::string(f[0]) + "'", line.offset);
    if (pb.prob > 0.0f) pb.prob = 0.0f;  // KenLM warns and clamps positive log probabilities
    if (nf == n + 2 && !parse_float(f[n + 1], pb.backoff))
      fail("bad backoff '" + std::string(f[n + 1]) + "'", line.offset);
    if (n == 1) {
      if (f[1] == "<unk>" || f[1] == "<UNK>") {
        unigrams_[0] = pb;
        continue;
      }
      strings_.append(f[1]);
      strings_.push_back('\0');
      word_offsets.push_back(strings_.size() - f[1].size() - 1);
      unigrams_.push_back(pb);
      continue;
    }
    for (unsigned k = 0; k < n; ++k) {
      uint32_t id = vocab_.index(f[1 + k]);
      if (id == 0 && f[1 + k] != "<unk>" && f[1 + k] != "<UNK>")
        fail("word '" + std::string(f[1 + k]) + "' is not in the unigrams", line.offset);
      rev[n - 1 - k] = id;
    }
    uint64_t key = rev[0];
    for (unsigned k = 1; k < n; ++k) key = combine_word_hash(key, rev[k]);
    bool found;
    if (n < order_) {
      MiddleEntry* e = middles_[n - 2].find_or_insert(key, found);
      if (found) fail("duplicate " + std::to_string(n) + "-gram", line.offset);
      e->prob = -std::fabs(pb.prob);
      e->backoff = pb.backoff;
    } else {
      LongestEntry* e = longest_.find_or_insert(key, found);
      if (found) fail("duplicate " + std::to_string(n) + "-gram", line.offset);
      e->prob = pb.prob;
    }
    fix_lower(n, rev);
  }
  if (n == 1) {
    std::vector<std::string_view> words;
    words.reserve(word_offsets.size());
    words.emplace_back(strings_.data(), 5);
    for (size_t k = 1; k < word_offsets.size(); ++k)
      words.emplace_back(strings_.c_str() + word_offsets[k]);
    vocab_.build(std::move(words));
    bos_id_ = vocab_.index("<s>");
    eos_id_ = vocab_.index("</s>");
    if (bos_id_ == 0 || eos_id_ == 0)
      fail("the unigrams lack <s> or </s>", reader.stream().offset());
  }
}

// lm/search_hashed.cc FindLower + AdjustLower: every suffix of an n-gram (same last word)
// must exist so KenLM's right-to-left lookup reaches it. Missing ones are inserted with
// backoff -0.0 and the probability standard backoff gives, summed in float32 in KenLM's order.
void ArpaBackend::fix_lower(unsigned n, const uint32_t* rev) {
  // keys[j] = key of the suffix of order j + 2.
  uint64_t keys[kMaxOrder];
  keys[0] = combine_word_hash(rev[0], rev[1]);
  for (unsigned j = 1; j + 2 < n; ++j) keys[j] = combine_word_hash(keys[j - 1], rev[j + 1]);
  // Find the longest existing suffix (basis), inserting blanks above it.
  unsigned basis = 1;
  for (int lower = static_cast<int>(n) - 3; lower >= 0; --lower) {
    bool found;
    MiddleEntry* e = middles_[lower].find_or_insert(keys[lower], found);
    if (found) {
      basis = static_cast<unsigned>(lower) + 2;
      break;
    }
    e->prob = 0.0f;
    e->backoff = -0.0f;
  }
  if (basis == n - 1) return;
  // Entries are found again by key: an insertion above may have grown a table.
  float prob;
  if (basis == 1) {
    prob = set_sign(unigrams_[rev[0]].prob);
  } else {
    prob = set_sign(middles_[basis - 2].find(keys[basis - 2])->prob);
  }
  uint64_t context = rev[1];  // key of the context of order `basis` (rev[1..basis])
  for (unsigned j = 2; j <= basis; ++j) context = combine_word_hash(context, rev[j]);
  for (unsigned b = basis; b < n - 1; ++b) {
    if (b == 1) {
      prob += unigrams_[rev[1]].backoff;
    } else if (const MiddleEntry* c = middles_[b - 2].find(context)) {
      prob += c->backoff;
    }
    middles_[b - 1].find(keys[b - 1])->prob = prob;  // the blank of order b + 1
    context = combine_word_hash(context, rev[b + 1]);
  }
}

}  // namespace

std::shared_ptr<const Backend> load_arpa(const std::filesystem::path& path,
                                         const LmLoadOptions& options) {
  return std::make_shared<ArpaBackend>(path, options);
}

}  // namespace rpdata::quality::kenlm_detail
