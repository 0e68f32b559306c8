// Text corpora for checking and timing the GPT-NeoX tokenizer against the Hugging Face
// reference: every real text of ../shared/realdata (C4, books, Wikipedia, Stack Exchange,
// arXiv LaTeX) and a seeded generator of adversarial Unicode strings.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace rpdata::test {

struct CorpusDoc {
  std::string name;  // e.g. "c4/17", "wiki/enwiki-...#3", "random/12"
  std::string text;  // valid UTF-8
};

struct CorpusParts {
  bool c4 = true, books = true, wiki = true, stackexchange = true, arxiv = true;
  bool beer_7z = true;  // the 4 MB Posts.xml of beer.stackexchange.com.7z (libarchive)
};

// Documents from `realdata` in a fixed order. Texts that are not valid UTF-8 (e.g. a Latin-1
// .tex) are skipped; `skipped` (if given) counts them.
std::vector<CorpusDoc> realdata_corpus(const std::filesystem::path& realdata,
                                       const CorpusParts& parts, size_t* skipped = nullptr);

// `n` adversarial documents from a seeded generator (same seed, same documents everywhere):
// random code points of all planes (no surrogates), whitespace of every kind, combining
// marks and NFC-sensitive sequences, emoji ZWJ sequences, digits of many scripts,
// contractions, long whitespace runs, literal <|endoftext|> / <|padding|>.
std::vector<CorpusDoc> adversarial_corpus(uint64_t seed, size_t n);

// One {"name": ..., "text": ...} object per line (raw UTF-8, JSON escapes only where needed).
void write_corpus_jsonl(const std::vector<CorpusDoc>& docs, const std::filesystem::path& out);

// Replaces the XML entities &lt; &gt; &amp; &quot; &apos; and numeric references (&#10;,
// &#xA;) by the characters they stand for.
std::string xml_unescape(std::string_view s);

}  // namespace rpdata::test
