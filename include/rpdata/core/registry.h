// The step-type registry. Types are registered from one explicit list (exec/step_list.cpp),
// never by static self-registration, which the linker drops from static libraries.
// `rpdata steps` prints this list.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rpdata/core/params.h"
#include "rpdata/core/step.h"

namespace rpdata {

struct StepType {
  std::string name;         // recipe `type = "..."`
  std::string description;  // one line for `rpdata steps`
  // Builds the step from its recipe section. Must read every key it accepts; the caller
  // rejects keys left unread.
  std::function<std::unique_ptr<Step>(const Params&)> make;
};

class StepRegistry {
 public:
  void add(StepType type);
  const StepType* find(const std::string& name) const;
  // Builds a step; ConfigError names the step on unknown type or unknown keys.
  std::unique_ptr<Step> make(const std::string& name, const Params& params) const;
  const std::vector<StepType>& types() const { return types_; }

 private:
  std::vector<StepType> types_;
};

}  // namespace rpdata
