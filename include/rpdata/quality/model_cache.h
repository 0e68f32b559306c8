// One loaded copy per model file per process: steps built for every unit and thread share a
// fastText, SentencePiece or KenLM model through this cache (keyed by the canonical path;
// process lifetime). `load(path)` runs once per key, under the cache's lock.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace rpdata::quality {

template <typename T, typename Load>
std::shared_ptr<const T> shared_model(const std::filesystem::path& path, Load load) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const T>> cache;
  std::error_code ec;
  auto canon = std::filesystem::weakly_canonical(path, ec);
  std::lock_guard lock(mu);
  auto& slot = cache[ec ? path.string() : canon.string()];
  if (!slot) slot = load(path);
  return slot;
}

}  // namespace rpdata::quality
