#include "rpdata/core/registry.h"

#include "rpdata/core/error.h"

namespace rpdata {

void StepRegistry::add(StepType type) {
  if (find(type.name)) throw ConfigError("step type '" + type.name + "' registered twice");
  types_.push_back(std::move(type));
}

const StepType* StepRegistry::find(const std::string& name) const {
  for (const auto& t : types_)
    if (t.name == name) return &t;
  return nullptr;
}

std::unique_ptr<Step> StepRegistry::make(const std::string& name, const Params& params,
                                         const ModelLookup& models) const {
  const StepType* type = find(name);
  if (!type) {
    std::string known;
    for (const auto& t : types_) known += (known.empty() ? "" : ", ") + t.name;
    throw ConfigError("unknown step type '" + name + "' (known: " + known + ")");
  }
  params.declare("step " + name, type->keys);
  auto step = type->make(params, models);
  params.reject_unused();
  return step;
}

void ReaderRegistry::add(ReaderType type) {
  if (find(type.name)) throw ConfigError("reader format '" + type.name + "' registered twice");
  types_.push_back(std::move(type));
}

const ReaderType* ReaderRegistry::find(const std::string& name) const {
  for (const auto& t : types_)
    if (t.name == name) return &t;
  return nullptr;
}

ReaderFactory ReaderRegistry::configure(const std::string& name, const Params& read,
                                        const ModelLookup& models) const {
  const ReaderType* type = find(name);
  if (!type) {
    std::string known;
    for (const auto& t : types_) known += (known.empty() ? "" : ", ") + t.name;
    throw ConfigError("[read] format '" + name + "' is not supported (known: " + known + ")");
  }
  read.declare("format " + name, type->keys);
  auto factory = type->configure(read, models);
  read.reject_unused();
  return factory;
}

std::shared_ptr<const UnitSplitter> ReaderRegistry::splitter(const std::string& name, const Params& read) const {
  const ReaderType* type = find(name);
  if (!type || !type->splitter) return nullptr;  // an unknown format fails in configure
  read.declare("format " + name, type->keys);
  return type->splitter(read);
}

}  // namespace rpdata
