// The Hugging Face `wikipedia` builder's namespace aliases for RedPajama's 20 languages
// (MEDIA_ALIASES for namespaces -2/6 and CAT_ALIASES for namespace 14, from each wiki's
// siteinfo API, "Last accessed: 21 December 2021" in the builder). Other languages get only
// the canonical File/Image/Media and Category prefixes, as in the builder.
#include <map>
#include <string>
#include <vector>

#include "rpdata/sources/wikipedia/wikitext.h"

namespace rpdata::sources::wikipedia {
namespace {
using Aliases = std::map<std::string, std::vector<std::string>, std::less<>>;

const Aliases& media_aliases() {
  static const Aliases m = {
      {"bg", {"Медия", "Файл", "Картинка"}},
      {"ca", {"Fitxer", "Imatge"}},
      {"cs", {"Soubor", "Média", "Obrázok"}},
      {"da", {"Billede", "Fil"}},
      {"de", {"Medium", "Datei", "Bild"}},
      {"es", {"Medio", "Archivo", "Imagen"}},
      {"fr", {"Média", "Fichier"}},
      {"hr", {"Mediji", "DT", "Slika", "F", "Datoteka"}},
      {"hu", {"Kép", "Fájl", "Média"}},
      {"it", {"Immagine"}},
      {"nl", {"Bestand", "Afbeelding"}},
      {"pl", {"Plik", "Grafika"}},
      {"pt", {"Multimédia", "Ficheiro", "Arquivo", "Imagem"}},
      {"ro", {"Fişier", "Imagine", "Fișier"}},
      {"ru", {"Медиа", "Файл", "Изображение"}},
      {"sl", {"Slika", "Datoteka"}},
      {"sr", {"Датотека", "Medij", "Slika", "Медија", "Datoteka", "Медиј", "Medija", "Слика"}},
      {"sv", {"Fil", "Bild"}},
      {"uk", {"Медіа", "Медиа", "Файл", "Изображение", "Зображення"}},
  };
  return m;
}

const Aliases& category_aliases() {
  static const Aliases m = {
      {"bg", {"Категория"}},         {"ca", {"Categoria"}},       {"cs", {"Kategorie"}},
      {"da", {"Kategori"}},          {"de", {"Kategorie"}},       {"es", {"CAT", "Categoría"}},
      {"fr", {"Catégorie"}},         {"hr", {"CT", "KT", "Kategorija"}},
      {"hu", {"Kategória"}},         {"it", {"CAT", "Categoria"}}, {"nl", {"Categorie"}},
      {"pl", {"Kategoria"}},         {"pt", {"Categoria"}},       {"ro", {"Categorie"}},
      {"ru", {"Категория", "К"}},    {"sl", {"Kategorija"}},      {"sr", {"Kategorija", "Категорија"}},
      {"sv", {"Kategori"}},          {"uk", {"Категория", "Категорія"}},
  };
  return m;
}
}  // namespace

LanguagePrefixes language_prefixes(std::string_view language) {
  LanguagePrefixes p;
  p.media = {"File", "Image", "Media"};
  p.category = {"Category"};
  if (auto it = media_aliases().find(language); it != media_aliases().end())
    p.media.insert(p.media.end(), it->second.begin(), it->second.end());
  if (auto it = category_aliases().find(language); it != category_aliases().end())
    p.category.insert(p.category.end(), it->second.begin(), it->second.end());
  return p;
}

}  // namespace rpdata::sources::wikipedia
