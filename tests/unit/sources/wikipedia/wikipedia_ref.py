#!/usr/bin/python3
"""Reference for rpdata's Wikipedia slice (tests only, never at run time).

Re-implements the Hugging Face `wikipedia` builder logic RedPajama used (spec §6:
_extract_content + _parse_and_clean_wikicode + _construct_url) with Debian's
python3-mwparserfromhell, and writes one JSON line per kept page:
{"title", "url", "text"} (ensure_ascii, dump order). Usage:
    wikipedia_ref.py DUMP.xml.bz2 LANGUAGE > out.jsonl
Exit 3 when mwparserfromhell is missing (the caller skips).
"""
import bz2
import io
import json
import re
import sys
import xml.etree.ElementTree as etree
from urllib.parse import quote  # noqa: F401 (used by the cross-check too)

try:
    import mwparserfromhell
except ImportError:
    sys.stderr.write("python3-mwparserfromhell is not installed\n")
    sys.exit(3)

# The builder's per-language namespace aliases (MEDIA_ALIASES / CAT_ALIASES, accessed
# 21 December 2021), for RedPajama's 20 languages; other languages have none.
MEDIA_ALIASES = {
    "bg": ["Медия", "Файл", "Картинка"],
    "ca": ["Fitxer", "Imatge"],
    "cs": ["Soubor", "Média", "Obrázok"],
    "da": ["Billede", "Fil"],
    "de": ["Medium", "Datei", "Bild"],
    "es": ["Medio", "Archivo", "Imagen"],
    "fr": ["Média", "Fichier"],
    "hr": ["Mediji", "DT", "Slika", "F", "Datoteka"],
    "hu": ["Kép", "Fájl", "Média"],
    "it": ["Immagine"],
    "nl": ["Bestand", "Afbeelding"],
    "pl": ["Plik", "Grafika"],
    "pt": ["Multimédia", "Ficheiro", "Arquivo", "Imagem"],
    "ro": ["Fişier", "Imagine", "Fișier"],
    "ru": ["Медиа", "Файл", "Изображение"],
    "sl": ["Slika", "Datoteka"],
    "sr": ["Датотека", "Medij", "Slika", "Медија", "Datoteka", "Медиј", "Medija", "Слика"],
    "sv": ["Fil", "Bild"],
    "uk": ["Медіа", "Медиа", "Файл", "Изображение", "Зображення"],
}
CAT_ALIASES = {
    "bg": ["Категория"], "ca": ["Categoria"], "cs": ["Kategorie"], "da": ["Kategori"],
    "de": ["Kategorie"], "es": ["CAT", "Categoría"], "fr": ["Catégorie"],
    "hr": ["CT", "KT", "Kategorija"], "hu": ["Kategória"], "it": ["CAT", "Categoria"],
    "nl": ["Categorie"], "pl": ["Kategoria"], "pt": ["Categoria"], "ro": ["Categorie"],
    "ru": ["Категория", "К"], "sl": ["Kategorija"], "sr": ["Kategorija", "Категорија"],
    "sv": ["Kategori"], "uk": ["Категория", "Категорія"],
}


def parse_and_clean_wikicode(raw_content, parser, language):
    wikicode = parser.parse(raw_content)
    re_rm_magic = re.compile("__[A-Z]*__", flags=re.UNICODE)
    media_prefixes = "|".join(["File", "Image", "Media"] + MEDIA_ALIASES.get(language, []))
    re_rm_wikilink = re.compile(f"^(?:{media_prefixes}):", flags=re.IGNORECASE | re.UNICODE)

    def rm_wikilink(obj):
        return bool(re_rm_wikilink.match(str(obj.title)))

    def rm_tag(obj):
        return str(obj.tag) in {"ref", "table"}

    cat_prefixes = "|".join(["Category"] + CAT_ALIASES.get(language, []))
    re_clean_wikilink = re.compile(f"^(?:{cat_prefixes}):", flags=re.IGNORECASE | re.UNICODE)

    def is_category(obj):
        return bool(re_clean_wikilink.match(str(obj.title)))

    def clean_wikilink(obj):
        text = obj.__strip__()
        text = re.sub(re_clean_wikilink, "", text)
        obj.text = text

    def try_replace_obj(obj):
        try:
            clean_wikilink(obj)
        except ValueError:
            pass

    def try_remove_obj(obj, section):
        try:
            section.remove(obj)
        except ValueError:
            pass

    section_text = []
    for section in wikicode.get_sections(flat=True, include_lead=True, include_headings=True):
        for obj in section.ifilter_wikilinks(recursive=True):
            if rm_wikilink(obj):
                try_remove_obj(obj, section)
            elif is_category(obj):
                try_replace_obj(obj)
        for obj in section.ifilter_tags(matches=rm_tag, recursive=True):
            try_remove_obj(obj, section)
        section_text.append(re.sub(re_rm_magic, "", section.strip_code().strip()))
    return "\n\n".join(section_text)


def pages(path):
    raw = bz2.open(path).read() if path.endswith(".bz2") else open(path, "rb").read()
    # The builder decodes UTF-8 only; we also accept the UTF-16 (BOM) test excerpt.
    if raw.startswith(b"\xff\xfe") or raw.startswith(b"\xfe\xff"):
        raw = raw.decode("utf-16").encode("utf-8").replace(b'encoding="utf-16"', b'encoding="utf-8"')
    for _, elem in etree.iterparse(io.BytesIO(raw), events=("end",)):
        if not elem.tag.endswith("page"):
            continue
        ns_ = elem.tag[:-4]
        title = elem.find(f"./{ns_}title").text
        ns = elem.find(f"./{ns_}ns").text
        red = elem.find(f"./{ns_}redirect")
        if ns != "0":
            elem.clear()
            continue
        raw_content = elem.find(f"./{ns_}revision/{ns_}text").text
        elem.clear()
        if raw_content is None or red is not None:
            continue
        yield title, raw_content


def main():
    path, language = sys.argv[1], sys.argv[2]
    mode = sys.argv[3] if len(sys.argv) > 3 else "clean"
    out = sys.stdout
    for title, raw in pages(path):
        if mode == "raw":
            out.write(json.dumps({"title": title, "raw": raw}) + "\n")
            continue
        try:
            text = parse_and_clean_wikicode(raw, mwparserfromhell, language)
        except mwparserfromhell.parser.ParserError:
            continue
        if not text:
            continue
        url = f"https://{language}.wikipedia.org/wiki/{quote(title)}"
        out.write(json.dumps({"title": title, "url": url, "text": text}) + "\n")


if __name__ == "__main__":
    main()
