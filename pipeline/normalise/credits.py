"""ECTS credits: stated ones parsed from text, estimated ones derived from hours (and labelled so).

The ECTS Users' Guide (2015) puts one credit at 25-30 hours of student workload. This project uses
**30 hours per ECTS** for its point estimate (``ECTS_HOURS``), the conservative end: an estimate never claims
more credit than the provider's workload could earn, and ``ects_min``/``ects_max`` give the 30 h and 25 h
figures. An estimate is only ever produced by :func:`ects_from_hours` and always carries ``estimated=True``;
a stated value (``"6 ECTS"``, ``"5 ECTS-Punkte"``, ``"3 crédits ECTS"``) carries ``estimated=False``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.normalise._text import MAX_INPUT, clean, fold, parse_number, to_text

ECTS_HOURS = 30.0
ECTS_HOURS_LOW = 25.0
ECTS_RULE = "estimated from hours: 1 ECTS = 30 h (range 25-30 h)"
MAX_ECTS = 360.0  # a doctorate's worth: anything above is a data error

_NUM = r"(\d{1,4}(?:[.,]\d{1,2})?)"
_ECTS = re.compile(
    rf"{_NUM}(?:\s*(?:-|to|bis|a)\s*{_NUM})?\s*"
    r"(?:ects\b|ects[- ]?(?:credits?|punkte|points?|cp)\b|(?:credits?|credit points?|cr[eé]dits?|creditos|crediti|"
    r"leistungspunkte|lp|cp)\s*(?:\(?\s*ects\s*\)?)\b)"
)
_ECTS_BEFORE = re.compile(rf"\bects(?:\s*credits?|[- ]punkte)?\s*[:=]?\s*{_NUM}\b")
_BARE = re.compile(rf"\s*{_NUM}\s*")


@dataclass(frozen=True, slots=True)
class Ects:
    raw: str | None
    ects: float | None = None
    ects_min: float | None = None
    ects_max: float | None = None
    estimated: bool = False
    note: str | None = None
    reason: str | None = None


def ects_from_hours(hours: float | None) -> Ects:
    """An ECTS *estimate* from a workload in hours (``estimated=True``, rule in ``note``)."""
    if hours is None or not isinstance(hours, (int, float)) or not math.isfinite(hours) or hours < 0:
        return Ects(None, reason="missing: no workload in hours")
    return Ects(
        None,
        ects=round(hours / ECTS_HOURS, 2),
        ects_min=round(hours / ECTS_HOURS, 2),
        ects_max=round(hours / ECTS_HOURS_LOW, 2),
        estimated=True,
        note=ECTS_RULE,
    )


@lru_cache(maxsize=8192)
def _parse(raw: str, bare_is_ects: bool) -> Ects:
    text = clean(raw)
    if not text:
        return Ects(raw, reason="empty: no text")
    if len(text) > MAX_INPUT:
        return Ects(raw, reason=f"too_long: more than {MAX_INPUT} characters")
    t = fold(text)
    lo = hi = None
    m = _ECTS.search(t)
    if m:
        lo, hi = parse_number(m.group(1)), parse_number(m.group(2)) if m.group(2) else None
    else:
        m = _ECTS_BEFORE.search(t)
        if m:
            lo = parse_number(m.group(1))
        elif bare_is_ects and (b := _BARE.fullmatch(t)):
            lo = parse_number(b.group(1))
    if lo is None:
        return Ects(raw, reason="unparsed: no ECTS credits stated")
    hi = lo if hi is None else hi
    lo, hi = min(lo, hi), max(lo, hi)
    if hi > MAX_ECTS:
        return Ects(raw, reason=f"out_of_range: more than {MAX_ECTS:g} ECTS")
    mid = (lo + hi) / 2
    return Ects(raw, mid, lo, hi, False, "midpoint of a stated range" if lo != hi else "stated")


def parse_ects(text: object, *, bare_is_ects: bool = False) -> Ects:
    """ECTS credits stated in text (``"6 ECTS"``, ``"ECTS: 5"``, ``"3 crédits ECTS"``, ``"5 ECTS-Punkte"``).

    A bare number counts only with ``bare_is_ects=True`` (a field the source documents as ECTS). Credits
    that are not ECTS ("3 US credits", "ACE credit") are not converted: they give ``ects=None``.
    """
    raw = to_text(text)
    if raw is None:
        return Ects(None, reason="missing: no value")
    try:
        return _parse(raw, bare_is_ects)
    except Exception as exc:  # noqa: BLE001 - a parser never raises on junk
        return Ects(raw, reason=f"error: {type(exc).__name__}")
