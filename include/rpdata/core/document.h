// Document and Batch: the one record type flowing through every pipeline (datatrove-style).
// `meta` is a small insertion-ordered map; its order is the key order of the JSONL `meta`
// object RedPajama published, so it must never be re-sorted.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace rpdata {

// An already-encoded JSON value (array, object or null) carried through unchanged, e.g. the
// BigQuery `language` column of GitHub records. Written verbatim: the producer encodes it in
// the output's style (Python json.dumps layout).
struct MetaJson {
  std::string json;
  bool operator==(const MetaJson&) const = default;
};

using MetaValue = std::variant<bool, int64_t, double, std::string, MetaJson>;

class Meta {
 public:
  using Entry = std::pair<std::string, MetaValue>;

  // Sets `key`, keeping its position if present, appending otherwise.
  void set(std::string_view key, MetaValue value);
  const MetaValue* find(std::string_view key) const;
  bool erase(std::string_view key);
  void clear() { entries_.clear(); }
  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<Entry>& entries() { return entries_; }

 private:
  std::vector<Entry> entries_;
};

struct Document {
  std::string id;      // stable: "<input name>/<record index>", independent of task count
  std::string text;
  std::string source;  // "c4", "commoncrawl", ...
  Meta meta;
  // Which output of the unit receives the document: "" = the source folder itself, else a
  // subfolder of it ([a-z0-9_]+, e.g. "en_head", "en_middle"). Never written into the record.
  std::string route;
};

// Counted reasons for dropped documents, e.g. {"invalid_json": 3}. Ordered for stable output.
using DropCounts = std::map<std::string, int64_t>;

struct Batch {
  std::vector<Document> docs;
  DropCounts drops;  // filled by readers and filters for documents removed from `docs`
};

}  // namespace rpdata
