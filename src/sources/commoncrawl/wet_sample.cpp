// The CommonCrawl part of the bundled offline sample (see sample.h).
#include <array>
#include <cstdio>
#include <string_view>

#include "rpdata/io/gzip_writer.h"
#include "rpdata/io/hash.h"
#include "rpdata/sources/commoncrawl/sample.h"

namespace rpdata::sources::commoncrawl {
namespace {

// splitmix64: explicit and stable across platforms (never std::rand / std::hash).
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }
};

// Fluent English (low perplexity under an English LM).
constexpr std::array<std::string_view, 24> kEnglish = {
    "The city council met on Tuesday evening to discuss the new budget for the public library and the parks.",
    "Many residents said they would like the library to stay open later during the week, especially in winter.",
    "The history of the river valley goes back thousands of years, when the first farmers settled along its banks.",
    "In the spring the village holds a small market where local farmers sell fresh vegetables, bread and cheese.",
    "Our team has spent the last two years building a new service that helps small companies manage their orders.",
    "If you have any questions about your order, please contact our customer service team by email or phone.",
    "The museum is open every day except Monday, and admission is free for children under the age of twelve.",
    "Scientists at the university have found that the population of birds in the region has doubled since 1990.",
    "He was born in a small town in the north of England and moved to London when he was eighteen years old.",
    "The recipe is simple: mix the flour, sugar and butter, add two eggs, and bake the cake for forty minutes.",
    "During the summer months the mountain road is a popular route for cyclists and walkers from all over the country.",
    "The first season of the show was a great success, and the second season will be released later this year.",
    "Students who want to take part in the project should send a short letter to the school office before Friday.",
    "The church was built in the twelfth century and is one of the oldest buildings still standing in the county.",
    "After the game the coach said he was proud of his players, who had worked hard all season long.",
    "Water levels in the lake have fallen sharply this year because of the long dry summer and the warm weather.",
    "The company said that it expects sales to grow by ten percent next year as demand for its products increases.",
    "She wrote her first novel while working as a teacher, and it was published when she was thirty years old.",
    "The hotel is close to the beach and the old town, and most rooms have a view of the sea.",
    "Local police asked drivers to avoid the main road on Sunday morning because of the annual city marathon.",
    "The new bridge will connect the two sides of the river and is expected to be finished by the end of 2020.",
    "Visitors can learn about the history of the railway and see several old trains in the station museum.",
    "The report found that most families in the area spend more than a third of their income on housing.",
    "Our shop sells a wide range of garden tools, plants and seeds, and we offer free delivery on large orders."};

// Scrambled English word salad (high perplexity, still identified as English).
constexpr std::array<std::string_view, 40> kWords = {
    "garden", "quantum", "river", "purple", "seventeen", "ledger", "across", "biscuit", "market", "velvet",
    "thunder", "ancient", "copper", "whisper", "ladder", "orbit", "engine", "silent", "harbor", "fabric",
    "mirror", "tunnel", "lantern", "shadow", "pillow", "marble", "candle", "voyage", "meadow", "falcon",
    "cobalt", "saddle", "puzzle", "glacier", "timber", "anchor", "basket", "crimson", "furnace", "jungle"};

constexpr std::array<std::string_view, 8> kGerman = {
    "Die Stadtverwaltung hat am Dienstag beschlossen, die Öffnungszeiten der Bibliothek im Winter zu verlängern.",
    "Viele Bewohner wünschen sich mehr Radwege und eine bessere Verbindung mit dem Bus in die Innenstadt.",
    "Das Museum ist täglich außer montags geöffnet, und Kinder unter zwölf Jahren haben freien Eintritt.",
    "Im Frühling findet auf dem Marktplatz ein kleiner Bauernmarkt mit frischem Gemüse, Brot und Käse statt.",
    "Die Kirche wurde im zwölften Jahrhundert erbaut und gehört zu den ältesten Gebäuden der ganzen Region.",
    "Nach dem Spiel sagte der Trainer, dass er sehr stolz auf seine Mannschaft und ihre Leistung sei.",
    "Der Wasserstand des Sees ist in diesem Jahr wegen des langen, trockenen Sommers stark gesunken.",
    "Unser Geschäft bietet eine große Auswahl an Gartengeräten, Pflanzen und Samen zu günstigen Preisen."};

