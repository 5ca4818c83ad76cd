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


HOURS_RULE = "from stated ECTS: 1 ECTS = 30 h"


def hours_from_ects(ects: float | None) -> tuple[float | None, str | None]:
    """Workload implied by ECTS credits at the same 30 h per ECTS (derived; ``None`` without ECTS)."""
    if ects is None or not isinstance(ects, (int, float)) or not math.isfinite(ects):
        return None, None
    return round(ects * ECTS_HOURS, 2), HOURS_RULE


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


# -- credits in every system a source may state ---------------------------------------------------------------
# system -> (label, pattern after the number, pattern before the number). Matched on folded text with camel case
# split (CTDL unit names such as "SemesterHour"), in this order: the first system whose unit follows a number wins
# for that number. "unspecified" is a plain "credits"/"units" with no system named (Open Badges creditsAvailable,
# schema.org numberOfCredits): kept as stated, never converted.
CREDIT_SYSTEMS: dict[str, str] = {
    "ects": "ECTS credits",
    "scqf": "SCQF credit points",
    "uk_credit": "UK (CATS) credits",
    "us_semester_hour": "US semester credit hours",
    "us_quarter_hour": "US quarter credit hours",
    "us_credit_hour": "US credit hours (term system not stated)",
    "ceu": "Continuing Education Units",
    "cpd_hours": "CPD / clock / contact hours",
    "unspecified": "credits (system not stated)",
}
_UNITS: tuple[tuple[str, str], ...] = (
    ("ects", r"(?:ects|european credits?(?: transfer)?|ects[- ]?(?:credits?|punkte|points?|cp)|"
             r"(?:credits?|credit points?|creditos|crediti|cr[eé]dits?|leistungspunkte|lp|cp)\s*\(?\s*ects\s*\)?)"),
    ("scqf", r"scqf(?: level \d+)?(?: credits?| credit points?| points?)?"),
    ("uk_credit", r"(?:uk|cats|catss|fheq)(?: level \d)?\s*(?:credits?|points?)"),
    ("us_semester_hour", r"(?:semester(?:[- ]credit)?[- ]?hours?|semester[- ]credits?|semester units?|sch|"
                         r"ace (?:credits?|semester hours?)|carnegie units?)"),
    ("us_quarter_hour", r"(?:quarter(?:[- ]credit)?[- ]?hours?|quarter[- ]credits?|quarter units?)"),
    ("us_credit_hour", r"(?:credit[- ]hours?|credit hrs?)"),
    ("ceu", r"(?:ceus?|continuing education units?|continuing education credits?)"),
    ("cpd_hours", r"(?:cpd(?: credit)?[- ]hours?|clock[- ]hours?|contact[- ]hours?|pdhs?|"
                  r"professional development hours?|cpd)"),
    ("unspecified", r"(?:credits?|credit points?|credit units?|units?|degree credits?|certificate credits?|"
                    r"academic credits?|leistungspunkte|cr[eé]dits?)"),
)
_CNUM = r"(\d{1,4}(?:[.,]\d{1,2})?)"
_CREDIT_AFTER = re.compile(
    rf"{_CNUM}(?:\s*(?:-|to|bis|a)\s*{_CNUM})?\s*(" + "|".join(f"(?P<{k}>{p})" for k, p in _UNITS) + r")\b"
)
_CREDIT_BEFORE = re.compile(
    r"\b(" + "|".join(f"(?P<{k}>{p})" for k, p in _UNITS if k != "unspecified") + rf")\s*[:=]?\s*{_CNUM}\b"
)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_BARE_NUMBER = re.compile(rf"\s*{_CNUM}\s*")
# Published conversions applied to stated credits (derived, never shown as stated):
UK_CREDITS_PER_ECTS = 2.0  # SCQF Partnership and QAA credit frameworks: 2 SCQF / UK credits = 1 ECTS credit
CEU_HOURS = 10.0  # IACET: 1 CEU = 10 contact hours of participation
UK_RULE = "2 SCQF/UK credits = 1 ECTS (SCQF Partnership; QAA Higher education credit framework)"
CEU_RULE = "1 CEU = 10 contact hours (IACET)"


@dataclass(frozen=True, slots=True)
class Credit:
    system: str
    value: float
    value_min: float
    value_max: float
    text: str

    def as_dict(self) -> dict:
        return {"system": self.system, "value": self.value, "min": self.value_min, "max": self.value_max,
                "text": self.text}


@dataclass(frozen=True, slots=True)
class CreditsResult:
    """Every credit statement of one text, and what follows from them.

    ``ects`` is stated when the text names ECTS; derived (``ects_rule`` says how) from SCQF/UK credits; else
    ``None``. ``hours`` is the workload the credits state (CPD/clock hours: stated) or imply (CEU: derived)."""

    raw: str | None
    credits: tuple[Credit, ...] = ()
    ects: float | None = None
    ects_stated: bool = False
    ects_rule: str | None = None
    hours: float | None = None
    hours_stated: bool = False
    hours_rule: str | None = None
    reason: str | None = None

    @property
    def system(self) -> str | None:
        return self.credits[0].system if self.credits else None


def _system_of(m: re.Match) -> str:
    return next(k for k, _ in _UNITS if m.group(k))


