// The CommonCrawl part of the bundled offline sample (see sample.h).
#include <array>
#include <cstdio>
#include <string_view>

#include "rpdata/core/splitmix.h"
#include "rpdata/io/gzip_writer.h"
#include "rpdata/io/fs.h"
#include "rpdata/io/hash.h"
#include "rpdata/sources/commoncrawl/sample.h"

namespace rpdata::sources::commoncrawl {
namespace {

using Rng = SplitMix64;

// Sentences from templates: subject + verb phrase + place + time, so pages rarely share a
// line (only the boilerplate below is meant to be shared). Fluent English has a low
// perplexity under an English LM; word salad a high one.
constexpr std::array<std::string_view, 12> kEnSubject = {
    "The city council", "Our small team", "The local school", "A group of students", "The new museum",
    "The football club", "My grandmother", "The village choir", "The hospital staff", "A young farmer",
    "The public library", "The train company"};
constexpr std::array<std::string_view, 12> kEnVerb = {
    "decided to open a new garden", "spent the whole week planning a festival", "raised money for the children",
    "announced a plan to build a bridge", "invited everyone to a free concert", "started a project to clean the river",
    "changed the opening hours", "welcomed more visitors than ever before", "published a short report on the weather",
    "asked residents to share their stories", "hired two new teachers", "repaired the old church roof"};
constexpr std::array<std::string_view, 10> kEnPlace = {
    "in the north of the county", "near the old market square", "on the edge of town", "in the centre of the city",
    "along the river", "next to the railway station", "in the small village", "at the top of the hill",
    "behind the town hall", "close to the beach"};
constexpr std::array<std::string_view, 10> kEnTime = {
    "last spring", "earlier this year", "during the long winter", "on Tuesday evening", "after the summer holidays",
    "in the autumn of 2018", "before the election", "over the weekend", "at the end of the month", "two years ago"};

constexpr std::array<std::string_view, 40> kWords = {
    "garden", "quantum", "river", "purple", "seventeen", "ledger", "across", "biscuit", "market", "velvet",
    "thunder", "ancient", "copper", "whisper", "ladder", "orbit", "engine", "silent", "harbor", "fabric",
    "mirror", "tunnel", "lantern", "shadow", "pillow", "marble", "candle", "voyage", "meadow", "falcon",
    "cobalt", "saddle", "puzzle", "glacier", "timber", "anchor", "basket", "crimson", "furnace", "jungle"};

struct Lang {
  std::array<std::string_view, 6> subject, verb, place, time;
};
constexpr Lang kGerman = {
    {"Die Stadtverwaltung", "Unsere kleine Gruppe", "Die örtliche Schule", "Der Fußballverein", "Das neue Museum",
     "Der Dorfchor"},
    {"hat einen neuen Garten eröffnet", "hat ein großes Fest geplant", "hat Geld für die Kinder gesammelt",
     "hat den Bau einer Brücke angekündigt", "hat alle zu einem Konzert eingeladen", "hat die Öffnungszeiten geändert"},
    {"im Norden der Region", "in der Nähe des alten Marktplatzes", "am Rande der Stadt", "im Zentrum der Stadt",
     "entlang des Flusses", "neben dem Bahnhof"},
    {"im letzten Frühling", "Anfang dieses Jahres", "während des langen Winters", "am Dienstagabend",
     "nach den Sommerferien", "vor zwei Jahren"}};
constexpr Lang kFrench = {
    {"Le conseil municipal", "Notre petite équipe", "L'école du quartier", "Le club de football", "Le nouveau musée",
     "La chorale du village"},
    {"a ouvert un nouveau jardin", "a préparé une grande fête", "a collecté de l'argent pour les enfants",
     "a annoncé la construction d'un pont", "a invité tout le monde à un concert", "a changé les horaires d'ouverture"},
    {"dans le nord de la région", "près de la vieille place du marché", "au bord de la ville", "au centre de la ville",
     "le long de la rivière", "à côté de la gare"},
    {"au printemps dernier", "au début de cette année", "pendant le long hiver", "mardi soir",
     "après les vacances d'été", "il y a deux ans"}};
constexpr Lang kSpanish = {
    {"El ayuntamiento", "Nuestro pequeño equipo", "La escuela del barrio", "El club de fútbol", "El nuevo museo",
     "El coro del pueblo"},
    {"abrió un nuevo jardín", "preparó una gran fiesta", "recogió dinero para los niños",
     "anunció la construcción de un puente", "invitó a todos a un concierto", "cambió el horario de apertura"},
    {"en el norte de la comarca", "cerca de la vieja plaza del mercado", "en las afueras de la ciudad",
     "en el centro de la ciudad", "a lo largo del río", "junto a la estación"},
    {"la primavera pasada", "a principios de este año", "durante el largo invierno", "el martes por la tarde",
     "después de las vacaciones de verano", "hace dos años"}};

// Boilerplate shared across pages: line dedup removes every copy.
constexpr std::array<std::string_view, 6> kBoilerplate = {
    "Skip to main content", "Home | About us | Contact | Privacy Policy",
    "Copyright © 2019 All rights reserved.", "Share this: Facebook Twitter Email",
    "Subscribe to our newsletter to get the latest news and offers.", "Powered by WordPress"};

constexpr std::string_view kCookie =
    "We use cookies to personalise content and ads, to provide social media features and to analyse our traffic. "
    "We also share information about your use of our site with our social media, advertising and analytics partners.";

constexpr std::array<std::string_view, 8> kDomains = {
    "example.com", "news.example.org", "blog.example.net", "shop.example.co.uk",
    "www.beispiel.de", "www.exemple.fr", "www.ejemplo.es", "forum.example.io"};

std::string base32(const std::string& bytes) {
  static const char* kAlpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  uint64_t buf = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buf = (buf << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out += kAlpha[(buf >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlpha[(buf << (5 - bits)) & 31];
  return out;
}

std::string uuid(Rng& rng) {
  uint64_t a = rng.next(), b = rng.next();
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-4%03x-a%03x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>((b >> 48) & 0xfff), static_cast<unsigned long long>(b & 0xffffffffffffull));
  return buf;
}

void add_record(io::GzipWriter& gz, const std::vector<std::pair<std::string, std::string>>& headers,
                const std::string& block) {
  std::string rec = "WARC/1.0\r\n";
  for (const auto& [k, v] : headers) rec += k + ": " + v + "\r\n";
  rec += "\r\n" + block + "\r\n\r\n";
  gz.write(rec);
  gz.end_member();
}

template <typename A>
std::string_view any(Rng& rng, const A& list) {
  return list[rng.below(list.size())];
}

// One of the first `known` entries of `list` (all of them when `known` is 0).
template <typename A>
std::string_view first(Rng& rng, const A& list, size_t known) {
  return list[rng.below(known ? known : list.size())];
}

// One sentence line: two template sentences (so a line is rarely repeated by chance). With
// `half`, each phrase comes from the first half of its list only.
// (The four draws sit in one expression, whose evaluation order the compiler picks; the
// sample's pinned bytes are g++'s order, so keep its shape.)
std::string english_line(Rng& rng, bool half = false) {
  const size_t s = half ? kEnSubject.size() / 2 : 0, v = half ? kEnVerb.size() / 2 : 0,
               p = half ? kEnPlace.size() / 2 : 0, t = half ? kEnTime.size() / 2 : 0;
  std::string line;
  for (int k = 0; k < 2; ++k) {
    if (k) line += ' ';
    line += std::string(first(rng, kEnSubject, s)) + " " + std::string(first(rng, kEnVerb, v)) + " " +
            std::string(first(rng, kEnPlace, p)) + " " + std::string(first(rng, kEnTime, t)) + ".";
  }
  return line;
}

std::string foreign_line(Rng& rng, const Lang& l) {
  std::string line;
  for (int k = 0; k < 2; ++k) {
    if (k) line += ' ';
    line += std::string(any(rng, l.subject)) + " " + std::string(any(rng, l.verb)) + " " +
            std::string(any(rng, l.place)) + " " + std::string(any(rng, l.time)) + ".";
  }
  return line;
}

// One page: title line, then body lines of one kind, boilerplate sprinkled in.
std::string page_body(Rng& rng, int kind, int index) {
  std::vector<std::string> lines;
  std::string title;
  size_t n = 3 + rng.below(4);
  for (size_t i = 0; i < n; ++i) {
    switch (kind) {
      case 0: lines.push_back(english_line(rng)); break;
      case 1: {
        std::string line;
        for (int w = 0; w < 16; ++w) line += std::string(w ? " " : "") + std::string(any(rng, kWords));
        lines.push_back(line + ".");
        break;
      }
      case 2: lines.push_back(foreign_line(rng, kGerman)); break;
      case 3: lines.push_back(foreign_line(rng, kFrench)); break;
      default: lines.push_back(foreign_line(rng, kSpanish)); break;
    }
  }
  switch (kind) {
    case 0: title = "Local news and stories, page " + std::to_string(index); break;
    case 1: title = "Random words " + std::to_string(index); break;
    case 2: title = "Nachrichten aus der Region " + std::to_string(index); break;
    case 3: title = "Actualités de la région " + std::to_string(index); break;
    default: title = "Noticias locales " + std::to_string(index); break;
  }
  // Boilerplate: two lines shared across pages, sometimes a line repeated inside the page.
  lines.insert(lines.begin(), std::string(kBoilerplate[rng.below(3)]));
  lines.emplace_back(kBoilerplate[3 + rng.below(3)]);
  if (rng.below(3) == 0) lines.push_back(lines[1]);
  std::string body = title + "\n";
  for (const auto& l : lines) body += l + "\n";
  return body;
}

}  // namespace

std::string block_digest(std::string_view block);

namespace {
void add_conversion(io::GzipWriter& gz, const std::string& url, const std::string& date, const std::string& id,
                    const std::string& refers, const std::string& body) {
  add_record(gz,
             {{"WARC-Type", "conversion"}, {"WARC-Target-URI", url}, {"WARC-Date", date},
              {"WARC-Record-ID", "<urn:uuid:" + id + ">"}, {"WARC-Refers-To", "<urn:uuid:" + refers + ">"},
              {"WARC-Block-Digest", block_digest(body)}, {"Content-Type", "text/plain"},
              {"Content-Length", std::to_string(body.size())}},
             body);
}
}  // namespace

std::string block_digest(std::string_view block) {
  io::Hasher h(io::Hasher::Algo::kSha1);
  h.update(block);
  return "sha1:" + base32(h.digest());
}

std::vector<std::string> write_sample(const std::filesystem::path& dir, const SampleOptions& o) {
  Rng rng{o.seed};
  std::vector<std::string> names;
  const std::string root = "crawl-data/" + o.dump;
  const std::string listing = root + "/wet.paths.gz";
  names.push_back(listing);
  std::string listing_text;
  // Fluent English pages of the first half of the segments, copied into the second half (other
  // cc_net shards, so line dedup keeps them) for the digest dedup: at a mirror's URL (same
  // WARC-Block-Digest: dropped) or re-crawled at the same URL (kept: RedPajama keeps every
  // record whose URL won a digest).
  std::vector<std::pair<std::string, std::string>> originals;
  for (int s = 0; s < o.segments; ++s) {
    char seg[160];
    std::snprintf(seg, sizeof(seg), "%s/segments/1563195523840.%02d/wet/CC-MAIN-20190715175205-20190715200159-%05d.warc.wet.gz",
                  root.c_str(), 34 + s, s);
    std::string name = seg;
    listing_text += name + "\n";
    names.push_back(name);
    io::GzipWriter gz(dir / name, 6);
    std::string date = "2019-07-15T" + std::to_string(10 + s) + ":00:00Z";
    std::string info = "Software-Info: ia-web-commons.1.1.9-SNAPSHOT-20190703021538\r\nExtracted-Date: Mon, 15 Jul 2019 " +
                       std::to_string(10 + s) + ":00:00 GMT\r\nrobots: checked via crawler-commons 0.11-SNAPSHOT\r\n"
                       "isPartOf: " + o.dump + "\r\noperator: Common Crawl Admin (info@commoncrawl.org)\r\n"
                       "description: Wide crawl of the web for July 2019\r\npublisher: Common Crawl\r\n";
    add_record(gz,
               {{"WARC-Type", "warcinfo"}, {"WARC-Date", date},
                {"WARC-Filename", std::filesystem::path(name).filename().string()},
                {"WARC-Record-ID", "<urn:uuid:" + uuid(rng) + ">"}, {"Content-Type", "application/warc-fields"},
                {"Content-Length", std::to_string(info.size())}},
               info);
    for (int d = 0; d < o.docs_per_segment; ++d) {
      // Mostly English (fluent or not), some German/French/Spanish; every 9th page too short.
      size_t r = rng.below(10);
      int kind = r < 5 ? 0 : r < 7 ? 1 : r < 8 ? 2 : r < 9 ? 3 : 4;
      std::string body = page_body(rng, kind, s * 1000 + d);
      if (d % 9 == 8) body = "Short page\nOnly a line or two here.\n";
      if (d % 13 == 6) {  // a page of boilerplate only: line dedup leaves nothing of it
        body = "Cookie settings\n" + std::string(kCookie) + "\n";
        for (const auto& l : kBoilerplate) body += std::string(l) + "\n";
      }
      int dom = kind >= 2 ? 4 + (kind - 2) : static_cast<int>(rng.below(4));
      if (rng.below(8) == 0) dom = 7;
      std::string url = "http://" + std::string(kDomains[static_cast<size_t>(dom)]) + "/" + std::to_string(s) + "/page-" +
                        std::to_string(d) + ".html";
      std::string id = uuid(rng);  // sequenced: argument evaluation order is unspecified
      std::string refers = uuid(rng);
      add_conversion(gz, url, date, id, refers, body);
      if (kind == 0 && d % 9 != 8 && d % 13 != 6 && 2 * s < o.segments) originals.emplace_back(url, body);
    }
    if (2 * s >= o.segments && !originals.empty()) {
      Rng copies{o.seed ^ (0x5eedull + static_cast<uint64_t>(s))};  // the main stream stays as it was
      const auto& [url, body] = originals[static_cast<size_t>(s) % originals.size()];
      std::string ids[2];
      for (auto& id : ids) id = uuid(copies);
      // One copy per segment: two copies of a page in one cc_net shard would lose all their
      // lines to the line dedup.
      if (s % 2 == 0) add_conversion(gz, "http://mirror.example/" + std::to_string(s) + "/copy.html", date, ids[0], ids[1], body);
      else add_conversion(gz, url, date, ids[0], ids[1], body);
    }
    gz.close();
  }
  io::GzipWriter lg(dir / listing, 6);
  lg.write(listing_text);
  lg.close();
  return names;
}

std::vector<std::string> english_training_lines(int count, uint64_t seed) {
  Rng rng{seed};
  std::vector<std::string> lines;
  for (int i = 0; i < count; ++i) lines.push_back(english_line(rng, /*half=*/true));
  return lines;
}

void write_classifier_training(const std::filesystem::path& file, uint64_t seed) {
  Rng rng{seed};
  std::string out;
  for (int i = 0; i < 80; ++i) {
    out += "__label__wiki";
    for (int k = 0; k < 6; ++k) out += " " + english_line(rng);
    out += "\n";
    out += "__label__cc";
    for (int k = 0; k < 3; ++k) out += " " + std::string(kBoilerplate[rng.below(kBoilerplate.size())]);
    for (int w = 0; w < 40; ++w) out += " " + std::string(any(rng, kWords));
    out += "\n";
  }
  std::filesystem::create_directories(file.parent_path());
  io::write_file_atomic(file, out);
}

}  // namespace rpdata::sources::commoncrawl
