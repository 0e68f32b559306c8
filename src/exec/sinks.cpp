#include "sinks.h"

#include "inputs.h"
#include "rpdata/core/error.h"
#include "rpdata/io/json_writer.h"

namespace rpdata::exec {
namespace fs = std::filesystem;

ShardSink::ShardSink(const Settings& settings, fs::path staging, std::string stem, bool envelope,
                     const std::vector<std::shared_ptr<const tokenize::TokenizerModel>>& token_models)
    : st_(settings), staging_(std::move(staging)), stem_(std::move(stem)), envelope_(envelope) {
  for (const auto& m : token_models) tokenizers_.emplace_back(m->name(), m->make_tokenizer());
  writer("");
}

io::ShardWriter& ShardSink::writer(const std::string& route) {
  auto it = writers_.find(route);
  if (it != writers_.end()) return *it->second;
  if (!route.empty() && !is_route_name(route))
    throw Error("a step routed a document to '" + route + "' (routes are [a-z0-9_]+)");
  fs::path dir = route.empty() ? staging_ : staging_ / route;
  fs::create_directories(dir);
  if (!route.empty()) remove_unit_outputs(dir, stem_);
  auto w = std::make_unique<io::ShardWriter>(
      io::ShardWriterOptions{dir, stem_, st_.max_shard_bytes, st_.frame_docs, st_.zstd_level, true});
  return *writers_.emplace(route, std::move(w)).first->second;
}

void ShardSink::write(const Batch& batch) {
  for (const Document& doc : batch.docs) {
    line_.clear();
    if (envelope_) {  // intermediate: one stream in document order; id and route kept
      line_ += "{\"_id\": ";
      io::append_json_string(line_, doc.id, st_.style);
      line_ += ", \"_route\": ";
      io::append_json_string(line_, doc.route, st_.style);
      line_ += ", ";
      size_t at = line_.size();
      io::append_record(line_, doc, st_.style, st_.layout);
      line_.erase(at, 1);  // the record's own "{"
    } else {
      io::append_record(line_, doc, st_.style, st_.layout);
    }
    for (auto& [name, tok] : tokenizers_) doc_tokens_[name] = tok->count(doc.text);
    writer(envelope_ ? std::string() : doc.route).add(line_, tokenizers_.empty() ? nullptr : &doc_tokens_);
  }
}

void ShardSink::close() {
  for (auto& [route, w] : writers_)
    for (auto& info : w->close()) {
      if (!route.empty()) info.name = route + "/" + info.name;
      shards_.push_back(std::move(info));
    }
}

}  // namespace rpdata::exec