constexpr std::array<std::string_view, 8> kFrench = {
    "Le conseil municipal s'est réuni mardi soir pour discuter du nouveau budget de la bibliothèque publique.",
    "Beaucoup d'habitants souhaitent que la bibliothèque reste ouverte plus tard pendant la semaine en hiver.",
    "Le musée est ouvert tous les jours sauf le lundi, et l'entrée est gratuite pour les enfants de moins de douze ans.",
    "Au printemps, le village organise un petit marché où les agriculteurs vendent des légumes frais et du fromage.",
    "L'église a été construite au douzième siècle et c'est l'un des plus anciens bâtiments de la région.",
    "Après le match, l'entraîneur a déclaré qu'il était fier de ses joueurs, qui ont travaillé dur toute la saison.",
    "Le niveau de l'eau du lac a fortement baissé cette année à cause du long été sec et chaud.",
    "Notre magasin propose un large choix d'outils de jardin, de plantes et de graines, avec livraison gratuite."};

constexpr std::array<std::string_view, 6> kSpanish = {
    "El ayuntamiento se reunió el martes por la tarde para hablar del nuevo presupuesto de la biblioteca pública.",
    "Muchos vecinos piden que la biblioteca abra hasta más tarde durante la semana, sobre todo en invierno.",
    "El museo abre todos los días excepto los lunes, y la entrada es gratuita para los niños menores de doce años.",
    "En primavera el pueblo celebra un pequeño mercado donde los agricultores venden verduras frescas y queso.",
    "La iglesia fue construida en el siglo doce y es uno de los edificios más antiguos de toda la comarca.",
    "Después del partido el entrenador dijo que estaba orgulloso de sus jugadores y de su esfuerzo."};

// Boilerplate shared across pages: line dedup removes every copy.
constexpr std::array<std::string_view, 6> kBoilerplate = {
    "Skip to main content", "Home | About us | Contact | Privacy Policy",
    "Copyright © 2019 All rights reserved.", "Share this: Facebook Twitter Email",
    "Subscribe to our newsletter to get the latest news and offers.", "Powered by WordPress"};

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

// One page: title line, then body lines of one kind, boilerplate sprinkled in.
std::string page_body(Rng& rng, int kind, int index) {
  std::vector<std::string> lines;
  auto pick = [&](auto& list, size_t n) {
    size_t start = rng.below(list.size());
    for (size_t i = 0; i < n; ++i) lines.emplace_back(list[(start + i) % list.size()]);
  };
  std::string title;
  switch (kind) {
    case 0: title = "Local news and stories, page " + std::to_string(index); pick(kEnglish, 4 + rng.below(4)); break;
    case 1: {
      title = "Random words " + std::to_string(index);
      for (int l = 0; l < 5; ++l) {
        std::string line;
        for (int w = 0; w < 14; ++w) line += std::string(w ? " " : "") + std::string(kWords[rng.below(kWords.size())]);
        lines.push_back(line + ".");
      }
      break;
    }
    case 2: title = "Nachrichten aus der Region " + std::to_string(index); pick(kGerman, 4); break;
    case 3: title = "Actualités de la région " + std::to_string(index); pick(kFrench, 4); break;
    default: title = "Noticias locales " + std::to_string(index); pick(kSpanish, 4); break;
  }
  // Boilerplate: two shared lines, plus one line repeated inside the page.
  lines.insert(lines.begin(), std::string(kBoilerplate[rng.below(3)]));
  lines.emplace_back(kBoilerplate[3 + rng.below(3)]);
  if (rng.below(3) == 0) lines.push_back(lines[1]);
  std::string body = title + "\n";
  for (const auto& l : lines) body += l + "\n";
  return body;
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
      int dom = kind >= 2 ? 4 + (kind - 2) : static_cast<int>(rng.below(4));
      if (rng.below(8) == 0) dom = 7;
      std::string url = "http://" + std::string(kDomains[static_cast<size_t>(dom)]) + "/" + std::to_string(s) + "/page-" +
                        std::to_string(d) + ".html";
      add_record(gz,
                 {{"WARC-Type", "conversion"}, {"WARC-Target-URI", url}, {"WARC-Date", date},
                  {"WARC-Record-ID", "<urn:uuid:" + uuid(rng) + ">"}, {"WARC-Refers-To", "<urn:uuid:" + uuid(rng) + ">"},
                  {"WARC-Block-Digest", block_digest(body)}, {"Content-Type", "text/plain"},
                  {"Content-Length", std::to_string(body.size())}},
                 body);
    }
    gz.close();
  }
  io::GzipWriter lg(dir / listing, 6);
  lg.write(listing_text);
  lg.close();
  return names;
}

}  // namespace rpdata::sources::commoncrawl
