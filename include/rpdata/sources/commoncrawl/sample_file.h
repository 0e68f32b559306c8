// Which RedPajama-Data-1T-Sample file a CommonCrawl record belongs to: the published sample
// (huggingface.co/datasets/togethercomputer/RedPajama-Data-1T-Sample@776f0cf) has one file
// per dump, "cc_2019-30_sample.jsonl" ... "cc_2023-06_sample.jsonl".
#pragma once

#include <string>

namespace rpdata::sources::commoncrawl {

// The dump of a unit: its plan group (the listing planner groups units by `dumps`), else the
// "YYYY-WW" its name starts with (unit_name "{dump}_{index:04}"), else "" (cannot be told).
std::string unit_dump(const std::string& unit, const std::string& group);

// "cc_<dump>_sample.jsonl"; "cc_sample.jsonl" (one file for all) when the dump cannot be told.
std::string sample_file(const std::string& unit, const std::string& group);

}  // namespace rpdata::sources::commoncrawl
