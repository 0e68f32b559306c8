// The StackExchange part of the bundled offline sample: synthetic sites in the real dump
// layout (see write_sample in the header).
#include <archive.h>
#include <archive_entry.h>

#include <filesystem>
#include <string_view>

#include "rpdata/core/error.h"
#include "rpdata/core/splitmix.h"
#include "rpdata/io/archive_error.h"
#include "rpdata/io/fs.h"
#include "rpdata/sources/stackexchange/stackexchange.h"

namespace rpdata::sources::stackexchange {
namespace {
namespace fs = std::filesystem;

using Rng = SplitMix64;

constexpr std::string_view kWords[] = {
    "the", "grind", "roast", "water", "temperature", "brew", "hops", "malt", "yeast", "kettle", "ferment",
    "bitter", "aroma", "taste", "filter", "espresso", "pressure", "bottle", "cellar", "glass", "foam", "barley",
    "is", "a", "of", "and", "to", "why", "does", "how", "my", "with", "café", "naïve", "Zürich", "“quoted”",
    "emoji🙂", "x<y", "A&B", "50%"};

std::string words(Rng& rng, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    if (i) s += ' ';
    s += kWords[rng.below(std::size(kWords))];
  }
  return s;
}

// HTML-escaped text for a post body (the dump's bodies are HTML).
std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

std::string body(Rng& rng) {
  std::string b = "<p>" + html_escape(words(rng, 6 + rng.below(20))) + "</p>\n";
  switch (rng.below(5)) {
    case 0: b += "<ul>\n<li>" + html_escape(words(rng, 3)) + "</li>\n<li>" + html_escape(words(rng, 4)) + "</li>\n</ul>\n"; break;
    case 1: b += "<ol>\n<li>first &amp; foremost</li>\n<li>then &quot;this&quot;&nbsp;one</li>\n</ol>\n"; break;
    case 2: b += "<pre><code>int x = 1;\nif (x &lt; 2) {\n    return;\n}\n</code></pre>\n"; break;
    case 3: b += "<blockquote>\n  <p>" + html_escape(words(rng, 5)) + " <a href=\"https://example.com/?a=1&amp;b=2\">link</a></p>\n</blockquote>\n"; break;
    default: b += "<p><strong>" + html_escape(words(rng, 2)) + "</strong> &#8212; <em>" + html_escape(words(rng, 3)) + "</em></p>\n"; break;
  }
  return b;
}

struct Post {
  int id = 0, type = 1, parent = 0;
  int score = 0;
  std::string title, body, date;
};

std::string row(const Post& p) {
  std::string r = "  <row Id=\"" + std::to_string(p.id) + "\" PostTypeId=\"" + std::to_string(p.type) + "\"";
  if (p.parent) r += " ParentId=\"" + std::to_string(p.parent) + "\"";
  r += " CreationDate=\"" + p.date + "\" Score=\"" + std::to_string(p.score) + "\" Body=\"" + xml_escape_attr(p.body) +
       "\" OwnerUserId=\"" + std::to_string(1 + p.id % 7) + "\" LastActivityDate=\"" + p.date + "\"";
  if (!p.title.empty())
    r += " Title=\"" + xml_escape_attr(p.title) + "\" Tags=\"" + xml_escape_attr("<sample><synthetic>") + "\"";
  r += " CommentCount=\"0\" ContentLicense=\"CC BY-SA 4.0\" />\n";
  return r;
}

std::string table(std::string_view root, const std::string& rows) {
  return "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<" + std::string(root) + ">\n" + rows + "</" +
         std::string(root) + ">";
}

std::vector<std::pair<std::string, std::string>> site_members(uint64_t seed, int questions) {
  Rng rng{seed};
  std::vector<Post> posts;
  int next_id = 1;
  std::vector<Post> late;  // answers written after later questions
  for (int q = 0; q < questions; ++q) {
    Post p;
    p.id = next_id++;
    p.score = static_cast<int>(rng.below(25)) - 3;
    p.title = words(rng, 3 + rng.below(6)) + "?";
    p.body = body(rng);
    p.date = "2016-0" + std::to_string(1 + q % 9) + "-1" + std::to_string(q % 10) + "T12:00:00.000";
    int answers = static_cast<int>(rng.below(4));
    if (q % 11 == 5) {  // an answer that precedes its question in the file
      posts.push_back(Post{next_id++, 2, p.id, 10, "", body(rng), p.date});
    }
    posts.push_back(p);
    for (int k = 0; k < answers; ++k) {
      Post a{next_id++, 2, p.id, k == 0 ? 9 : static_cast<int>(rng.below(15)) - 2, "", body(rng), p.date};
      if (rng.below(4) == 0) late.push_back(a);
      else posts.push_back(a);
    }
    if (q % 7 == 3) {  // a tag wiki excerpt (no title): never a document
      posts.push_back(Post{next_id++, 4, 0, 0, "", "<p>tag excerpt</p>", p.date});
    }
  }
  for (auto& a : late) posts.push_back(a);
  posts.push_back(Post{next_id++, 2, 999999, 1, "", "<p>orphan answer</p>\n", "2016-12-01T00:00:00.000"});
  std::string rows;
  for (const auto& p : posts) rows += row(p);
  std::string users = "  <row Id=\"1\" Reputation=\"101\" DisplayName=\"sample user\" />\n";
  std::string tags = "  <row Id=\"1\" TagName=\"sample\" Count=\"" + std::to_string(questions) + "\" />\n";
  return {{"Badges.xml", table("badges", "")},      {"Comments.xml", table("comments", "")},
          {"PostHistory.xml", table("posthistory", "")}, {"PostLinks.xml", table("postlinks", "")},
          {"Posts.xml", table("posts", rows)},      {"Tags.xml", table("tags", tags)},
          {"Users.xml", table("users", users)},     {"Votes.xml", table("votes", "")}};
}

}  // namespace

