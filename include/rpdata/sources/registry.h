// The sources: each registers its reader formats, step types, download shapes, dedup kinds
// and slices through one function, sources::<name>::register_source, listed once in
// src/sources/registry.cpp.
#pragma once

#include "rpdata/core/registry.h"
#include "rpdata/dedup/kind.h"
#include "rpdata/download/checksums.h"
#include "rpdata/download/planner.h"
#include "rpdata/download/selector.h"

namespace rpdata {

// Everything a run looks recipe types up in: reader formats, step types, download shapes
// (input planners, checksum kinds, input selectors), dedup kinds, the slices and the samples.
struct Registries {
  StepRegistry steps;
  ReaderRegistry readers;
  download::PlannerRegistry planners;
  download::ChecksumRegistry checksums;
  download::SelectorRegistry selectors;
  dedup::DedupKindRegistry dedup_kinds;
  std::vector<SourceInfo> sources;
  std::vector<SampleSource> samples;
  std::vector<PublishedModel> models;  // the models its production recipes name (`rpdata models`)
  std::vector<RunFlag> run_flags;      // flags of the run commands that stand for --set assignments
  // Recipes a source ships as text (name, TOML) besides the ones built from configs/.
  std::vector<std::pair<std::string, std::string>> recipes;
};

}  // namespace rpdata

namespace rpdata::sources {

// Calls every source's register_source, in the list's order.
void register_all(Registries& r);

}  // namespace rpdata::sources
