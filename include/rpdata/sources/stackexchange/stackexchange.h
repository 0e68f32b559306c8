// StackExchange (20B tokens of RedPajama-Data-1T): one site's Posts.xml (streamed out of the
// Internet Archive's <site>.7z, or a plain Posts.xml) -> RedPajama's Q/A documents
// (data_prep/stack_exchange/filter.py + post_processing.py, spec §7):
// {"text": "Q: <title> <body>\nA: <answer>\nA: ...", "meta": {"language", "url",
// "timestamp": "2023-03-29", "source": "stackexchange", "question_score"}}.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rpdata/core/step.h"

namespace rpdata::quality {
class LangId;
}

namespace rpdata::sources::stackexchange {

enum class ScoreOrder {
  kString,   // RedPajama: sorted(key=score as the XML string, reverse=True): "9" before "10"
  kNumeric,  // by integer value, descending (stable for ties, like kString)
};

struct PostsReaderOptions {
  std::string member = "Posts.xml";  // member of the .7z to stream
  std::string site;                  // "" = from the unit name (site_from_unit_name)
  std::string source = "stackexchange";
  std::string id_prefix;             // document ids "<id_prefix>/<n>"
  ScoreOrder score_order = ScoreOrder::kString;
  uint64_t max_row_bytes = 256ull << 20;  // a longer line is a counted drop (read:row_too_long)
  // 0: the Q/A state (cleaned text of every kept question and answer, ~100 bytes per post)
  // stays in memory until the end of the site. > 0: bounded memory: questions go to a
  // temporary log and answers through an external sort with chunks of this many bytes
  // (same output); answers seen before their question wait in memory for it.
  uint64_t max_buffer_bytes = 0;
  std::filesystem::path spill_dir;  // temporary files of the bounded mode ("" = system temp dir)
  size_t batch_docs = 1024;
  std::shared_ptr<const quality::LangId> lid;  // null: meta.language is "" (documented)
  std::string timestamp = "2023-03-29";
};

// "beer.stackexchange.com.7z" -> "beer.stackexchange.com", "stackoverflow.com-Posts.7z" ->
// "stackoverflow.com" (post_processing.py maps Stack Overflow's files to stackoverflow.com),
// "x.stackexchange.com-Posts.xml" -> "x.stackexchange.com". ConfigError when the name is no
// site's ("Posts.xml").
std::string site_from_unit_name(const std::string& unit_name);

// Reads one site. Rows are lines 3..N-1 (RedPajama: count = lines - 3); each is parsed by
// expat. All rows are read before the first document is returned (answers may precede or
// follow their question); documents come out in question row order. Memory: in memory, or
// bounded by an external sort of the answers (max_buffer_bytes; same output).
class PostsReader final : public Reader {
 public:
  PostsReader(const std::filesystem::path& path, PostsReaderOptions options);
  ~PostsReader() override;
  bool next(Batch& batch) override;
  uint64_t bytes_read() const override;
  uint64_t raw_bytes_read() const override;

  // Counters of the pass over the rows (for tests and docs).
  struct Counts {
    int64_t rows = 0, questions = 0, answers = 0;
  };
  const Counts& counts() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Rows of a Posts.xml (RedPajama count.py's "lines - 3"), streamed out of a site .7z or a
// plain file: the post count that ranks sites for the top-28 selection.
int64_t count_posts(const std::filesystem::path& path, const std::string& member = "Posts.xml");

// RedPajama's selection: sites sorted by post count, descending (ties: name ascending, which
// Python's stable sort over os.listdir order left unspecified), the first `top` kept.
struct SiteCount {
  std::string name;
  int64_t posts = 0;
};
std::vector<SiteCount> select_top_sites(std::vector<SiteCount> sites, size_t top);

}  // namespace rpdata::sources::stackexchange

namespace rpdata::sources::stackexchange {

// The StackExchange part of the bundled offline sample: three tiny synthetic sites written
// as the Internet Archive lays them out (<site>.7z, 7-Zip/BZip2, holding Badges, Comments,
// PostHistory, PostLinks, Posts, Tags, Users and Votes .xml in the dump's row format), with
// answers before and after their questions, "9" vs "10" scores, lists, code, entities.
// Returns the file names written. Deterministic (fixed seed and mtimes).
std::vector<std::string> write_sample(const std::filesystem::path& dir);

// The XML attribute escaping of the dumps: & < > " and \n (&#xA;) \r (&#xD;) \t (&#x9;).
std::string xml_escape_attr(std::string_view s);

// Writes `members` (name, bytes) as a 7-Zip archive (BZip2, fixed mtime) to `path`,
// atomically. Used by the sample and by tests.
void write_7z(const std::filesystem::path& path, const std::vector<std::pair<std::string, std::string>>& members);

}  // namespace rpdata::sources::stackexchange
