"""Dates: the text providers publish -> a timezone-aware UTC ISO 8601 string (``2017-02-14T00:00:00+00:00``).

Accepted: ISO 8601 dates and date-times with or without an offset or ``Z`` (``2017-02-14``,
``2017-02-14T00:00:00Z``, ``2015-04-14T13:00:00.000+02:00``, ``2017-01-18 20:58:58+00:00``), RFC 2822 (RSS
``Tue, 12 Jan 2016 11:52:58 -0500``), month names in English, German, French, Spanish, Italian and Portuguese
(``Feb 14, 2017``, ``February 14, 2017``, ``14 February 2017``, ``14. Februar 2017``, ``14 février 2017``,
``14 de febrero de 2017``, ``July 2, 2015, 09:00 UTC``), day-first dotted dates (``14.02.2017``), slashed dates
when unambiguous or with ``dayfirst=`` (``02/14/2017``; ``03/04/2017`` needs ``dayfirst``), and epoch
seconds or milliseconds (``1447095621493``; as int or text; values above 4102444800, i.e. past 2100
as seconds, are milliseconds), and ISO basic dates (``20170214``).

Rules: a value without an offset is read as UTC and flagged ``assumed_utc``; a date without a time is
midnight UTC and flagged ``date_only``; years outside 1970-2100 are refused (``out_of_range``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, UTC
from email.utils import parsedate_to_datetime
from functools import lru_cache

from pipeline.normalise._text import MAX_INPUT, clean, fold, to_text

MIN_YEAR, MAX_YEAR = 1970, 2100

_MONTHS = {}
for _i, _names in enumerate(
    (
        "jan january januar janvier enero gennaio janeiro jänner janner ene gen",
        "feb february februar fevrier febrero febbraio fevereiro fev",
        "mar march marz mars marzo marco",
        "apr april avril abril aprile avr abr",
        "may mai mayo maggio maio mag",
        "jun june juni juin junio giugno junho giu",
        "jul july juli juillet julio luglio julho juil lug",
        "aug august aout agosto ago",
        "sep sept september septembre septiembre settembre setembro set",
        "oct october oktober octobre octubre ottobre outubro okt ott out",
        "nov november novembre noviembre novembro",
        "dec december dezember decembre diciembre dicembre dezembro dez dic",
    ),
    start=1,
):
    for _n in _names.split():
        _MONTHS[_n] = _i
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_TIME = r"(?:[,\s]+(?:at\s+|um\s+|a\s+las\s+|a\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(am|pm)?\s*(utc|gmt|z)?)?"
_MDY = re.compile(rf"(?:[a-z]+,?\s+)?({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}}){_TIME}")
_DMY = re.compile(rf"(?:[a-z]+,?\s+)?(\d{{1,2}})(?:st|nd|rd|th|er)?\.?\s+(?:de\s+)?({_MONTH_RE})\.?,?\s+(?:de\s+)?(\d{{4}}){_TIME}")
_NUMERIC = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4})" + _TIME)
_RFC2822 = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\s+(?:[+-]\d{4}|gmt|ut|[ecmp][sd]t)$")
_MAX_EPOCH_SECONDS = 4_102_444_800  # 2100-01-01T00:00:00Z
_BASIC_DATE = re.compile(r"(19\d{2}|20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])")
_EPOCH = re.compile(r"-?\d{9,13}(?:\.\d+)?")
_ISOISH = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ][\d:.,]+)?(?:\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT))?")


@dataclass(frozen=True, slots=True)
class DateResult:
    raw: str | None
    iso: str | None = None
    date_only: bool = False
    assumed_utc: bool = False
    reason: str | None = None


def _out(raw: str, dt: datetime, date_only: bool) -> DateResult:
    assumed = dt.tzinfo is None
    if assumed:
        dt = dt.replace(tzinfo=UTC)
    dt = dt.astimezone(UTC)
    if not (MIN_YEAR <= dt.year <= MAX_YEAR):
        return DateResult(raw, reason=f"out_of_range: year {dt.year} outside {MIN_YEAR}-{MAX_YEAR}")
    return DateResult(raw, dt.isoformat(), date_only, assumed and not date_only)


def _with_time(raw, y, mo, d, hh, mm, ss, ampm, tz) -> DateResult:
    if hh is None:
        return _out(raw, datetime(y, mo, d), True)
    h = int(hh)
    if ampm == "pm" and h < 12:
        h += 12
    elif ampm == "am" and h == 12:
        h = 0
    dt = datetime(y, mo, d, h, int(mm), int(ss or 0))
    if tz:
        dt = dt.replace(tzinfo=UTC)
    return _out(raw, dt, False)


@lru_cache(maxsize=65536)
def _parse(raw: str, dayfirst: bool | None) -> DateResult:
    text = clean(raw)
    if not text:
        return DateResult(raw, reason="empty: no text")
    if len(text) > MAX_INPUT:
        return DateResult(raw, reason=f"too_long: more than {MAX_INPUT} characters")
    if b := _BASIC_DATE.fullmatch(text):  # ISO 8601 basic format 20170214
        try:
            return _out(raw, datetime(int(b.group(1)), int(b.group(2)), int(b.group(3))), True)
        except ValueError:
            return DateResult(raw, reason="bad_date: impossible day or month")
    if _EPOCH.fullmatch(text):
        value = float(text)
        # seconds up to 2100 have at most 10 digits; anything larger is milliseconds
        seconds = value / 1000 if abs(value) > _MAX_EPOCH_SECONDS else value
        try:
            dt = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
        except OverflowError:
            return DateResult(raw, reason="out_of_range: epoch value")
        return _out(raw, dt, False)
    if _ISOISH.fullmatch(text):
        iso = text.replace(" UTC", "+00:00").replace(" GMT", "+00:00").replace("UTC", "+00:00")
        iso = re.sub(r"(\.\d{6})\d+", r"\1", iso.replace(",", "."))
        try:
            dt = datetime.fromisoformat(iso)
        except ValueError:
            return DateResult(raw, reason="bad_date: not a valid ISO 8601 date")
        return _out(raw, dt, len(text) == 10)
    t = fold(text)
    if _RFC2822.search(t):
        try:
            return _out(raw, parsedate_to_datetime(text), False)
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
    try:
        if m := _MDY.fullmatch(t) or _MDY.match(t):
            mo, d, y = _MONTHS[m.group(1)], int(m.group(2)), int(m.group(3))
            return _with_time(raw, y, mo, d, *m.groups()[3:])
        if m := _DMY.fullmatch(t) or _DMY.match(t):
            d, mo, y = int(m.group(1)), _MONTHS[m.group(2)], int(m.group(3))
            return _with_time(raw, y, mo, d, *m.groups()[3:])
        if m := _NUMERIC.fullmatch(t):
            a, sep, b, y = int(m.group(1)), m.group(2), int(m.group(3)), int(m.group(4))
            if sep == ".":
                d, mo = a, b  # 14.02.2017: dotted dates are day-first everywhere they are used
            elif a > 12 >= b:
                d, mo = a, b
            elif b > 12 >= a:
                d, mo = b, a
            elif a == b:
                d, mo = a, b
            elif dayfirst is None:
                return DateResult(raw, reason="ambiguous_date: day and month both <= 12; pass dayfirst")
            else:
                d, mo = (a, b) if dayfirst else (b, a)
            return _with_time(raw, y, mo, d, *m.groups()[4:])
    except ValueError:
        return DateResult(raw, reason="bad_date: impossible day or month")
    return DateResult(raw, reason="unparsed: not a recognised date")


def parse_date(value: object, *, dayfirst: bool | None = None) -> DateResult:
    """A published date -> UTC ISO 8601 string. Ints/floats are epoch seconds or milliseconds."""
    if isinstance(value, datetime):
        return _out(value.isoformat(), value, False)
    raw = to_text(value)
    if raw is None:
        return DateResult(None, reason="missing: no value")
    try:
        return _parse(raw, dayfirst)
    except Exception as exc:  # noqa: BLE001 - a parser never raises on junk
        return DateResult(raw, reason=f"error: {type(exc).__name__}")
