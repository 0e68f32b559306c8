// A complete toy source defined entirely here and registered with one call: a download shape
// (a catalog file on the server names the inputs), a reader (one document per line), a step
// (meta "chars", short lines dropped), a published token count for `rpdata report`, built-in
// recipes, and a sample for `rpdata sample`. tests/toy/toy_source.sh runs it end to end
// against a loopback HTTP server; nothing outside tests/toy knows it exists.
#include <filesystem>
#include <fstream>
#include <memory>

#include "rpdata/cli/app.h"
#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/line_reader.h"

namespace toy {
using namespace rpdata;
namespace fs = std::filesystem;

// [download] catalog = "catalog.txt": the inputs are the names listed in that file (one per
// line) under the base URL.
class CatalogPlanner : public download::InputPlanner {
 public:
  explicit CatalogPlanner(std::string catalog) : catalog_(std::move(catalog)) {}
  download::Planned plan(const download::PlanContext& ctx) const override {
    io::Fetcher fetcher(ctx.fetch);
    std::string text = fetcher.get(ctx.require_base() + "/" + catalog_);
    download::Planned out;
    size_t start = 0;
    while (start < text.size()) {
      size_t nl = text.find('\n', start);
      std::string name = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      start = nl == std::string::npos ? text.size() : nl + 1;
      if (!name.empty()) out.units.push_back({name, ctx.base + "/" + name, ""});
    }
    return out;
  }

 private:
  std::string catalog_;
};

// One document per line; an empty line is a counted drop.
class LinesReader : public Reader {
 public:
  explicit LinesReader(const ReaderInput& in)
      : in_(in), lines_(io::InputStream::open(in.parts.at(0))) {}
  bool next(Batch& batch) override {
    batch.docs.clear();
    batch.drops.clear();
    io::Line line;
    while (batch.docs.size() < 100 && lines_.next(line)) {
      if (line.text.empty()) {
        ++batch.drops["read:empty_line"];
        continue;
      }
      Document d;
      d.id = in_.unit + "/" + std::to_string(n_++);
      d.text = std::string(line.text);
      d.source = in_.source;
      batch.docs.push_back(std::move(d));
    }
    return !batch.docs.empty() || !batch.drops.empty();
  }
  uint64_t bytes_read() const override { return lines_.stream().compressed_offset(); }

 private:
  ReaderInput in_;
  io::LineReader lines_;
  int64_t n_ = 0;
};

// Adds meta {"chars": n}; drops documents shorter than min_chars ("toy_chars:short").
class CharsStep : public Filter {
 public:
  explicit CharsStep(const Params& p) : min_chars_(p.get_int("min_chars")) {}
  std::string_view name() const override { return "toy_chars"; }

 protected:
  bool keep(Document& doc, std::string& reason) override {
    if (static_cast<int64_t>(doc.text.size()) < min_chars_) {
      reason = "short";
      return false;
    }
    doc.meta.set("chars", static_cast<int64_t>(doc.text.size()));
    return true;
  }

 private:
  int64_t min_chars_;
};

constexpr const char* kRecipe = R"(source = "toy"
[download]
base_url = ""
catalog = "catalog.txt"
checksums = "sha256sums"
[read]
format = "toy_lines"
[[steps]]
type = "toy_chars"
min_chars = 3
[output]
tokenizers = []
)";

void register_source(Registries& r) {
  r.planners.add({"catalog", {"catalog"}, false, "the names listed in a catalog file under the base URL",
                  {Key::require("catalog", ParamType::kString, "the catalog file under base_url")},
                  [](const Params& d) { return std::make_unique<CatalogPlanner>(d.get_string("catalog")); }});
  r.readers.add({"toy_lines", "one document per line", {},
                 [](const Params&, const ModelLookup&) -> ReaderFactory {
                   return [](const ReaderInput& in) { return std::make_unique<LinesReader>(in); };
                 },
                 {".txt"}});
  r.steps.add({"toy_chars", "meta chars = text length; drops lines shorter than min_chars",
               {Key::integer("min_chars", 0, "the shortest line kept")},
               [](const Params& p, const ModelLookup&) { return std::make_unique<CharsStep>(p); }});
  r.sources.push_back({"toy", 12, {"toy"}});
  r.recipes.push_back({"toy", kRecipe});
  r.recipes.push_back({"sample/toy", kRecipe});
  r.samples.push_back({"toy", "sample/toy", {{"files", 2, 1, 9, "toy sample: number of files"}},
                       [](const fs::path& mirror, const SampleSource::Options& o) {
                         fs::create_directories(mirror);
                         std::vector<std::string> names;
                         std::string catalog;
                         for (int64_t f = 0; f < o.at("files"); ++f) {
                           std::string name = "part" + std::to_string(f) + ".txt";
                           io::write_file_atomic(mirror / name, "hello toy " + std::to_string(f) + "\n\nab\nbye\n");
                           names.push_back(name);
                           catalog += name + "\n";
                         }
                         io::write_file_atomic(mirror / "catalog.txt", catalog);
                         return names;
                       }});
}

}  // namespace toy

int main(int argc, char** argv) { return rpdata::cli::run(argc, argv, toy::register_source); }
