// Internal to exec: where a unit's documents go after its steps, each a core Writer. A
// ShardSink serialises them (the published record, or the intermediate envelope with _id and
// _route that later stages read) into size-rotated zstd shards per route under the staging
// folder, counting tokens per shard. (A dedup run's main stage adds its kind's
// dedup::UnitKeys, collecting the unit's dedup entries.)
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rpdata/core/step.h"
#include "rpdata/io/shard_writer.h"
#include "rpdata/tokenize/models.h"
#include "settings.h"

namespace rpdata::exec {

class ShardSink : public Writer {
 public:
  // Shards named "<stem>-NNNNN.jsonl.zst" in `staging` (routes in subfolders); the default
  // route's writer exists from the start, so an input without documents has one empty shard.
  ShardSink(const Settings& settings, std::filesystem::path staging, std::string stem, bool envelope,
            const std::vector<std::shared_ptr<const tokenize::TokenizerModel>>& token_models);
  void write(const Batch& batch) override;
  void close() override;
  // After close: every route's shards, routes in name order, names relative to the source folder.
  const std::vector<io::ShardInfo>& shards() const { return shards_; }

 private:
  io::ShardWriter& writer(const std::string& route);

  const Settings& st_;
  std::filesystem::path staging_;
  std::string stem_;
  bool envelope_;
  std::map<std::string, std::unique_ptr<io::ShardWriter>> writers_;  // by route ("" = the source folder)
  std::vector<std::pair<std::string, std::unique_ptr<tokenize::Tokenizer>>> tokenizers_;
  std::map<std::string, int64_t> doc_tokens_;
  std::string line_;
  std::vector<io::ShardInfo> shards_;
};

}  // namespace rpdata::exec
