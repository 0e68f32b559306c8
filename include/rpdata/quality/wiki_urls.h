// The positives' URL list of RedPajama's CC quality classifier: URLs inside <ref> tags of an
// English Wikipedia dump, with RedPajama's exact rule (RP data_prep/cc/classifier
// extract_urls.py, spec §1.7): per line of the XML file, the greedy span from the first
// "&lt;ref&gt" to the last "&lt;/ref&gt;", then every match of its URL regex
//   \b(?:https?|telnet|gopher|file|wais|ftp):[\w/#~:.?+=&%@!\-.:?\\-]+?(?=[.:?\-]*(?:[^\w/#~:.?+=&%@!\-.:?\-]|$))
// The dump is parsed as XML (expat; entity declarations refused), so lines are those of each
// element's character data, re-escaped as MediaWiki writes it (& < > ").
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace rpdata::quality {

// Appends the URLs of one escaped dump line (no '\n' inside) in regex order.
void extract_ref_urls(std::string_view escaped_line, std::vector<std::string>& out);

// MediaWiki's XML escaping of text: & < > " -> &amp; &lt; &gt; &quot;.
std::string mediawiki_xml_escape(std::string_view text);

struct WikiUrlStats {
  uint64_t pages = 0;      // <page> elements
  uint64_t lines = 0;      // character-data lines examined
  uint64_t ref_lines = 0;  // lines with a <ref>...</ref> span
  uint64_t urls = 0;       // URLs emitted (duplicates included, as RedPajama wrote them)
  uint64_t bytes = 0;      // decompressed XML bytes
};

// Streams a dump (plain, .bz2, .gz, .xz, .zst; multistream bz2 included) and calls `emit`
// for every URL in file order. Throws InputError on malformed XML or entity declarations.
WikiUrlStats extract_dump_urls(const std::filesystem::path& dump,
                               const std::function<void(std::string_view)>& emit);

}  // namespace rpdata::quality
