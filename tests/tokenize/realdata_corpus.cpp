#include "tokenize/realdata_corpus.h"

#include <archive.h>
#include <archive_entry.h>
#include <simdjson.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>

#include "rpdata/io/input_stream.h"
#include "rpdata/io/json_writer.h"
#include "rpdata/text/utf8.h"

namespace rpdata::test {
namespace fs = std::filesystem;
namespace {

std::string read_stream(const fs::path& p) {
  auto in = io::InputStream::open(p);
  std::string out;
  std::string buf(1 << 16, '\0');
  while (size_t n = in->read(buf.data(), buf.size())) out.append(buf.data(), n);
  return out;
}

std::vector<fs::path> files_in(const fs::path& dir, const std::function<bool(const fs::path&)>& keep) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && keep(e.path())) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Members of an archive (any format libarchive reads) whose name passes `keep`.
std::vector<std::pair<std::string, std::string>> archive_members(
    const fs::path& p, const std::function<bool(std::string_view)>& keep) {
  std::vector<std::pair<std::string, std::string>> out;
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_all(a);
  if (archive_read_open_filename(a, p.c_str(), 1 << 16) != ARCHIVE_OK) {
    std::string err = archive_error_string(a);
    archive_read_free(a);
    throw std::runtime_error(p.string() + ": " + err);
  }
  archive_entry* entry;
  while (archive_read_next_header(a, &entry) == ARCHIVE_OK) {
    const char* name = archive_entry_pathname(entry);
    if (name == nullptr || !keep(name)) continue;
    std::string data;
    char buf[1 << 16];
    la_ssize_t n;
    while ((n = archive_read_data(a, buf, sizeof(buf))) > 0) data.append(buf, static_cast<size_t>(n));
    out.emplace_back(name, std::move(data));
  }
  archive_read_free(a);
  return out;
}

// Splits `text` after the first '\n' past every `chunk` bytes.
std::vector<std::string> chunks(const std::string& text, size_t chunk) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t cut = text.find('\n', std::min(text.size(), pos + chunk));
    cut = cut == std::string::npos ? text.size() : cut + 1;
    out.push_back(text.substr(pos, cut - pos));
    pos = cut;
  }
  return out;
}

// The unescaped value of attribute `name` in one XML start-tag line; false if absent.
bool xml_attribute(std::string_view line, std::string_view name, std::string& value) {
  std::string key(" ");
  key.append(name).append("=\"");
  const size_t b = line.find(key);
  if (b == std::string_view::npos) return false;
  const size_t s = b + key.size();
  const size_t e = line.find('"', s);
  if (e == std::string_view::npos) return false;
  value = xml_unescape(line.substr(s, e - s));
  return true;
}

// Stack Exchange Posts.xml rows as Title + "\n" + Body (Body alone for answers).
void add_posts(const std::string& xml, const std::string& prefix, std::vector<CorpusDoc>& out) {
  std::istringstream in(xml);
  size_t row = 0;
  for (std::string line; std::getline(in, line);) {
    std::string body, title;
    if (line.find("<row ") == std::string::npos || !xml_attribute(line, "Body", body)) continue;
    if (xml_attribute(line, "Title", title)) body = title + "\n" + body;
    out.push_back({prefix + "#" + std::to_string(row++), std::move(body)});
  }
}

}  // namespace

std::string xml_unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += s[i];
      continue;
    }
    const std::string_view ent = s.substr(i + 1, semi - i - 1);
    if (ent == "lt") out += '<';
    else if (ent == "gt") out += '>';
    else if (ent == "amp") out += '&';
    else if (ent == "quot") out += '"';
    else if (ent == "apos") out += '\'';
    else if (ent.size() > 1 && ent[0] == '#') {
      const bool hex = ent[1] == 'x' || ent[1] == 'X';
      const std::string digits(ent.substr(hex ? 2 : 1));
      char* end = nullptr;
      const unsigned long cp = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
      if (digits.empty() || *end != '\0' || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        out += s[i];
        continue;
      }
      text::append_utf8(out, static_cast<uint32_t>(cp));
    } else {
      out += s[i];
      continue;
    }
    i = semi;
  }
  return out;
}

