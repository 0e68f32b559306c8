// The step-type and reader-type registries. Types are registered by each source's
// register_source (src/sources/registry.cpp lists the sources), never by static
// self-registration, which the linker drops from static libraries. `rpdata steps` prints them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rpdata/core/input_slice.h"
#include "rpdata/core/params.h"
#include "rpdata/core/step.h"

namespace rpdata {

// How a type finds the model files it names. The run gives one to every step and reader it
// builds (quality::RunModels: the model dirs, the recipe's missing_models policy, a cache).
class ModelLookup {
 public:
  virtual ~ModelLookup() = default;
  // The first of `files` found (each absolute, or relative to the model dirs). When none is:
  // a ConfigError naming `user`, the files, the dirs searched and how to get them; or, when
  // the run skips missing models, an empty path after one warning, and the type builds its
  // step without the model (its key docs say how it then behaves).
  virtual std::filesystem::path find(const std::string& user, const std::vector<std::string>& files) const = 0;
  // True when the run skips missing models: steps that read another model step's fields
  // then pass documents that lack them.
  virtual bool skips_missing() const = 0;
};

struct StepType {
  std::string name;         // recipe `type = "..."`
  std::string description;  // one line for `rpdata steps`
  Keys keys;                // the keys of its [[steps]] table (besides `type`)
  // Builds the step from its recipe section, reading its keys and finding its models (loaded
  // when first used); the caller rejects keys the recipe gives that it did not read.
  std::function<std::unique_ptr<Step>(const Params&, const ModelLookup&)> make;
};

class StepRegistry {
 public:
  void add(StepType type);
  const StepType* find(const std::string& name) const;
  // Builds a step; ConfigError names the step on unknown type or unknown keys.
  std::unique_ptr<Step> make(const std::string& name, const Params& params, const ModelLookup& models) const;
  const std::vector<StepType>& types() const { return types_; }

 private:
  std::vector<StepType> types_;
};

}  // namespace rpdata

namespace rpdata {

// What a reader opens: one processing unit of a run. A unit is one raw file, or several
// (`parts`, in plan order: e.g. the WET segments of one cc_net shard), or a slice of one.
struct ReaderInput {
  std::vector<std::filesystem::path> parts;  // at least one; local paths of the raw files
  std::string unit;                          // unit name: document ids are "<unit>/<n>"
  std::string source;                        // Document::source (the recipe's source)
  std::optional<InputSlice> slice = {};      // set: read only this range of parts[0]
};

// How a reader format cuts one large input into several units (InputSlice) from a companion
// file its publisher puts next to it (e.g. a multistream dump's index).
struct UnitSplitter {
  // The companion's file name for an input's file name; "" when this input has none.
  std::function<std::string(const std::string& input_name)> companion;
  // The slices of the input named `name` (its unit name), from the companion at `companion`;
  // `input` is the input file when it is already local (offsets are then checked against
  // it), else empty. Fewer than two slices: the input is read whole. InputError naming the
  // companion (or the input) and the byte offset on a damaged companion.
  std::function<std::vector<InputSlice>(const std::string& name, const std::filesystem::path& companion,
                                        const std::filesystem::path& input)>
      split;
  uint64_t max_unit_bytes = 0;  // the bound on a slice's input bytes (one group may exceed it)
  std::string how;              // one line for `rpdata plan`: how inputs are cut
};

// Opens one unit. Made once per run from the recipe's [read] table (keys already checked).
using ReaderFactory = std::function<std::unique_ptr<Reader>(const ReaderInput&)>;

struct ReaderType {
  std::string name;         // recipe `[read] format = "..."`
  std::string description;  // one line for `rpdata steps`
  Keys keys;                // its [read] keys (`format` and `on_error` belong to the runner)
  // Reads its keys from [read] (the caller rejects keys the recipe gives that it did not
  // read) and returns the factory.
  std::function<ReaderFactory(const Params&, const ModelLookup&)> configure;
  // Endings of its input names that output names drop (after a compression suffix such as
  // ".gz"): "c4-train.00000-of-01024.json.gz" -> "c4-train.00000-of-01024" with ".json".
  std::vector<std::string> name_suffixes = {};
  // Builds the format's splitter from [read] (its keys among `keys`); unset: the format reads
  // every input whole.
  std::function<std::shared_ptr<const UnitSplitter>(const Params&)> splitter = {};
  // Without a splitter: why one input cannot be cut into several units, for `rpdata plan`
  // ("" when the format's inputs are small enough that it never matters).
  std::string unsplittable = "";
};

class ReaderRegistry {
 public:
  void add(ReaderType type);
  const ReaderType* find(const std::string& name) const;
  // ConfigError naming the known formats on an unknown one; unread keys are rejected.
  ReaderFactory configure(const std::string& name, const Params& read, const ModelLookup& models) const;
  // The format's splitter from [read] (null when it has none); call before configure, which
  // rejects the keys nobody read.
  std::shared_ptr<const UnitSplitter> splitter(const std::string& name, const Params& read) const;
  const std::vector<ReaderType>& types() const { return types_; }

