// Synthetic Wikipedia dumps for the bundled offline sample, in the real multistream layout
// (see wikipedia.h write_sample). Deterministic: same options -> byte-identical files.
#include <bzlib.h>

#include <cstdio>
#include <string>

#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/hash.h"
#include "rpdata/sources/wikipedia/wikipedia.h"

namespace rpdata::sources::wikipedia {
namespace {

struct Rng {
  uint64_t s;
  uint64_t next() {  // splitmix64
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  size_t pick(size_t n) { return static_cast<size_t>(next() % n); }
};

const char* kWords[] = {"river", "valley", "north", "ancient", "city", "language", "music", "school", "history",
                        "people", "island", "mountain", "empire", "science", "railway", "bridge", "forest",
                        "village", "council", "museum", "winter", "harbour", "castle", "festival"};

struct Names {
  const char* file;      // the language's own File namespace alias
  const char* category;  // and Category alias
  const char* project;   // namespace 4 name
};
Names names_for(const std::string& lang) {
  if (lang == "de") return {"Datei", "Kategorie", "Wikipedia"};
  if (lang == "uk") return {"Файл", "Категорія", "Вікіпедія"};
  return {"File", "Category", "Wikipedia"};
}

std::string words(Rng& r, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) {
    if (i) s += ' ';
    s += kWords[r.pick(sizeof(kWords) / sizeof(kWords[0]))];
  }
  return s;
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

std::string article(Rng& r, const Names& nm, const std::string& title, int i) {
  std::string t;
  t += "{{Infobox place\n| name = " + title + "\n| population = " + std::to_string(1000 + r.pick(90000)) + "\n}}\n";
  t += "'''" + title + "''' is a " + words(r, 3) + " in the ''" + words(r, 2) + "'' region.<ref>" + words(r, 4) +
       ", p. " + std::to_string(r.pick(300)) + ".</ref> It lies near the [[" + words(r, 1) + "|" + words(r, 2) +
       "]] &amp; the [[" + words(r, 1) + "]]";
  t += "<ref name=\"a" + std::to_string(i) + "\">{{cite web|url=https://example.org/" + std::to_string(i) +
       "|title=" + words(r, 3) + "}}</ref>.<!-- editor note -->\n\n";
  t += "[[" + std::string(nm.file) + ":" + words(r, 1) + ".jpg|thumb|" + words(r, 3) + " with [[" + words(r, 1) +
       "]]]]\n";
  t += "== " + words(r, 2) + " ==\n" + words(r, 12) + " [https://example.org/" + words(r, 1) + " " + words(r, 2) +
       "] and " + words(r, 6) + "&nbsp;km.\n";
  t += "* " + words(r, 4) + "\n* " + words(r, 5) + "\n";
  if (i % 3 == 0)
    t += "\n{| class=\"wikitable\"\n|-\n! Year !! Value\n|-\n| 19" + std::to_string(10 + r.pick(89)) + " || " +
         std::to_string(r.pick(1000)) + "\n|}\n";
  if (i % 4 == 1) t += "\n<math>x^2 + y^2 = z^2</math> " + words(r, 5) + ".\n";
  t += "\n=== " + words(r, 1) + " ===\n" + words(r, 20) + ".__NOTOC__\n";
  t += "\n== References ==\n{{reflist}}\n\n[[" + std::string(nm.category) + ":" + words(r, 2) + "]]\n[[" +
       std::string(nm.category) + ":" + words(r, 1) + "|*]]\n";
  return t;
}

std::string page_xml(const std::string& title, int ns, uint64_t id, const std::string& text, const std::string& redirect) {
  std::string p = "  <page>\n    <title>" + xml_escape(title) + "</title>\n    <ns>" + std::to_string(ns) +
                  "</ns>\n    <id>" + std::to_string(id) + "</id>\n";
  if (!redirect.empty()) p += "    <redirect title=\"" + xml_escape(redirect) + "\" />\n";
  p += "    <revision>\n      <id>" + std::to_string(id * 10 + 7) + "</id>\n      <parentid>" +
       std::to_string(id * 10 + 3) +
       "</parentid>\n      <timestamp>2023-03-01T12:00:00Z</timestamp>\n      <contributor>\n        <username>Sample</username>\n"
       "        <id>42</id>\n      </contributor>\n      <model>wikitext</model>\n      <format>text/x-wiki</format>\n"
       "      <text bytes=\"" + std::to_string(text.size()) + "\" xml:space=\"preserve\">" + xml_escape(text) +
       "</text>\n      <sha1>" + io::sha256_hex(text).substr(0, 31) + "</sha1>\n    </revision>\n  </page>\n";
  return p;
}

std::string bz2(const std::string& data) {
  unsigned int cap = static_cast<unsigned int>(data.size() + data.size() / 100 + 600);
  std::string out(cap, '\0');
  int rc = BZ2_bzBuffToBuffCompress(out.data(), &cap, const_cast<char*>(data.data()),
                                    static_cast<unsigned int>(data.size()), 9, 0, 0);
  if (rc != BZ_OK) throw Error("bzip2 compression failed (" + std::to_string(rc) + ")");
  out.resize(cap);
  return out;
}

}  // namespace

std::vector<std::string> write_sample(const std::filesystem::path& dir, const SampleOptions& o) {
  std::vector<std::string> names;
  for (const auto& lang : o.languages) {
    uint64_t h = 1469598103934665603ull;  // FNV-1a of the language: explicit, never std::hash
    for (unsigned char c : lang) h = (h ^ c) * 1099511628211ull;
    Rng r{o.seed ^ h};
    Names nm = names_for(lang);
    std::string db = lang + "wiki", rel = db + "/" + o.date + "/", stem = db + "-" + o.date;
    std::string header = "<mediawiki xmlns=\"http://www.mediawiki.org/xml/export-0.10/\" "
                         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" version=\"0.10\" xml:lang=\"" +
                         lang + "\">\n  <siteinfo>\n    <sitename>Wikipedia</sitename>\n    <dbname>" + db +
                         "</dbname>\n    <base>https://" + lang +
                         ".wikipedia.org/wiki/Main_Page</base>\n    <generator>MediaWiki 1.41.0-wmf.1</generator>\n"
                         "    <case>first-letter</case>\n    <namespaces>\n      <namespace key=\"0\" case=\"first-letter\" />\n"
                         "      <namespace key=\"4\" case=\"first-letter\">" + nm.project +
                         "</namespace>\n    </namespaces>\n  </siteinfo>\n";
    std::string dump = bz2(header), index;
    std::string group;
    std::vector<std::string> group_index;
    auto flush = [&] {
      if (group.empty()) return;
      for (auto& line : group_index) index += std::to_string(dump.size()) + ":" + line + "\n";
      dump += bz2(group);
      group.clear();
      group_index.clear();
    };
    for (int i = 0; i < o.pages_per_language; ++i) {
      uint64_t id = static_cast<uint64_t>(10 + i);
      std::string title, text, redirect;
      int ns = 0;
      if (i == 3) {
        title = "Old " + words(r, 1);
        redirect = "Sample " + std::to_string(i - 1);
        text = "#REDIRECT [[" + redirect + "]]";
      } else if (i == 5) {
        ns = 4;
        title = std::string(nm.project) + ":About";
        text = "This page is about the project. {{Project}}";
      } else {
        title = "Sample " + std::to_string(i) + (i % 7 == 2 ? " (A/B & C)" : "");
        text = article(r, nm, title, i);
      }
      group += page_xml(title, ns, id, text, redirect);
      group_index.push_back(std::to_string(id) + ":" + title);
      if (static_cast<int>(group_index.size()) >= o.pages_per_stream) flush();
    }
    flush();
    dump += bz2("</mediawiki>\n");
    std::string dump_name = stem + "-pages-articles-multistream.xml.bz2";
    std::string index_name = stem + "-pages-articles-multistream-index.txt.bz2";
    std::filesystem::create_directories(dir / rel);
    io::write_file_atomic(dir / rel / dump_name, dump);
    io::write_file_atomic(dir / rel / index_name, bz2(index));
    std::string sums = io::md5_hex(dump) + "  " + dump_name + "\n" + io::md5_hex(bz2(index)) + "  " + index_name + "\n";
    io::write_file_atomic(dir / rel / (stem + "-md5sums.txt"), sums);
    names.push_back(rel + dump_name);
    names.push_back(rel + index_name);
    names.push_back(rel + stem + "-md5sums.txt");
  }
  return names;
}

}  // namespace rpdata::sources::wikipedia