std::string xml_escape_attr(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\n': out += "&#xA;"; break;
      case '\r': out += "&#xD;"; break;
      case '\t': out += "&#x9;"; break;
      default: out += c;
    }
  }
  return out;
}

void write_7z(const fs::path& path, const std::vector<std::pair<std::string, std::string>>& members) {
  fs::create_directories(path.parent_path().empty() ? fs::path(".") : path.parent_path());
  fs::path tmp = io::temp_sibling(path);
  io::ArchiveWritePtr a(archive_write_new());
  if (!a) throw std::bad_alloc();
  auto fail = [&](const char* what) {
    std::string err = io::archive_error_text(a.get());
    a.reset();
    std::error_code ec;
    fs::remove(tmp, ec);
    throw IoError(std::string(what) + ": " + err, tmp.string());
  };
  if (archive_write_set_format_7zip(a.get()) != ARCHIVE_OK) fail("7zip format");
  if (archive_write_set_format_option(a.get(), "7zip", "compression", "bzip2") != ARCHIVE_OK) fail("7zip bzip2");
  if (archive_write_open_filename(a.get(), tmp.c_str()) != ARCHIVE_OK) fail("cannot create");
  for (const auto& [name, data] : members) {
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(e.get(), name.c_str());
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), 0644);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(data.size()));
    archive_entry_set_mtime(e.get(), 1590973920, 0);  // 2020-06-01 01:12:00 UTC, like the real dump
    if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK) fail("cannot write header");
    if (!data.empty() &&
        archive_write_data(a.get(), data.data(), data.size()) != static_cast<la_ssize_t>(data.size()))
      fail("cannot write data");
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) fail("cannot close");
  a.reset();
  io::rename_durable(tmp, path);
}

std::vector<std::string> write_sample(const fs::path& dir) {
  struct Site {
    const char* name;
    uint64_t seed;
    int questions;
  };
  const Site sites[] = {{"beer.stackexchange.com", 20230329, 60},
                        {"coffee.stackexchange.com", 20230330, 25},
                        {"3dprinting.stackexchange.com", 20230331, 40}};
  std::vector<std::string> names;
  for (const auto& s : sites) {
    std::string file = std::string(s.name) + ".7z";
    write_7z(dir / file, site_members(s.seed, s.questions));
    names.push_back(file);
  }
  return names;
}

}  // namespace rpdata::sources::stackexchange
