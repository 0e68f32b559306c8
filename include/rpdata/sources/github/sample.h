// The GitHub part of the bundled offline sample (`rpdata sample`): a small BigQuery-style
// export (gzip JSONL rows with RedPajama's query columns) of generated files that exercise
// every rule: copyright headers, licensed and unlicensed repositories, .crt/LICENSE paths,
// duplicates, binary (null content), invalid UTF-8, long lines, low alnum, low alphabetic
// chars per token, non-whitelisted extensions and Unicode line breaks.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace rpdata::sources::github {

// Writes github_000000000000.gz and github_000000000001.gz into `dir` (deterministic bytes)
// and returns their names.
std::vector<std::string> write_sample(const std::filesystem::path& dir);

}  // namespace rpdata::sources::github