std::vector<CorpusDoc> realdata_corpus(const fs::path& real, const CorpusParts& parts,
                                       size_t* skipped) {
  std::vector<CorpusDoc> docs;
  if (parts.c4) {
    for (const auto& f : files_in(real / "c4", [](const fs::path& p) {
           return p.extension() == ".jsonl";
         })) {
      std::istringstream in(read_stream(f));
      simdjson::dom::parser parser;
      size_t i = 0;
      for (std::string line; std::getline(in, line); ++i) {
        std::string_view text;
        if (parser.parse(line)["text"].get(text)) continue;
        docs.push_back({"c4/" + std::to_string(i), std::string(text)});
      }
    }
  }
  if (parts.books) {
    for (const auto& f : files_in(real / "books", [](const fs::path& p) {
           return p.extension() == ".txt";
         })) {
      size_t i = 0;
      for (auto& c : chunks(read_stream(f), 4096)) {
        docs.push_back({"books/" + f.filename().string() + "#" + std::to_string(i++), std::move(c)});
      }
    }
  }
  if (parts.wiki) {
    for (const auto& f : files_in(real / "wikipedia", [](const fs::path& p) {
           return p.extension() == ".bz2";
         })) {
      const std::string xml = read_stream(f);
      size_t pos = 0, i = 0;
      while ((pos = xml.find("<text", pos)) != std::string::npos) {
        const size_t gt = xml.find('>', pos);
        if (gt == std::string::npos) break;
        if (xml[gt - 1] == '/') {  // <text ... /> : empty page
          pos = gt;
          continue;
        }
        const size_t end = xml.find("</text>", gt);
        if (end == std::string::npos) break;
        docs.push_back({"wiki/" + f.filename().string() + "#" + std::to_string(i++),
                        xml_unescape(std::string_view(xml).substr(gt + 1, end - gt - 1))});
        pos = end;
      }
    }
  }
  if (parts.stackexchange) {
    const fs::path coffee = real / "stackexchange" / "coffee.stackexchange.com-2015-Posts.xml";
    if (fs::exists(coffee)) add_posts(read_stream(coffee), "se/coffee", docs);
    const fs::path beer = real / "stackexchange" / "beer.stackexchange.com.7z";
    if (parts.beer_7z && fs::exists(beer)) {
      for (auto& [name, data] :
           archive_members(beer, [](std::string_view n) { return n == "Posts.xml"; })) {
        add_posts(data, "se/beer", docs);
      }
    }
  }
  if (parts.arxiv) {
    for (const auto& f : files_in(real / "arxiv" / "papers", [](const fs::path&) { return true; })) {
      const std::string name = f.filename().string();
      if (ends_with(name, ".tex.gz")) {
        docs.push_back({"arxiv/" + name, read_stream(f)});
        continue;
      }
      for (auto& [member, data] : archive_members(f, [](std::string_view n) {
             return ends_with(n, ".tex") && n.find("/._") == std::string_view::npos &&
                    n.substr(0, 2) != "._";
           })) {
        docs.push_back({"arxiv/" + name + "/" + member, std::move(data)});
      }
    }
  }
  size_t bad = 0;
  std::erase_if(docs, [&](const CorpusDoc& d) {
    const bool invalid = !text::is_valid_utf8(d.text);
    bad += invalid;
    return invalid;
  });
  if (skipped) *skipped = bad;
  return docs;
}

void write_corpus_jsonl(const std::vector<CorpusDoc>& docs, const fs::path& out) {
  std::string buf;
  for (const auto& d : docs) {
    buf += "{\"name\":";
    io::append_json_string(buf, d.name, io::JsonStyle::kCompact);
    buf += ",\"text\":";
    io::append_json_string(buf, d.text, io::JsonStyle::kCompact);
    buf += "}\n";
  }
  std::ofstream f(out, std::ios::binary);
  f << buf;
  if (!f) throw std::runtime_error("cannot write " + out.string());
}

}  // namespace rpdata::test