 private:
  std::vector<ReaderType> types_;
};

}  // namespace rpdata

namespace rpdata {

// One slice of RedPajama-Data-1T as its source declares it, for `rpdata report`.
struct SourceInfo {
  std::string name;                    // the slice, as RedPajama names it ("book")
  double published_tokens = 0;         // its published GPT-NeoX-20B token count
  std::vector<std::string> run_names;  // recipe `source` values whose runs build it
  // The RedPajama-Data-1T-Sample file (`rpdata subsample`) a record of this slice goes to,
  // from the plan unit it was made from (its name and group); unset: "<name>_sample.jsonl".
  std::function<std::string(const std::string& unit, const std::string& group)> sample_file = {};
};

// One source's part of the bundled offline sample (`rpdata sample`): a generator that writes
// its raw files, in the source's real format, into a mirror folder, and the sample recipe
// that runs them through the real downloader and pipeline.
struct SampleSource {
  // An integer knob of the generator; `rpdata sample` offers it as --<source>-<key>.
  struct Option {
    std::string key;
    int64_t value = 0;  // default
    int64_t min = 1, max = INT64_MAX;
    std::string doc;
  };
  using Options = std::map<std::string, int64_t>;  // key -> value, every declared option
  std::string source;  // the recipe's source, also the mirror folder's and `--only`'s name
  std::string recipe;  // "sample/<source>"
  std::vector<Option> options;
  // Writes the raw files into `mirror`; returns their names (relative to it).
  std::function<std::vector<std::string>(const std::filesystem::path& mirror, const Options&)> write;
  // Inputs of the recipe to run (-1: all).
  std::function<int64_t(const Options&)> limit = [](const Options&) { return int64_t{-1}; };
  // Models the sample recipe needs that no one publishes offline, made into `models`.
  std::function<void(const std::filesystem::path& models)> make_models;
  std::vector<std::string> inputs;  // local inputs (--input) among the files written, relative to the mirror
};

// A model file recipes name, as its publisher distributes it: `rpdata models download` fetches
// it into a model dir and checks it, `rpdata models list` says where it comes from.
struct PublishedModel {
  std::string name;               // `rpdata models download NAME`
  std::string file;               // its path under a model dir, as the recipes name it
  std::string description;        // one line: what it is, who uses it
  std::vector<std::string> urls;  // tried in order; empty: the user fetches it by hand (`how`)
  std::optional<uint64_t> size;   // pinned, where published or known
  std::string sha256;             // pinned, where published or known (lowercase hex)
  std::string licence;
  std::string how;                // provenance; for a by-hand model, how to get it
  // Throws VerifyError (the path, the reason) unless the file is a usable model of its kind:
  // a tokenizer that tokenizes, a supervised fastText model with the expected labels, a
  // complete KenLM binary (not an ARPA), ...
  std::function<void(const std::filesystem::path&)> verify;
};

// A flag a source offers on the commands that run a recipe (run, download, process, slurm,
// plan, doctor): `--<flag> VALUE` stands for `--set` assignments on a recipe of one of its
// sources, and is recorded with them in the run's plan.
struct RunFlag {
  std::string flag;        // without the dashes: "dump-date"
  std::string value_name;  // for --help: "YYYYMMDD|latest"
  std::string doc;         // one line for --help
  std::vector<std::string> sources;  // the recipe sources it applies to
  // The `--set` assignments VALUE stands for; ConfigError on a bad value.
  std::function<std::vector<std::string>(const std::string& value)> sets;
};

}  // namespace rpdata