@lru_cache(maxsize=16384)
def _credits(raw: str) -> CreditsResult:
    text = clean(raw)
    if not text:
        return CreditsResult(raw, reason="empty: no text")
    if len(text) > MAX_INPUT:
        return CreditsResult(raw, reason=f"too_long: more than {MAX_INPUT} characters")
    t = fold(_CAMEL.sub(" ", text))
    found: list[Credit] = []
    taken: list[tuple[int, int]] = []
    for m in _CREDIT_AFTER.finditer(t):
        lo = parse_number(m.group(1))
        hi = parse_number(m.group(2)) if m.group(2) else lo
        if lo is None or hi is None:
            continue
        lo, hi = min(lo, hi), max(lo, hi)
        found.append(Credit(_system_of(m), (lo + hi) / 2, lo, hi, text[m.start():m.end()].strip()))
        taken.append(m.span())
    for m in _CREDIT_BEFORE.finditer(t):
        if any(a <= m.start() < b or a < m.end() <= b for a, b in taken):
            continue
        value = parse_number(m.groups()[-1])
        if value is not None:
            found.append(Credit(_system_of(m), value, value, value, text[m.start():m.end()].strip()))
    if not found and (b := _BARE_NUMBER.fullmatch(t)):
        value = parse_number(b.group(1))
        if value is not None:
            found.append(Credit("unspecified", value, value, value, text))
    if not found:
        return CreditsResult(raw, reason="unparsed: no credits stated")
    if any(c.value_max > MAX_ECTS * 4 for c in found):
        return CreditsResult(raw, reason="out_of_range: more credits than any credential carries")
    by = {c.system: c for c in reversed(found)}  # the first statement of each system
    ects = ects_rule = hours = hours_rule = None
    ects_stated = hours_stated = False
    if "ects" in by:
        ects, ects_stated = by["ects"].value, True
        ects_rule = "stated" if by["ects"].value_min == by["ects"].value_max else "midpoint of a stated range"
    elif (uk := by.get("scqf") or by.get("uk_credit")) is not None:
        ects, ects_rule = round(uk.value / UK_CREDITS_PER_ECTS, 2), UK_RULE
    if "cpd_hours" in by:
        hours, hours_stated, hours_rule = by["cpd_hours"].value, True, "stated hours"
    elif "ceu" in by:
        hours, hours_rule = by["ceu"].value * CEU_HOURS, CEU_RULE
    if ects is not None and ects > MAX_ECTS:
        return CreditsResult(raw, reason=f"out_of_range: more than {MAX_ECTS:g} ECTS")
    return CreditsResult(raw, tuple(found), ects, ects_stated, ects_rule, hours, hours_stated, hours_rule)


def parse_credits(text: object) -> CreditsResult:
    """Every credit a text states, with its system (``CREDIT_SYSTEMS``): ``"5 ECTS"``, ``"20 SCQF credits (10
    ECTS)"``, ``"3 semester credit hours"``, ``"4 QuarterHour"`` (CTDL unit names), ``"1.5 CEUs"``, ``"12 CPD
    hours"``, ``"5 credits"`` (system not stated), a bare ``"15"`` (a field that holds a number of credits).

    ECTS are stated only when the text says ECTS (the source's own conversion, "(10 ECTS)", wins); SCQF and UK
    credits give ECTS at the published 2:1 rate, marked derived; US credit hours are never converted to ECTS
    (no single published rate)."""
    raw = to_text(text)
    if raw is None:
        return CreditsResult(None, reason="missing: no value")
    try:
        return _credits(raw)
    except Exception as exc:  # noqa: BLE001 - a parser never raises on junk
        return CreditsResult(raw, reason=f"error: {type(exc).__name__}")


_TEXT_LIMIT = 20_000  # descriptions are searched for a stated ECTS figure in their first 20,000 characters


@lru_cache(maxsize=4096)
def _ects_in(raw: str) -> Ects:
    if "ects" not in raw[:_TEXT_LIMIT].lower():  # the common case, without cleaning the text
        return Ects(raw, reason="unparsed: no single ECTS figure")
    t = fold(clean(raw[:_TEXT_LIMIT]))
    values = set()
    for m in _ECTS.finditer(t):
        lo = parse_number(m.group(1))
        hi = parse_number(m.group(2)) if m.group(2) else lo
        if lo is not None and hi is not None and 0 < hi <= MAX_ECTS:
            values.add((min(lo, hi), max(lo, hi)))
    if len(values) != 1:
        return Ects(raw, reason="unparsed: no single ECTS figure" if not values else
                    "ambiguous: several ECTS figures in the text")
    lo, hi = values.pop()
    return Ects(raw, (lo + hi) / 2, lo, hi, False, "stated in the description")


def ects_in_text(text: object) -> Ects:
    """The ECTS credits a free text (a description) states, e.g. ``"... bundles (5 ECTS)."``: one figure only
    (a text naming two different figures, "5 ECTS towards a 90 ECTS master", gives none)."""
    raw = to_text(text)
    if raw is None:
        return Ects(None, reason="missing: no value")
    try:
        return _ects_in(raw)
    except Exception as exc:  # noqa: BLE001 - a parser never raises on junk
        return Ects(raw, reason=f"error: {type(exc).__name__}")
