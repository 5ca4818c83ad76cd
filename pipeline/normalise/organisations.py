"""Awarding bodies: a normalisation key and a committed alias table (``organisation_aliases.csv``).

``organisation_key`` folds spellings of one name onto one key: Unicode case folding, compatibility
decomposition with diacritics removed (``Università`` = ``Universita``), ``ø æ œ ł đ ð þ ı`` spelled out,
``&`` read as ``and``, punctuation as spaces, the word ``the`` dropped, and trailing legal forms (Inc, Ltd,
LLC, GmbH, AG, SA, plc, Corp, ...) dropped. It is deliberately conservative: ``University of X`` and ``X
University`` stay different keys (they are sometimes different bodies); the alias table joins them where they
are the same. The key is idempotent and never empty for non-empty text with a letter or digit.

``resolve_organisation`` looks the key up in the alias table (alias -> canonical name, ISO 3166-1 country).
Fallbacks, in order: an edX-style code (``HarvardX`` -> key ``harvard``); a string naming several bodies
joined by ``-`` (edX's ``Delft University of Technology-Wageningen University & Research``), resolved part by
part when at least one part is known. Unknown organisations resolve to themselves (whitespace tidied) with
their key, ``known=False`` and no country.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from pipeline.normalise._text import MAX_INPUT, clean, to_text

ALIASES_CSV = Path(__file__).with_name("organisation_aliases.csv")

_SPELL_OUT = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})
_NON_WORD = re.compile(r"[\W_]+")
_LEGAL = frozenset(
    "inc incorporated ltd limited llc llp gmbh ggmbh ag se sa sas sarl srl spa bv nv plc corp corporation "
    "pty pte kg oy ab".split()
)
_STOP = frozenset({"the"})


@dataclass(frozen=True, slots=True)
class Organisation:
    raw: str | None
    name: str | None = None
    key: str | None = None
    country: str | None = None
    known: bool = False
    members: tuple[str, ...] = ()
    note: str | None = None
    reason: str | None = None


def _fold(text: str) -> str:
    if text.isascii():
        return text.lower()
    # Case folding and decomposition interact (e.g. "İ" folds to "i" + a combining dot): repeat to a fixpoint.
    for _ in range(4):
        new = unicodedata.normalize("NFKD", text.casefold().translate(_SPELL_OUT))
        new = "".join(c for c in new if not unicodedata.combining(c))
        if new == text:
            break
        text = new
    return text


@lru_cache(maxsize=131072)
def organisation_key(name: object) -> str:
    """Normalisation key of an organisation name (``""`` for missing or punctuation-only input)."""
    text = to_text(name)
    if not text:
        return ""
    text = _fold(text.replace("&", " and "))
    tokens = _NON_WORD.sub(" ", text).split()
    kept = [t for t in tokens if t not in _STOP]
    while kept and kept[-1] in _LEGAL:
        kept.pop()
    if not kept:
        kept = tokens  # "The", "Inc": better a key made of stop words than none
    return " ".join(kept)


@cache
def _table() -> dict[str, tuple[str, str | None]]:
    table: dict[str, tuple[str, str | None]] = {}
    with ALIASES_CSV.open(encoding="utf-8", newline="") as fh:
        rows = csv.reader(line for line in fh if line.strip() and not line.startswith("#"))
        header = next(rows)
        if header[:3] != ["alias", "canonical_name", "country"]:
            raise ValueError(f"{ALIASES_CSV.name}: unexpected header {header}")
        for alias, canonical, country, *_ in rows:
            country = country.strip().upper() or None
            table.setdefault(organisation_key(canonical), (canonical, country))
            table.setdefault(organisation_key(alias), (canonical, country))
    return table


def alias_table() -> dict[str, tuple[str, str | None]]:
    """key -> (canonical name, country): the alias table as loaded (read-only use)."""
    return dict(_table())


def _lookup(text: str) -> tuple[str, tuple[str, str | None] | None]:
    key = organisation_key(text)
    table = _table()
    hit = table.get(key)
    if hit is None and " " not in key and len(key) > 3 and key.endswith("x"):
        hit = table.get(key[:-1])  # edX organisation codes: HarvardX, DelftX
    return key, hit


@lru_cache(maxsize=65536)
def _resolve(raw: str) -> Organisation:
    text = clean(raw)
    if not text:
        return Organisation(raw, reason="empty: no text")
    if len(text) > MAX_INPUT:
        return Organisation(raw, reason=f"too_long: more than {MAX_INPUT} characters")
    key, hit = _lookup(text)
    if not key:
        return Organisation(raw, reason="unparsed: no letters or digits")
    if hit is not None:
        return Organisation(raw, hit[0], organisation_key(hit[0]), hit[1], True, (hit[0],))
    if "; " in text:  # every partner a spider keeps (MOOChub creators, partner institutes): the first awards
        parts = [p.strip() for p in text.split("; ") if p.strip()]
        first = _resolve(parts[0])
        members = tuple(dict.fromkeys(m for p in parts for m in (_resolve(p).members or (p,))))
        return Organisation(raw, first.name, first.key, first.country, first.known, members,
                            "several organisations joined by '; ': the first is the awarding body")
    if "-" in text:
        parts = [p.strip() for p in text.split("-") if p.strip()]
        if len(parts) > 1:
            found = [h for _, h in (_lookup(p) for p in parts) if h is not None]
            members = list(dict.fromkeys(h[0] for h in found))
            if members:
                first = next(h for h in found if h[0] == members[0])
                return Organisation(raw, first[0], organisation_key(first[0]), first[1], True, tuple(members),
                                    "several organisations joined by '-': first known one is the awarding body")
    return Organisation(raw, text, key, None, False, (text,))


def resolve_organisation(name: object) -> Organisation:
    """An organisation name as published -> canonical name, key and country. Never raises."""
    raw = to_text(name)
    if raw is None:
        return Organisation(None, reason="missing: no value")
    try:
        return _resolve(raw)
    except Exception as exc:  # noqa: BLE001 - a parser never raises on junk
        return Organisation(raw, reason=f"error: {type(exc).__name__}")
