// Download shapes as types. An input planner turns a recipe's [download] table into the run's
// units (a URL pattern, a list file, one input per language, a bucket listing, ...). Each
// planner type is chosen by the [download] keys it declares as its triggers, reads its own
// keys and is registered by the download layer (generic shapes) or by a source (shapes only
// that source has, e.g. Common Crawl's path listing).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rpdata/core/params.h"
#include "rpdata/download/plan.h"
#include "rpdata/io/http_fetch.h"

namespace rpdata::download {

// Expected size and digests per file name, as a source publishes them.
using Published = std::map<std::string, io::Expect>;

// What a planner may use while planning.
struct PlanContext {
  std::string recipe;   // recipe name, for messages
  std::string base;     // --mirror as a URL, else [download] base_url; no trailing '/'; "" = none
  bool mirror = false;  // `base` is a --mirror
  bool download = true; // false: `rpdata process`, which never touches the network
  std::filesystem::path work_dir;  // the run's _work folder (listing caches, counts)
  std::filesystem::path raw_dir;   // where downloads land
  io::FetchOptions fetch;          // with the recipe's politeness settings
  // The run's published checksum table (loaded on first use), for planners that list their
  // candidates from it.
  std::function<const Published&()> published;

  // `base`, or ConfigError (no base_url, no --mirror).
  const std::string& require_base() const;
};

// A planner's result: the units in plan order and what the listing published about them.
struct Planned {
  std::vector<PlanUnit> units;
  Published expects;  // by part name (a bucket's manifest, listing sizes); may be empty
  // Set when downloads need other fetch options (e.g. a request signer).
  std::optional<io::FetchOptions> fetch;
  // Called before any byte is fetched with the units this task downloads; may log a cost
  // estimate and refuse with ConfigError unless `yes`.
  std::function<void(const std::vector<const PlanUnit*>& todo, const std::filesystem::path& raw_dir, bool yes)>
      before_fetch;
  std::vector<std::string> log;  // lines for the run's log (what was listed)
  // How the inputs listed differ from the snapshot RedPajama processed (another dump date,
  // papers past its cut-off), one line each; the run's plan records them and `rpdata report`
  // flags the slice. Empty when the inputs are RedPajama's.
  std::vector<std::string> deviations;
};

class InputPlanner {
 public:
  virtual ~InputPlanner() = default;
  virtual Planned plan(const PlanContext& ctx) const = 0;
  // Replaces this planner's placeholders (e.g. "{language}") in `text` for one of its units;
  // checksum kinds name per-unit checksum files with it.
  virtual std::string expand(const std::string& text, const PlanUnit& unit) const {
    (void)unit;
    return text;
  }
  // True when listing needs the network every time (a bucket listing without a cache):
  // `rpdata process` then reuses the plan the download published.
  virtual bool listing_needs_network() const { return false; }
  // False for shapes an [[inputs]] group cannot use (the group names the units itself).
  virtual bool groupable() const { return true; }
  // For a planner whose requests are signed: where its credentials come from, for messages
  // ("AWS credentials from environment (access key AKID...)"); "" when its requests are not
  // signed (also when it reads a mirror). ConfigError, as plan() would give, when it finds none.
  virtual std::string credentials(const PlanContext& ctx) const {
    (void)ctx;
    return {};
  }
};

struct PlannerType {
  std::string name;
  std::vector<std::string> triggers;  // [download] keys whose presence chooses this type
  // A fallback is dropped when another type's trigger is present too (`pattern` is also the
  // URL template of the language and list shapes).
  bool fallback = false;
  std::string description;  // one line for `rpdata steps`
  Keys keys;                // its [download] keys, triggers included
  // Reads its keys from [download] (the caller rejects keys left unread).
  std::function<std::unique_ptr<InputPlanner>(const Params& download)> configure;
  // Types this one replaces when both are chosen (a source's own shape that refines a generic
  // one: Wikipedia's dated dumps over the generic per-language pattern).
  std::vector<std::string> supersedes = {};
};

class PlannerRegistry {
 public:
  void add(PlannerType type);
  // The planner chosen by the triggers present in [download]; nullptr when none is (the run
  // then needs --input). ConfigError when two shapes are given.
  std::unique_ptr<InputPlanner> configure(const Params& download, const std::string& recipe) const;
  const std::vector<PlannerType>& types() const { return types_; }

 private:
  std::vector<PlannerType> types_;
};

}  // namespace rpdata::download
