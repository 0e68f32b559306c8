// Internal to exec: one stage's run of its units. Each unit goes through one lifecycle
// (unit_run.cpp): verify an existing output → obtain the input → process it into staged
// shards → publish them → mark the unit complete. The threads of a task share a StageRun.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "rpdata/exec/layout.h"
#include "rpdata/exec/manifest.h"
#include "rpdata/exec/runner.h"
#include "rpdata/io/http_fetch.h"
#include "rpdata/tokenize/tokenizer.h"
#include "stages.h"

namespace rpdata::exec {

using Clock = std::chrono::steady_clock;
inline double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// What the threads of one task share while running a stage's units.
struct StageRun {
  const StageSpec& stage;
  const Settings& settings;
  const RunOptions& options;
  const RunLayout& layout;
  const Plan& plan;
  io::Fetcher& fetcher;
  std::map<std::string, io::Expect> sums;
  std::vector<std::shared_ptr<const tokenize::TokenizerModel>> token_models;
  std::mutex mu;
  RunSummary summary;
  Clock::time_point started = Clock::now();
  uint64_t input_bytes_done = 0;
};


// Runs one unit of the plan through its lifecycle; throws on a failure of this unit (the
// caller records it and goes on with the others).
void run_unit(StageRun& sh, size_t index);

}  // namespace rpdata::exec
