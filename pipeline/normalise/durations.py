"""Durations: the workload text and the calendar-length text providers publish -> hours and weeks.

Two different quantities, never converted into each other without a stated rate:

- **workload** (``duration_text``): hours of learning or effort, as a total (``PT25M``, ``25 minutes``,
  ``Approx. 40 hours to complete``) or per period (``4-6 hours per week``);
- **calendar length** (``length_text``): how long it runs (``6 weeks``, ``P20D``, ``P2W``, ``3 months``).

Units, not fields, decide which is which, so one text gives one answer wherever it stands (a source property
such as CTDL ``exactDuration`` may hold ``P20D`` or ``PT30H``).

Accepted shapes (case and diacritics do not matter; en/de/fr/es/it unit words):

- ISO 8601: a duration with only a time part (``PT10H``, ``PT1H30M``, ``PT25M``) is workload; one with a
  date part (``P6W``, ``P3M``, ``P20D``, ``P2D``, ``P1DT12H``) is a calendar length, in either field
  (``P20D`` is twenty days, never 480 hours);
- absolute effort: ``Approx. 40 hours to complete``, ``1h 30m``, ``90 minutes``, ``2 Stunden``,
  ``10 heures``, ``Less than 1 hour``;
- a rate and a length: ``5-10 hours/week`` with ``6 weeks`` (the second argument, or in the same text:
  ``Duration: 5 weeks (4 - 6 hours per week)``), ``3 months at 10 hours a week``, ``2–4 hours per week``;
- a bare number only with an explicit ``unit=`` (``"1080"`` with ``unit="minutes"``).

Rules (also in ``docs/normalisation.md``); ``rule`` says which one gave ``hours``:

- ``stated_hours``: the text states a total workload (a range ``X-Y`` uses the midpoint, keeps
  ``hours_min``/``hours_max`` and sets ``estimated``); it wins over a rate x length product;
- ``effort_x_length``: no total is stated, so workload = hours per week x weeks, the weeks from the same
  text or from the calendar-length text;
- months become weeks at 365.25/12/7 = 4.348 weeks per month (``estimated``); days become weeks at 7 per week;
- a length alone (``6 Weeks``, ``P6W``) gives ``weeks`` and leaves ``hours`` ``None`` (no workload is
  stated), with no ``reason``: nothing is wrong with it;
- nothing recognisable gives ``hours=None`` and a ``reason``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.normalise._text import MAX_INPUT, clean, fold, parse_number, to_text

WEEKS_PER_MONTH = 365.25 / 12 / 7  # 4.348 weeks in an average month
MAX_HOURS = 100_000.0  # beyond this a "workload" is a data error (≈ 50 working years)
MAX_WEEKS = 520.0  # ten years


@dataclass(frozen=True, slots=True)
class Duration:
    """A parsed duration. ``hours`` is the total notional workload (``rule`` says how it was obtained);
    ``weeks`` the calendar length."""

    raw: str | None
    hours: float | None = None
    hours_min: float | None = None
    hours_max: float | None = None
    hours_per_week: float | None = None
    hours_per_week_min: float | None = None
    hours_per_week_max: float | None = None
    weeks: float | None = None
    estimated: bool = False
    note: str | None = None
    reason: str | None = None
    raw_length: str | None = None
    rule: str | None = None

    @property
    def days(self) -> float | None:
        """The calendar length in days (``P20D`` -> 20)."""
        return None if self.weeks is None else round(self.weeks * 7, 4)


# a decimal point may carry a float's full precision ("0.6166666666666667 hours" from a catalogue export)
_NUM = r"(\d{1,7}(?:\.\d{1,17}|,\d{1,4})?)"
_RANGE_SEP = r"\s*(?:-|~|to|bis|a|à|ou|or)\s*"
_H = r"hours?|hrs?|h|std\.?|stunden?|heures?|horas?|ore|ora|uur"
_MIN = r"minutes?|mins?|minuten?|minutos?|minuti|mn"
_WK = r"weeks?|wks?|wochen?|semaines?|semanas?|settimanas?|settimane|weken"
_MO = r"months?|monate?n?|mois|mes(?:es)?|mesi|mese|maanden?"
_DAY = r"days?|tage?n?|jours?|dias?|giorni|giorno|dagen?"
_PER_WEEK = (
    r"(?:\s*(?:/|per|a|an|each|every|pro|par|por|a la|la|la settimana|alla)\s*"
    r"(?:week|wk|woche|semaine|semana|settimana)\b|\s*weekly|\s*wochentlich|\s*hebdo(?:madaire)?s?|\s*semanales?)"
)
_PER_DAY = r"(?:\s*(?:/|per|a|each|pro|par|por|al)\s*(?:day|tag|jour|dia|giorno)\b|\s*daily|\s*taglich)"
_PER_MONTH = r"(?:\s*(?:/|per|a|each|pro|par|por|al)\s*(?:month|monat|mois|mes|mese)\b|\s*monthly|\s*monatlich)"
_QUANTITY = re.compile(
    rf"{_NUM}(?:{_RANGE_SEP}{_NUM})?\s*(?:(?P<h>{_H})|(?P<min>{_MIN})|(?P<wk>{_WK})|(?P<mo>{_MO})|(?P<day>{_DAY}))"
    rf"(?![a-z])(?P<pw>{_PER_WEEK})?(?P<pd>{_PER_DAY})?(?P<pm>{_PER_MONTH})?"
)
# "1h30", "2h 15" without a minutes unit
_COMPACT_HM = re.compile(r"\b(\d{1,3})\s*h\s*(\d{1,2})\s*(?:m|mn|min)?\b(?!\s*(?:h|%|[.,]\d|[a-z]))")
_ALPHA_TOKENS = re.compile(r"[a-z]+")
_HAS_COMPACT = re.compile(r"\dh\s*\d|\d\s+h\s*\d")
_ISO = re.compile(
    r"P(?!$)(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?=\d)(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?"
)
_BARE = re.compile(rf"\s*~?\s*{_NUM}\s*")
_UPPER = re.compile(r"\b(?:less than|under|up to|at most|max(?:imum)?|bis zu|hochstens|moins de|jusqu'a|menos de|hasta)\b")
_LOWER = re.compile(r"\b(?:more than|over|at least|minimum|mindestens|uber|plus de|au moins|mas de|al menos)\b")
_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "fifteen": "15", "twenty": "20", "thirty": "30",
    "forty": "40", "fifty": "50", "sixty": "60", "ein": "1", "eine": "1", "einer": "1", "zwei": "2",
    "drei": "3", "vier": "4", "funf": "5", "sechs": "6", "sieben": "7", "acht": "8", "zehn": "10",
    "un": "1", "une": "1", "deux": "2", "trois": "3", "quatre": "4", "cinq": "5", "huit": "8", "dix": "10",
    "uno": "1", "una": "1", "dos": "2", "tres": "3", "cuatro": "4", "cinco": "5", "seis": "6", "ocho": "8",
    "diez": "10",
}
_WORD_RE = re.compile(r"\b(" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")\b(?=\s+(?:[a-z]+\s+)?[a-z])")
# an ISO 8601 calendar length inside a text ("2 h/week over P6W"), already folded to lower case
_ISO_IN_TEXT = re.compile(r"\bp(\d{1,4})([wdmy])\b")
_ISO_UNITS = {"w": "weeks", "d": "days", "m": "months"}
_ISO_TIME_IN_TEXT = re.compile(r"\bpt(?=\d)(?:(\d{1,4}(?:[.,]\d+)?)h)?(?:(\d{1,4})m)?\b")
_HALF_HOUR = re.compile(r"\b(?:half an? hour|a half hour|half hour|une demi-heure|media hora|eine halbe stunde)\b")
_AN_HOUR = re.compile(r"(?<![\d.,]\s)(?<![\d.,])\b(?:an|one|a)\s+hour\b")

RULES = ("stated_hours", "effort_x_length")
UNITS = ("hours", "minutes", "weeks", "days", "months", "seconds")


def _num(text: str | None) -> float | None:
    return None if text is None else parse_number(text)


def _mid(lo: float, hi: float | None) -> tuple[float, float, float]:
    if hi is None:
        return lo, lo, lo
    lo, hi = min(lo, hi), max(lo, hi)
    return (lo + hi) / 2, lo, hi


def _fmt(x: float) -> str:
    return f"{x:g}"


def _finish(raw, hours, hmin, hmax, hpw, weeks, estimated, note, hpw_lo=None, hpw_hi=None, rule=None) -> Duration:
    if hpw is not None and hpw_lo is None:
        hpw_lo = hpw_hi = hpw
    for v in (hours, hmin, hmax, hpw, hpw_lo, hpw_hi):
        if v is not None and (not math.isfinite(v) or v > MAX_HOURS):
            return Duration(raw, reason=f"out_of_range: workload above {MAX_HOURS:g} hours")
    if weeks is not None and (not math.isfinite(weeks) or weeks > MAX_WEEKS):
        return Duration(raw, reason=f"out_of_range: length above {MAX_WEEKS:g} weeks")
    if hours is not None and rule is None:
        rule = "stated_hours"
    return Duration(raw, hours, hmin, hmax, hpw, hpw_lo, hpw_hi, weeks, estimated, note, rule=rule)


def _parse_iso(raw: str, text: str) -> Duration | None:
    compact = text.replace(" ", "").upper()
    if not compact.startswith("P"):
        return None
    m = _ISO.fullmatch(compact)
    if not m:
        return Duration(raw, reason="bad_iso8601: not a valid ISO 8601 duration")
    y, mo, w, d, h, mi, s = (None if g is None else parse_number(g) for g in m.groups())
    if all(v is None for v in (y, mo, w, d, h, mi, s)):
        return Duration(raw, reason="bad_iso8601: no components")
    time_hours = (h or 0) + (mi or 0) / 60 + (s or 0) / 3600
    if all(v is None for v in (y, mo, w, d)):
        return _finish(raw, time_hours, time_hours, time_hours, None, None, False, "ISO 8601 time = workload")
    # a date part makes the whole duration a calendar span: its time part is elapsed time, not workload
    weeks = ((y or 0) * 12 + (mo or 0)) * WEEKS_PER_MONTH + (w or 0) + (d or 0) / 7 + time_hours / 168
    note = "ISO 8601 date part = calendar length, no workload" + (", 4.348 weeks/month" if y or mo else "")
    return _finish(raw, None, None, None, None, weeks, bool(y or mo), note)


def _bare(raw: str, value: float, unit: str | None) -> Duration:
    if unit is None:
        return Duration(raw, reason="no_unit: a bare number needs unit= (hours, minutes, weeks, ...)")
    unit = unit.lower().rstrip("s") + "s"
    if unit == "hours":
        return _finish(raw, value, value, value, None, None, False, "bare number in hours")
    if unit == "minutes":
        h = value / 60
        return _finish(raw, h, h, h, None, None, False, "bare number in minutes")
    if unit == "seconds":
        h = value / 3600
        return _finish(raw, h, h, h, None, None, False, "bare number in seconds")
    if unit == "weeks":
        return _finish(raw, None, None, None, None, value, False, "bare number in weeks")
    if unit == "days":
        return _finish(raw, None, None, None, None, value / 7, False, "bare number in days")
    if unit == "months":
        return _finish(raw, None, None, None, None, value * WEEKS_PER_MONTH, True, "months x 4.348 weeks")
    return Duration(raw, reason=f"bad_unit: {unit!r} is not one of {', '.join(UNITS)}")


def _scan(text: str):
    """(kind, mid, lo, hi, start, end) for every quantity with a unit in already folded text."""
    found = []
    for m in _QUANTITY.finditer(text):
        lo = _num(m.group(1))
        hi = _num(m.group(2))
        if lo is None:
            continue
        mid, lo, hi = _mid(lo, hi)
        if m.group("h"):
            kind = "h"
        elif m.group("min"):
            kind = "min"
        elif m.group("wk"):
            kind = "wk"
        elif m.group("mo"):
            kind = "mo"
        else:
            kind = "day"
        if m.group("pd"):
            kind += "/day"
        elif m.group("pm"):
            kind += "/mo"
        elif m.group("pw"):
            kind += "/wk"
        found.append((kind, mid, lo, hi, m.start(), m.end(), m.group(2) is not None))
    return found


def _parse_text(raw: str, text: str) -> Duration:
    t = fold(text)
    if "pt" in t:  # an ISO 8601 time inside a text ("PT3H per day": a schema.org Schedule's time per occurrence)
        t = _ISO_TIME_IN_TEXT.sub(lambda m: f"{(parse_number(m.group(1) or '0') or 0) + int(m.group(2) or 0) / 60:g} hours", t)
    if "p" in t:
        t = _ISO_IN_TEXT.sub(lambda m: f"{int(m.group(1)) * 12} months" if m.group(2) == "y"
                             else f"{m.group(1)} {_ISO_UNITS[m.group(2)]}", t)
    if "hour" in t or "heure" in t or "hora" in t or "stunde" in t:
        t = _HALF_HOUR.sub("0.5 hours", t)
        t = _AN_HOUR.sub("1 hour", t)
    if not _WORDS.keys().isdisjoint(_ALPHA_TOKENS.findall(t)):
        t = _WORD_RE.sub(lambda m: _WORDS[m.group(1)], t)
    if _HAS_COMPACT.search(t):
        t = _COMPACT_HM.sub(r"\1 h \2 min", t)
    qs = _scan(t)
    if not qs:
        return Duration(raw, reason="unparsed: no number with a duration unit")

    hours = hmin = hmax = hpw = hpw_lo = hpw_hi = weeks = wk_lo = wk_hi = None
    estimated = False
    notes: list[str] = []
    last_abs_end = None
    for kind, mid, lo, hi, start, end, is_range in qs:
        if kind in ("h", "min"):
            f = 1.0 if kind == "h" else 1 / 60
            if hours is None:
                hours, hmin, hmax = mid * f, lo * f, hi * f
                estimated |= is_range
                last_abs_end = end
            elif kind == "min" and last_abs_end is not None and start - last_abs_end <= 3:
                hours, hmin, hmax = hours + mid * f, hmin + lo * f, hmax + hi * f  # "1 hour 30 minutes"
                last_abs_end = None
        elif kind in ("h/wk", "min/wk"):
            if hpw is None:
                f = 1.0 if kind == "h/wk" else 1 / 60
                hpw, hpw_lo, hpw_hi = mid * f, lo * f, hi * f
                if is_range:
                    estimated = True
                    notes.append(f"midpoint of {_fmt(lo * f)}-{_fmt(hi * f)} h/week")
        elif kind in ("h/day", "min/day", "h/mo", "min/mo"):
            # a stated rate per day or month (MOOChub v3 timeUnit h/day, h/month) as a weekly rate: 7 days a
            # week, 4.348 weeks a month; estimated, since a course need not run every day
            if hpw is None:
                f = (1.0 if kind.startswith("h/") else 1 / 60) * (7.0 if kind.endswith("/day") else 1 / WEEKS_PER_MONTH)
                hpw, hpw_lo, hpw_hi = mid * f, lo * f, hi * f
                estimated = True
                notes.append("per-day rate x 7 days/week" if kind.endswith("/day") else "per-month rate / 4.348 weeks/month")
        elif kind in ("wk", "mo", "day"):
            if weeks is None:
                f = 1.0 if kind == "wk" else (WEEKS_PER_MONTH if kind == "mo" else 1 / 7)
                weeks, wk_lo, wk_hi = mid * f, lo * f, hi * f
                if kind == "mo":
                    estimated = True
                    notes.append("months x 4.348 weeks")
                if is_range:
                    estimated = True
                    notes.append(f"midpoint of {_fmt(lo * f)}-{_fmt(hi * f)} weeks")
        # per-week lengths are ignored: no stable conversion to a workload
    return _combine(raw, t, hours, hmin, hmax, hpw, hpw_lo, hpw_hi, weeks, wk_lo, wk_hi, estimated, notes)


def _combine(raw, t, hours, hmin, hmax, hpw, hpw_lo, hpw_hi, weeks, wk_lo, wk_hi, estimated, notes) -> Duration:
    if hours is not None:
        if hmin != hmax:
            notes.insert(0, f"midpoint of {_fmt(hmin)}-{_fmt(hmax)} h")
        if _UPPER.search(t):
            estimated = True
            notes.append("stated as an upper bound")
        elif _LOWER.search(t):
            estimated = True
            notes.append("stated as a lower bound")
        notes.insert(0, "stated total")
        return _finish(raw, hours, hmin, hmax, hpw, weeks, estimated, "; ".join(notes), hpw_lo, hpw_hi)
    if hpw is not None and weeks is not None:
        notes.insert(0, "h/week x weeks")
        return _finish(raw, hpw * weeks, hpw_lo * wk_lo, hpw_hi * wk_hi, hpw, weeks, estimated, "; ".join(notes),
                       hpw_lo, hpw_hi, rule="effort_x_length")
    if hpw is not None:
        notes.insert(0, "rate only, no length")
        return _finish(raw, None, None, None, hpw, None, estimated, "; ".join(notes), hpw_lo, hpw_hi)
    if weeks is not None:
        notes.insert(0, "length only, no workload")
        return _finish(raw, None, None, None, None, weeks, estimated, "; ".join(notes))
    return Duration(raw, reason="unparsed: only a per-day rate or an unsupported unit")


@lru_cache(maxsize=65536)
def _parse_one(raw: str, unit: str | None) -> Duration:
    text = clean(raw)
    if not text:
        return Duration(raw, reason="empty: no text")
    if len(text) > MAX_INPUT:
        return Duration(raw, reason=f"too_long: more than {MAX_INPUT} characters")
    bare = _BARE.fullmatch(text)
    if bare:
        value = parse_number(bare.group(1))
        if value is None:
            return Duration(raw, reason="unparsed: bad number")
        return _bare(raw, value, unit)
    if text[:1] in "Pp" and (text[1:2].isdigit() or text[1:2] in ("T", "t")) and " " not in text:
        iso = _parse_iso(raw, text)
        if iso is not None:
            return iso
    return _parse_text(raw, text)


def parse_duration(text: object, length: object = None, *, unit: str | None = None) -> Duration:
    """Parse a workload text and, optionally, a separate calendar-length text (``"6 Weeks"``, ``"P20D"``).

    Units, not fields, say what a quantity is: hours and minutes (an ISO 8601 time such as ``PT30H``) are
    workload; weeks, days and months (an ISO 8601 date part such as ``P20D``) are calendar length. The workload
    text wins for workload, the length text for the length. ``unit`` applies to a bare number in ``text``
    (``"hours"``, ``"minutes"``, ``"weeks"``, ``"days"``, ``"months"``, ``"seconds"``); a bare number in the
    length text is weeks. Never raises; junk gives ``hours=None`` and a ``reason``.
    """
    raw = to_text(text)
    raw_length = to_text(length)
    try:
        main = _parse_one(raw, unit) if raw is not None else Duration(None, reason="missing: no value")
        if raw_length is None:
            return main
        return _merge(main, _parse_one(raw_length, "weeks"), raw_length)
    except Exception as exc:  # noqa: BLE001 - a parser never raises on junk
        return Duration(raw, reason=f"error: {type(exc).__name__}", raw_length=raw_length)


def _merge(main: Duration, length: Duration, raw_length: str) -> Duration:
    """Combine the workload text's reading (main) with the length text's: main wins for workload, length for weeks."""
    weeks = length.weeks if length.weeks is not None else main.weeks
    from_length = length.weeks is not None
    if main.raw is None:
        return _replace(length, raw=None, raw_length=raw_length)
    if main.hours is not None:
        est = main.estimated or (from_length and length.estimated)
        return _replace(main, weeks=weeks, estimated=est, raw_length=raw_length)
    if main.hours_per_week is not None and weeks is not None:
        est = main.estimated or (from_length and length.estimated)
        note = "h/week x weeks" + (" (length given separately)" if from_length else "")
        if main.note and "; " in main.note:  # the rate's own notes (a midpoint, a per-day rate)
            note += "; " + main.note.split("; ", 1)[-1]
        if from_length and length.estimated and length.note:
            note += "; length: " + length.note
        lo, hi = main.hours_per_week_min, main.hours_per_week_max
        d = _finish(main.raw, main.hours_per_week * weeks, lo * weeks, hi * weeks, main.hours_per_week,
                    weeks, est, note, lo, hi, rule="effort_x_length")
        return _replace(d, raw_length=raw_length)
    if length.hours is not None:  # the length text states the workload in time units (CTDL exactDuration PT30H)
        return _replace(length, raw=main.raw, raw_length=raw_length, note=f"{length.note}; stated in the length text")
    est = length.estimated if from_length else main.estimated
    note = length.note if from_length and main.reason is not None else main.note
    return _replace(main, weeks=weeks, estimated=est, note=note, raw_length=raw_length)


def _replace(d: Duration, **changes) -> Duration:
    values = {f: getattr(d, f) for f in Duration.__slots__}
    values.update(changes)
    return Duration(**values)
