// The registries a run looks recipe types up in: the generic `jsonl` reader, download shapes
// and `exact` dedup kind, then every source's readers, steps, shapes, dedup kinds, slices and
// samples (sources::register_all).
#include <functional>
#include <stdexcept>

#include "rpdata/core/error.h"
#include "rpdata/dedup/kind.h"
#include "rpdata/download/builtin.h"
#include "rpdata/exec/runner.h"
#include "rpdata/io/jsonl_reader.h"
#include "rpdata/sources/registry.h"

namespace rpdata::exec {
namespace {

ReaderFactory configure_jsonl(const Params& p, const ModelLookup&) {
  io::JsonlReaderOptions o;
  o.text_field = p.get_string("text_field");
  o.max_line_bytes = static_cast<uint64_t>(p.get_int("max_line_bytes"));
  o.batch_docs = static_cast<size_t>(p.get_int("batch_docs"));
  return [o](const ReaderInput& in) -> std::unique_ptr<Reader> {
    if (in.parts.size() != 1) throw ConfigError("[read] format jsonl reads one file per input");
    io::JsonlReaderOptions opt = o;
    opt.source = in.source;
    opt.id_prefix = in.unit;
    return std::make_unique<io::JsonlReader>(in.parts[0], opt);
  };
}

std::vector<std::function<void(Registries&)>>& added_sources() {
  static std::vector<std::function<void(Registries&)>> added;
  return added;
}
bool g_registries_built = false;

}  // namespace

void add_source(std::function<void(Registries&)> register_source) {
  if (g_registries_built) throw std::logic_error("add_source after the registries were built");
  added_sources().push_back(std::move(register_source));
}

const Registries& registries() {
  static const Registries registries = [] {
    g_registries_built = true;
    Registries r;
    r.readers.add({"jsonl", "JSON Lines (plain, .gz, .bz2, .xz, .zst), one document per line",
                   {Key::text("text_field", "text", "the field holding the text; the others become meta"),
                    Key::integer("max_line_bytes", 64ll << 20, "a longer line fails the unit"),
                    Key::integer("batch_docs", 1024, "documents per batch")},
                   configure_jsonl, {".jsonl", ".json"}});
    download::register_builtin(r.planners, r.checksums);
    r.dedup_kinds.add(dedup::exact_kind_type());
    sources::register_all(r);
    for (const auto& add : added_sources()) add(r);
    return r;
  }();
  return registries;
}

const StepRegistry& step_registry() { return registries().steps; }
const ReaderRegistry& reader_registry() { return registries().readers; }
const std::vector<SourceInfo>& source_infos() { return registries().sources; }
const std::vector<SampleSource>& sample_sources() { return registries().samples; }

}  // namespace rpdata::exec
