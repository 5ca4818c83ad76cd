"""Property tests (hypothesis): the parsers never raise, and their outputs keep their invariants."""

import math
import re
import unicodedata
from datetime import datetime, timedelta, timezone, UTC

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.normalise.credits import ects_from_hours, parse_ects
from pipeline.normalise.countries import parse_country
from pipeline.normalise.dates import parse_date
from pipeline.normalise.durations import RULES, parse_duration
from pipeline.normalise.languages import is_wellformed_tag, parse_language
from pipeline.normalise.levels import LEVELS, parse_eqf, parse_level
from pipeline.normalise.organisations import organisation_key, resolve_organisation
from pipeline.normalise.prices import KINDS, parse_price
from pipeline.normalise.vocab import VOCABULARIES, classify

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Arbitrary text, plus text built from the words and symbols the parsers look for, so that the interesting
# paths (ranges, units, currencies, month names) are reached, not only the "unparsed" one.
WORDS = st.sampled_from(
    "hours hour h hrs minutes min weeks week wk months Stunden Wochen heures semanas per / a week at to - – "
    "PT P T H M W D Y 1 2 10 0.5 1,5 1.299 $ € £ ₹ USD EUR free audit certificate month exam program "
    "Beginner Intermediate Advanced All Levels EQF level Feb 14, 2017 . : ; ( ) en-US Deutsch zh_Hans".split()
)
NUMBERS = st.one_of(st.integers(0, 10**12).map(str), st.floats(0, 1e9, allow_nan=False).map(lambda f: f"{f:g}"))
SOUP = st.lists(st.one_of(WORDS, NUMBERS), max_size=12).map(" ".join)
TEXT = st.one_of(st.text(max_size=80), SOUP, st.none(), st.integers(), st.floats())


@SETTINGS
@given(TEXT, st.one_of(st.none(), SOUP), st.sampled_from([None, "hours", "minutes", "weeks", "days", "months"]))
def test_durations_never_raise_and_are_finite_non_negative(text, length, unit):
    d = parse_duration(text, length, unit=unit)
    numbers = (d.hours, d.hours_min, d.hours_max, d.hours_per_week, d.weeks)
    for v in numbers:
        assert v is None or (math.isfinite(v) and v >= 0), d
    if d.hours is not None and d.hours_min is not None:
        assert d.hours_min - 1e-9 <= d.hours <= d.hours_max + 1e-9, d
    assert d.hours is not None or d.weeks is not None or d.hours_per_week is not None or d.reason, d
    # every workload says how it was obtained, and a calendar length alone never becomes workload
    assert (d.hours is None) == (d.rule is None) and d.rule in (None, *RULES), d
    if d.rule == "effort_x_length":
        assert d.hours_per_week is not None and d.weeks is not None, d
    if isinstance(text, str) and re.fullmatch(r"P(?:\d+[YMWD])+", text) and length is None:
        assert d.hours is None, d  # an ISO 8601 date part alone is a calendar length, never workload


@SETTINGS
@given(st.integers(0, 10_000), st.integers(0, 59), st.integers(0, 520))
def test_iso_durations_round_trip(hours, minutes, weeks):
    assert parse_duration(f"PT{hours}H{minutes}M").hours == hours + minutes / 60
    assert parse_duration(f"P{weeks}W").weeks == weeks
    days = parse_duration(None, f"P{weeks}D")
    assert days.hours is None and days.days == pytest.approx(weeks)  # P20D: twenty days, never 480 hours
    # the record's own rendering of a workload parses back to the same hours
    assert parse_duration(f"{hours} hours").hours == hours


@SETTINGS
@given(TEXT, st.sampled_from([None, "USD", "EUR"]))
def test_prices_never_raise_and_are_well_typed(text, currency):
    r = parse_price(text, currency=currency)
    assert (r.offers == ()) == (r.reason is not None)
    for o in r.offers:
        assert o.kind in KINDS
        assert o.amount is None or (math.isfinite(o.amount) and o.amount >= 0)
        assert o.currency is None or (len(o.currency) == 3 and o.currency.isupper())


@SETTINGS
@given(st.integers(1, 9_999_999), st.sampled_from(["$", "€", "£", "USD ", "EUR "]))
def test_formatted_prices_round_trip(amount, symbol):
    text = f"{symbol}{amount:,}" if symbol.strip() in "$€£" else f"{symbol}{amount:,.2f}"
    (offer,) = parse_price(text).offers
    assert offer.amount == amount


@SETTINGS
@given(TEXT)
def test_levels_eqf_vocab_never_raise(text):
    level = parse_level(text)
    assert level.level in (*LEVELS, None)
    eqf = parse_eqf(text)
    assert eqf.eqf is None or 1 <= eqf.eqf <= 8
    for name, vocab in VOCABULARIES.items():
        r = classify(name, text)
        assert r.value is None or r.value in vocab.allowed
    e = parse_ects(text)
    assert e.ects is None or (0 <= e.ects <= 360 and not e.estimated)
    assert parse_country(text).code is None or len(parse_country(text).code) == 2


@SETTINGS
@given(st.floats(0, 1e6, allow_nan=False))
def test_ects_estimate_is_labelled(hours):
    e = ects_from_hours(hours)
    assert e.estimated and e.ects_min <= e.ects_max and "30 h" in e.note


@SETTINGS
@given(TEXT)
def test_language_tags_are_wellformed(text):
    r = parse_language(text)
    assert (r.tag is None) == (r.tags == ())
    assert all(is_wellformed_tag(t) for t in r.tags), r
    if r.tag is not None:
        assert parse_language(r.tag).tag == r.tag  # a returned tag parses to itself


@SETTINGS
@given(st.datetimes(min_value=datetime(1970, 3, 1), max_value=datetime(2099, 12, 30),
                    timezones=st.sampled_from([UTC, timezone(timedelta(hours=2)),
                                               timezone(timedelta(hours=-5, minutes=-30))])))
def test_iso_dates_round_trip(dt):
    # (epoch values below 4102444800 are read as seconds, so millis are unambiguous from 1970-02-18 on)
    r = parse_date(dt.isoformat())
    assert datetime.fromisoformat(r.iso) == dt
    assert datetime.fromisoformat(r.iso).utcoffset() == timedelta(0)
    millis = int(dt.timestamp() * 1000)
    assert parse_date(millis).iso == datetime.fromtimestamp(millis / 1000, UTC).isoformat()


@SETTINGS
@given(TEXT)
def test_dates_never_raise(text):
    r = parse_date(text)
    assert (r.iso is None) == (r.reason is not None)


def _strip_diacritics(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


LATIN = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x24F), max_size=60)


@SETTINGS
@given(st.one_of(st.text(max_size=60), LATIN))
def test_organisation_key_is_idempotent(name):
    key = organisation_key(name)
    assert organisation_key(key) == key
    assert key == key.strip() and "  " not in key


@SETTINGS
@given(LATIN)
def test_organisation_key_is_diacritic_and_case_insensitive(name):
    assert organisation_key(_strip_diacritics(name)) == organisation_key(name)
    assert organisation_key(name.upper()) == organisation_key(name.lower()) or "ß" in name.lower() or "ı" in name


@SETTINGS
@given(TEXT)
def test_resolver_never_raises(text):
    o = resolve_organisation(text)
    assert (o.name is None) == (o.reason is not None)
    if o.name is not None:
        assert o.key == organisation_key(o.name) or not o.known
