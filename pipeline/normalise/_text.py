"""Small text helpers shared by the parsers (no third-party imports)."""

from __future__ import annotations

import html
import math
import re
import unicodedata

# Dashes and similar characters providers use in ranges ("2–4 hours per week").
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u3000\t\r\n\f\v"), " ")
_WS = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]{0,200}>")

MAX_INPUT = 2000  # longer strings are not listing fields but documents: parsers refuse them with a reason


def to_text(raw: object) -> str | None:
    """The raw value as text (``None`` for missing, NaN, empty); numbers keep their repr."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, float):
        if math.isnan(raw):
            return None
        return repr(int(raw)) if raw.is_integer() and abs(raw) < 1e15 else repr(raw)
    if isinstance(raw, int):
        return str(raw)
    if not isinstance(raw, str):
        try:
            raw = str(raw)
        except Exception:  # noqa: BLE001 - a parser never raises on junk
            return None
    return raw


def clean(text: str) -> str:
    """Unescape HTML, drop tags, unify dashes and spaces, collapse whitespace, strip."""
    if "&" in text:
        text = html.unescape(text)
    if "<" in text:
        text = _TAG.sub(" ", text)
    text = text.translate(_DASHES).translate(_SPACES)
    return _WS.sub(" ", text).strip()


def fold(text: str) -> str:
    """Lower case without diacritics (for keyword matching, not for display)."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def parse_number(token: str, *, dot_groups_of_three: bool = False) -> float | None:
    """A decimal number written with a point or a comma as decimal separator; ``None`` if not finite.

    With ``dot_groups_of_three`` (prices), a lone point followed by exactly three digits groups thousands
    ("1.299 €" is 1299 euros); otherwise it is a decimal point ("1.500 hours" stays 1.5).
    """
    token = token.replace(" ", "").replace("'", "")
    if "," in token and "." in token:
        # The last separator is the decimal one: 1,299.00 / 1.299,00
        if token.rfind(",") > token.rfind("."):
            token = token.replace(".", "").replace(",", ".")
        else:
            token = token.replace(",", "")
    elif "," in token:
        head, _, tail = token.rpartition(",")
        # 1,299 and 12,500,000 are thousands; 49,90 and 1,5 are decimals
        token = token.replace(",", "") if len(tail) == 3 and head.replace(",", "").isdigit() else token.replace(",", ".")
        if token.count(".") > 1:
            return None
    elif token.count(".") > 1:
        token = token.replace(".", "")  # 1.299.000 (grouping)
    elif dot_groups_of_three and "." in token and len(token.rpartition(".")[2]) == 3:
        token = token.replace(".", "")
    try:
        value = float(token)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
