// License of a repository fetched as a tarball (the no-BigQuery path of the GitHub source):
// RedPajama kept repositories whose BigQuery `licenses.license` is mit*, bsd* or apache*.
// BigQuery took that from GitHub's licensee detection; we read the repository's own root
// LICENSE/LICENCE/COPYING file and match the licenses' fixed sentences (docs/github.md states
// the rule and its limits).
#pragma once

#include <string>
#include <string_view>

namespace rpdata::sources::github {

// True for a root file name GitHub's licensee would read as the license file:
// LICENSE, LICENCE or COPYING, any case, optionally followed by ".", "-" or "_" and more
// (LICENSE.md, LICENSE.txt, LICENSE-MIT, COPYING.BSD ...).
bool is_license_file_name(std::string_view name);

// "mit", "apache-2.0", "bsd-2-clause", "bsd-3-clause", "bsd-4-clause" (licensee's keys, the
// values BigQuery's `license` column holds), or "" for anything else (GPL family, MPL, ISC,
// Unlicense, unknown text). The text is compared after lowercasing ASCII and collapsing every
// run of non-alphanumeric characters into one space, so comment markers and re-wrapping do
// not matter. A text that names a GNU/Mozilla/Eclipse license is never permissive here.
std::string detect_license(std::string_view text);

}  // namespace rpdata::sources::github
