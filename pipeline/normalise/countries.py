"""Issuer country: names and codes -> ISO 3166-1 alpha-2 (``DE``, ``US``, ``GB``).

Accepted: alpha-2 (``de``, ``DE``), alpha-3 (``DEU``, ``USA``, ``GBR``), CLDR aliases (``UK`` -> ``GB``),
English, German, French, Spanish, Italian and Portuguese names (``Germany``, ``Deutschland``, ``Suisse``,
``United States of America``), and a few common short forms (``USA``, ``U.S.``, ``Holland``). Data come from
Babel's CLDR files. Regions that are not countries (``001`` World, ``150`` Europe, ``EU``, ``UN``) are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from pipeline.normalise._text import MAX_INPUT, clean, fold, to_text

_EXTRA = {
    "usa": "US", "u s": "US", "u s a": "US", "united states of america": "US", "america": "US",
    "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "northern ireland": "GB", "holland": "NL", "the netherlands": "NL", "south korea": "KR", "korea": "KR",
    "russia": "RU", "czech republic": "CZ", "hong kong": "HK", "taiwan": "TW", "uae": "AE",
    "viet nam": "VN", "turkey": "TR", "turkiye": "TR", "ivory coast": "CI", "the gambia": "GM",
}
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})
_LOCALES = ("en", "de", "fr", "es", "it", "pt", "nl")


@dataclass(frozen=True, slots=True)
class CountryResult:
    raw: str | None
    code: str | None = None
    reason: str | None = None


def _key(name: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", fold(name)).split())


@cache
def _tables():
    from babel import Locale
    from babel.core import get_global

    en = Locale("en")
    codes = {c for c in en.territories if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES}
    aliases = {}
    for alias, targets in get_global("territory_aliases").items():
        if len(targets) == 1 and targets[0] in codes:
            aliases[alias] = targets[0]
    names: dict[str, str] = {}
    for k, v in _EXTRA.items():
        names[k] = v
    for loc in _LOCALES:
        for code, name in Locale(loc).territories.items():
            if code in codes:
                names.setdefault(_key(name), code)
    return codes, aliases, names


@lru_cache(maxsize=4096)
def _parse(raw: str) -> CountryResult:
    text = clean(raw)
    if not text:
        return CountryResult(raw, reason="empty: no text")
    if len(text) > MAX_INPUT:
        return CountryResult(raw, reason=f"too_long: more than {MAX_INPUT} characters")
    codes, aliases, names = _tables()
    up = text.upper().replace(".", "")
    if len(up) == 2 and up.isalpha():
        if up in codes:
            return CountryResult(raw, up)
        if up in aliases:
            return CountryResult(raw, aliases[up])
    if len(up) == 3 and up.isalpha() and up in aliases:
        return CountryResult(raw, aliases[up])
    key = _key(text)
    if key in names:
        return CountryResult(raw, names[key])
    if key.startswith("the ") and key[4:] in names:
        return CountryResult(raw, names[key[4:]])
    return CountryResult(raw, reason="unknown_country: not an ISO 3166-1 country name or code")


def parse_country(text: object) -> CountryResult:
    """A country name or code -> ISO 3166-1 alpha-2. Never raises."""
    raw = to_text(text)
    if raw is None:
        return CountryResult(None, reason="missing: no value")
    try:
        return _parse(raw)
    except Exception as exc:  # noqa: BLE001 - a parser never raises on junk
        return CountryResult(raw, reason=f"error: {type(exc).__name__}")
