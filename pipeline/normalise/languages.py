"""Languages: names and codes providers publish -> BCP-47 tags in canonical casing (``en-US``, ``zh-Hans``).

Accepted: tags and locale ids (``en``, ``en-US``, ``en_us``, ``zh-CN``, ``zh_Hans``, ``pt-br``), ISO 639-2/3
codes (``eng``, ``deu``/``ger``, ``fra``/``fre``, ``spa``, ``zho``/``chi``), deprecated codes (``iw`` -> ``he``,
``in`` -> ``id``, ``ji`` -> ``yi``), English names (``German``, ``Spanish; Castilian``), names in German, French,
Spanish, Italian, Portuguese and Dutch (``Englisch``, ``allemand``, ``inglés``), endonyms (``Deutsch``,
``français``, ``Español``, ``中文``, ``日本語``, ``العربية``), ``Name (Region)`` / ``Name (Script)``
(``English (United States)`` -> ``en-US``, ``Chinese (Simplified)`` -> ``zh-Hans``), and a few aliases
(``Mandarin`` -> ``zh``, ``Cantonese`` -> ``yue``, ``Farsi`` -> ``fa``, ``Castilian`` -> ``es``).

A list (``"English, Español"``, ``["de", "ar"]``) gives every tag in ``tags`` (first = ``tag``). Names and
codes come from the CLDR data shipped in Babel; nothing is fetched. Unknown -> ``tag=None`` with a reason.
Output tags are restricted to ``language[-Script][-REGION]`` (variants and extensions are dropped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from pipeline.normalise._text import MAX_INPUT, clean, fold, to_text

_TAG_SHAPE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")
_WELLFORMED = re.compile(r"[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|\d{3}))?")
_SPLIT = re.compile(r"\s*(?:,|;|/|\||\band\b|\bund\b|\bet\b|\by\b|&|\+)\s*")
_PAREN = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<qual>[^()]+)\)$")
_NOT_LANGUAGE = frozenset({"pending", "none", "n/a", "na", "unknown", "other", "multiple", "various", "-", ""})

# ISO 639-2/B, 639-2/T and 639-3 codes for the languages catalogues carry, and deprecated 639-1 codes.
_ALPHA3 = {
    "eng": "en", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr", "spa": "es", "ita": "it", "por": "pt",
    "nld": "nl", "dut": "nl", "zho": "zh", "chi": "zh", "cmn": "zh", "jpn": "ja", "kor": "ko", "rus": "ru",
    "ara": "ar", "hin": "hi", "tur": "tr", "pol": "pl", "ukr": "uk", "ces": "cs", "cze": "cs", "swe": "sv",
    "dan": "da", "nor": "no", "nob": "nb", "fin": "fi", "ell": "el", "gre": "el", "heb": "he", "hun": "hu",
    "ron": "ro", "rum": "ro", "vie": "vi", "tha": "th", "ind": "id", "msa": "ms", "may": "ms", "fas": "fa",
    "per": "fa", "cat": "ca", "eus": "eu", "baq": "eu", "glg": "gl", "kaz": "kk", "ben": "bn", "urd": "ur",
    "tam": "ta", "swa": "sw", "fil": "fil", "tgl": "tl", "hrv": "hr", "srp": "sr", "slk": "sk", "slo": "sk",
    "slv": "sl", "bul": "bg", "est": "et", "lav": "lv", "lit": "lt", "isl": "is", "ice": "is", "gle": "ga",
    "cym": "cy", "wel": "cy", "yue": "yue", "afr": "af", "sqi": "sq", "alb": "sq", "hye": "hy", "arm": "hy",
}
_DEPRECATED = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro", "sh": "sr-Latn", "tl": "fil"}
_ALIASES = {
    "mandarin": "zh", "mandarin chinese": "zh", "standard chinese": "zh", "putonghua": "zh",
    "chinese simplified": "zh-Hans", "simplified chinese": "zh-Hans", "chinese traditional": "zh-Hant",
    "traditional chinese": "zh-Hant", "cantonese": "yue", "castilian": "es", "castellano": "es",
    "spanish castilian": "es", "farsi": "fa", "persian farsi": "fa", "bahasa indonesia": "id",
    "bahasa": "id", "bahasa melayu": "ms", "bahasa malaysia": "ms", "flemish": "nl", "tagalog": "fil",
    "filipino": "fil", "brazilian portuguese": "pt-BR", "portugues do brasil": "pt-BR", "portugues brasil": "pt-BR",
    "american english": "en-US", "british english": "en-GB", "latin american spanish": "es-419",
    "اللغة العربية": "ar", "عربي": "ar", "普通话": "zh", "简体中文": "zh-Hans", "繁體中文": "zh-Hant",
    "中文简体": "zh-Hans", "中文繁體": "zh-Hant", "norwegian": "no", "norsk": "no", "sign language": "sgn",
}
_QUALIFIERS = {"simplified": "Hans", "traditional": "Hant", "latin": "Latn", "cyrillic": "Cyrl"}
_NAME_LOCALES = ("de", "fr", "es", "it", "pt", "nl")
# EU official languages and the other languages large catalogues teach in
_COMMON_ENDONYMS = tuple(
    "bg cs da de el en es et fi fr ga hr hu it lt lv mt nl pl pt ro sk sl sv "
    "ar zh ja ko ru hi tr uk he id ms vi th fa bn ur ta sw ca eu gl no nb is".split()
)


@dataclass(frozen=True, slots=True)
class LanguageResult:
    raw: str | None
    tag: str | None = None
    tags: tuple[str, ...] = ()
    reason: str | None = None


def is_wellformed_tag(tag: object) -> bool:
    """True for the tags this module emits: ``ll[-Ssss][-RR|-999]`` in canonical casing."""
    return isinstance(tag, str) and _WELLFORMED.fullmatch(tag) is not None


@cache
def _cldr():
    """(languages, scripts, territories, names) from Babel's CLDR data, loaded once per process."""
    from babel import Locale

    en = Locale("en")
    languages = {k for k in en.languages if "_" not in k}
    scripts = set(en.scripts)
    territories = {k for k in en.territories if k.isdigit() or (len(k) == 2 and k.isalpha())}
    names: dict[str, str] = {}

    def add(name: str, code: str) -> None:
        key = _name_key(name)
        if key and key not in names:
            names[key] = code

    for alias, code in _ALIASES.items():
        add(alias, code)
    for code, name in en.languages.items():
        add(name, _canonical_from_parts(code.replace("_", "-"), languages, scripts, territories) or code)
    # endonyms of the languages catalogues mostly teach in (the rest are loaded on the first miss)
    _add_endonyms(add, _COMMON_ENDONYMS)
    for loc in _NAME_LOCALES:
        for code, name in Locale(loc).languages.items():
            if "_" not in code:
                add(name, code)
    territory_names = {_name_key(n): c for c, n in en.territories.items() if c in territories}
    script_names = {_name_key(n): c for c, n in en.scripts.items()}
    return languages, scripts, territories, names, territory_names, script_names


