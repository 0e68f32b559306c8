// Checksum kinds: how a source publishes what its files should be (a SHA256SUMS file, an
// md5sums file per folder, Hugging Face LFS pointers, an Internet Archive files.xml, a bucket
// manifest). `[download] checksums = "<kind>"` chooses one; each kind reads its own keys.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rpdata/core/params.h"
#include "rpdata/download/planner.h"
#include "rpdata/io/http_fetch.h"

namespace rpdata::download {

struct ChecksumContext {
  io::Fetcher& fetcher;
  std::string base;               // the download base URL (no trailing '/'); may be empty
  const InputPlanner* planner;    // the recipe's planner (placeholders); may be null
  const Planned* planned;         // what the planner's listing published; may be null

  // base + "/" + file, or ConfigError when there is no base to fetch `file` from.
  std::string url_of(const std::string& file) const;
};

class Checksums {
 public:
  virtual ~Checksums() = default;
  // The table published once for the whole run (e.g. SHA256SUMS under the base URL); read
  // once before downloads. Empty for kinds that look files up one by one.
  virtual Published load(const ChecksumContext& ctx) const {
    (void)ctx;
    return {};
  }
  // Expected size/digests of one file to download (`file` is the unit or one of its parts);
  // DownloadError when the source should publish one and does not.
  virtual io::Expect expect(const PlanUnit& file, const Published& table, const ChecksumContext& ctx) const = 0;
};

struct ChecksumType {
  std::string name;         // `[download] checksums = "<name>"`
  std::string description;  // one line for `rpdata steps`
  Keys keys;                // its [download] keys besides `checksums`
  std::function<std::unique_ptr<Checksums>(const Params& download)> configure;
};

class ChecksumRegistry {
 public:
  void add(ChecksumType type);
  // The kind named by [download] checksums ("none" when absent); ConfigError naming the
  // known kinds otherwise.
  std::unique_ptr<Checksums> configure(const Params& download, const std::string& recipe) const;
  static Key checksums_key();  // the [download] key naming the kind
  const std::vector<ChecksumType>& types() const { return types_; }

 private:
  std::vector<ChecksumType> types_;
};

// The entry of `file` in `table`; DownloadError when the source published none for it.
io::Expect published_entry(const Published& table, const PlanUnit& file);

// One checksum file for the whole run under the base URL (a SHA256SUMS, an Internet Archive
// files.xml), parsed into the table; every file to download must have an entry.
class ChecksumFile : public Checksums {
 public:
  using Parse = std::function<Published(const std::string& text)>;
  ChecksumFile(std::string file, Parse parse) : file_(std::move(file)), parse_(std::move(parse)) {}
  Published load(const ChecksumContext& ctx) const override { return parse_(ctx.fetcher.get(ctx.url_of(file_))); }
  io::Expect expect(const PlanUnit& file, const Published& table, const ChecksumContext&) const override {
    return published_entry(table, file);
  }

 private:
  std::string file_;
  Parse parse_;
};

// A checksum file next to each input (in its URL's folder), named with the planner's
// placeholders (Wikimedia's <lang>wiki-<date>-md5sums.txt, an Internet Archive item's
// <item>_files.xml), fetched and parsed for each input; the input must have an entry.
class InputChecksumFile : public Checksums {
 public:
  using Parse = std::function<Published(const std::string& text)>;
  InputChecksumFile(std::string file, Parse parse) : file_(std::move(file)), parse_(std::move(parse)) {}
  io::Expect expect(const PlanUnit& file, const Published& table, const ChecksumContext& ctx) const override;

 private:
  std::string file_;
  Parse parse_;
};

// A fixed table (e.g. gathered from the groups of a multi-group recipe): a file without an
// entry is checked by length only.
class PublishedChecksums : public Checksums {
 public:
  explicit PublishedChecksums(Published table) : table_(std::move(table)) {}
  Published load(const ChecksumContext&) const override { return table_; }
  io::Expect expect(const PlanUnit& file, const Published& table, const ChecksumContext&) const override;

 private:
  Published table_;
};

}  // namespace rpdata::download
