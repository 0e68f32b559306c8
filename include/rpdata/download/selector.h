// Input selectors: plans whose inputs are chosen from the data rather than named by the recipe
// (e.g. the Stack Exchange sites with most posts). `[download] select_by = "<name>"` chooses one.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rpdata/core/params.h"
#include "rpdata/download/planner.h"

namespace rpdata::download {

struct SelectContext {
  const PlanContext& plan;
  bool delete_raw = false;  // remove the raw files of candidates left out
  // Downloads a candidate into plan.raw_dir (verified against its checksum) unless it is
  // there; DownloadError when it is missing and plan.download is false.
  std::function<void(const PlanUnit&)> obtain;
};

class InputSelector {
 public:
  virtual ~InputSelector() = default;
  // Narrows `units` (in place, plan order of the result is the selector's); returns log lines.
  virtual std::vector<std::string> select(std::vector<PlanUnit>& units, const SelectContext& ctx) const = 0;
};

struct SelectorType {
  std::string name;         // `[download] select_by = "<name>"`
  std::string description;  // one line for `rpdata steps`
  Keys keys;                // its [download] keys besides `select_by`
  std::function<std::unique_ptr<InputSelector>(const Params& download)> configure;
};

class SelectorRegistry {
 public:
  void add(SelectorType type);
  // nullptr when [download] has no select_by; ConfigError on an unknown one.
  std::unique_ptr<InputSelector> configure(const Params& download, const std::string& recipe) const;
  static Key select_by_key();  // the [download] key naming the selection
  const std::vector<SelectorType>& types() const { return types_; }

 private:
  std::vector<SelectorType> types_;
};

}  // namespace rpdata::download