def _add_endonyms(add, codes) -> None:
    from babel import Locale

    for ident in codes:
        try:
            name = Locale(ident).languages.get(ident)
        except Exception:  # noqa: BLE001 - a missing or broken locale file must not break the parser
            continue
        if name:
            add(name, ident)


@cache
def _all_endonyms() -> bool:
    """Add the endonyms of every other two-letter language Babel has locale data for (~0.5 s, once)."""
    from babel.localedata import locale_identifiers

    names = _cldr()[3]

    def add(name: str, code: str) -> None:
        key = _name_key(name)
        if key and key not in names:
            names[key] = code

    _add_endonyms(add, sorted(i for i in locale_identifiers() if "_" not in i and len(i) == 2))
    return True


def _name_key(name: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", fold(name)).split())


def _canonical_from_parts(text: str, languages, scripts, territories) -> str | None:
    parts = re.split(r"[-_]", text)
    lang = parts[0].lower()
    lang = _ALPHA3.get(lang, lang)
    if lang in _DEPRECATED:
        mapped = _DEPRECATED[lang]
        lang, _, rest = mapped.partition("-")
        if rest:
            parts = [lang, rest, *parts[1:]]
    if lang not in languages:
        return None
    out = [lang]
    script = region = None
    for p in parts[1:]:
        if len(p) == 4 and p.isalpha() and script is None and region is None:
            cand = p.title()
            if cand in scripts:
                script = cand
                continue
            return None
        if ((len(p) == 2 and p.isalpha()) or (len(p) == 3 and p.isdigit())) and region is None:
            cand = p.upper()
            if cand in territories:
                region = cand
                continue
            return None
        break  # variants, extensions, private use: dropped
    if script:
        out.append(script)
    if region:
        out.append(region)
    return "-".join(out)


def _one(part: str) -> str | None:
    languages, scripts, territories, names, territory_names, script_names = _cldr()
    part = part.strip().strip(".'\"")
    if ":" in part:
        part = part.rsplit(":", 1)[1].strip()
    if not part:
        return None
    if _TAG_SHAPE.fullmatch(part) and (len(part) <= 3 or "-" in part or "_" in part):
        tag = _canonical_from_parts(part, languages, scripts, territories)
        if tag:
            return tag
    key = _name_key(part)
    if key in names:
        return names[key]
    if key.replace(" ", "").isalpha() and _all_endonyms() and key in names:
        return names[key]
    m = _PAREN.match(part)
    if m:
        base = _one(m.group("name"))
        if base is None:
            return None
        qual = _name_key(m.group("qual"))
        if base.count("-") == 0:
            if qual in _QUALIFIERS:
                return f"{base}-{_QUALIFIERS[qual]}"
            if qual in script_names:
                return f"{base}-{script_names[qual]}"
            if qual in territory_names:
                return f"{base}-{territory_names[qual]}"
            q = qual.upper()
            if q in territories:
                return f"{base}-{q}"
        return base
    # "English language", "Sprache: Deutsch", "in English"
    words = [w for w in key.split() if w not in ("language", "languages", "sprache", "langue", "idioma", "in", "en")]
    if words and words != key.split():
        joined = " ".join(words)
        if joined in names:
            return names[joined]
    return None


@lru_cache(maxsize=16384)
def _parse(raw: str) -> LanguageResult:
    text = clean(raw)
    if not text:
        return LanguageResult(raw, reason="empty: no text")
    if len(text) > MAX_INPUT:
        return LanguageResult(raw, reason=f"too_long: more than {MAX_INPUT} characters")
    whole = _one(text)
    parts = [whole] if whole else [_one(p) for p in _SPLIT.split(text) if p.strip()]
    tags = tuple(dict.fromkeys(t for t in parts if t))
    if not tags:
        if _name_key(text) in _NOT_LANGUAGE:
            return LanguageResult(raw, reason="no_language: placeholder value")
        return LanguageResult(raw, reason="unknown_language: not a known language name or tag")
    return LanguageResult(raw, tags[0], tags)


def parse_language(text: object) -> LanguageResult:
    """A language name, code or list of them -> BCP-47 tag(s). Never raises."""
    if isinstance(text, (list, tuple)):
        text = ", ".join(str(t) for t in text if t is not None)
    raw = to_text(text)
    if raw is None:
        return LanguageResult(None, reason="missing: no value")
    try:
        return _parse(raw)
    except Exception as exc:  # noqa: BLE001 - a parser never raises on junk
        return LanguageResult(raw, reason=f"error: {type(exc).__name__}")
