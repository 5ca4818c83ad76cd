"""Table tests for pipeline.normalise.durations on strings providers publish.

Cases are our own, modelled on listing shapes seen in public MOOC catalogues (edX effort/length columns,
Coursera workload) and the MIT-licensed provider API samples (Coursera ``5-10 hours/week``, MOOChub ``P6W``,
openSAP ``Duration: 5 weeks (4 - 6 hours per week)``).
"""

import math

import pytest

from pipeline.normalise.durations import WEEKS_PER_MONTH, parse_duration

SH, EL = "stated_hours", "effort_x_length"
CASES = [
    # effort (duration_text), length (length_text), unit, hours, hours_per_week, weeks, estimated, rule
    ("5-10 hours/week", "6 weeks", None, 45.0, 7.5, 6.0, True, EL),
    ("2–4 hours per week", "2 Weeks", None, 6.0, 3.0, 2.0, True, EL),  # edX, en dash
    ("2-3 hours per week", "2 Weeks", None, 5.0, 2.5, 2.0, True, EL),  # edX effort x length columns
    ("8–10 hours per week", "10 Weeks", None, 90.0, 9.0, 10.0, True, EL),
    ("10-12 hours/week", "4 weeks", None, 44.0, 11.0, 4.0, True, EL),
    ("3 hours per week", "P6W", None, 18.0, 3.0, 6.0, False, EL),  # ISO calendar length as the length
    ("PT10H", None, None, 10.0, None, None, False, SH),
    ("PT1H30M", None, None, 1.5, None, None, False, SH),
    ("PT90M", None, None, 1.5, None, None, False, SH),
    ("PT25M", None, None, 25 / 60, None, None, False, SH),  # schema.org timeRequired: 25 minutes of workload
    ("P6W", None, None, None, None, 6.0, False, None),
    ("P20D", None, None, None, None, 20 / 7, False, None),  # CTDL exactDuration: 20 days, not 480 hours
    (None, "P20D", None, None, None, 20 / 7, False, None),
    ("P2D", None, None, None, None, 2 / 7, False, None),
    (None, "P2D", None, None, None, 2 / 7, False, None),
    ("P1DT12H", None, None, None, None, 1.5 / 7, False, None),  # a date part: elapsed calendar time
    ("25 minutes", None, None, 25 / 60, None, None, False, SH),  # Microsoft Learn duration_in_minutes, rendered
    ("90 minutes", None, None, 1.5, None, None, False, SH),
    ("45 min", None, None, 0.75, None, None, False, SH),
    ("1h 30m", None, None, 1.5, None, None, False, SH),
    ("1 hour 30 minutes", None, None, 1.5, None, None, False, SH),
    ("Approx. 40 hours to complete", None, None, 40.0, None, None, False, SH),
    ("Approximately 22 hours to complete", None, None, 22.0, None, None, False, SH),
    ("3 months at 10 hours a week", None, None, 10 * 3 * WEEKS_PER_MONTH, 10.0, 3 * WEEKS_PER_MONTH, True, EL),
    ("Duration: 5 weeks (4 - 6 hours per week)", None, None, 25.0, 5.0, 5.0, True, EL),
    ("5 hours a week for six weeks", None, None, 30.0, 5.0, 6.0, False, EL),
    ("4 Wochen, 3-4 Stunden pro Woche", None, None, 14.0, 3.5, 4.0, True, EL),
    ("2 Stunden", None, None, 2.0, None, None, False, SH),
    ("10 heures", None, None, 10.0, None, None, False, SH),
    ("2 à 3 heures par semaine", "6 semaines", None, 15.0, 2.5, 6.0, True, EL),
    ("3 horas por semana", "8 semanas", None, 24.0, 3.0, 8.0, False, EL),
    ("6 Weeks", None, None, None, None, 6.0, False, None),
    ("1080", None, "minutes", 18.0, None, None, False, SH),  # a bare number only with the caller's unit
    ("1.5", None, "hours", 1.5, None, None, False, SH),
    (35, None, "minutes", 35 / 60, None, None, False, SH),
    ("14", None, "weeks", None, None, 14.0, False, None),
    (None, "4 Weeks", None, None, None, 4.0, False, None),
    ("3 hours", "6 weeks", None, 3.0, None, 6.0, False, SH),
    ("2 h/week over P6W", None, None, 12.0, 2.0, 6.0, False, EL),  # an ISO length inside a text  # a stated total is never multiplied by weeks
]


@pytest.mark.parametrize("effort,length,unit,hours,hpw,weeks,estimated,rule", CASES)
def test_real_duration_strings(effort, length, unit, hours, hpw, weeks, estimated, rule):
    d = parse_duration(effort, length, unit=unit)
    assert d.reason is None, d
    for got, want in ((d.hours, hours), (d.hours_per_week, hpw), (d.weeks, weeks)):
        if want is None:
            assert got is None, d
        else:
            assert got == pytest.approx(want), d
    assert d.estimated is estimated, d
    assert d.rule == rule, d
    assert d.raw == (None if effort is None else str(effort))
    assert d.raw_length == length


@pytest.mark.parametrize("text", ["P2D", "P20D", "P6W", "P3M"])
def test_an_iso_calendar_length_is_the_same_length_in_either_field_and_never_workload(text):
    as_workload, as_length = parse_duration(text), parse_duration(None, text)
    assert as_workload.hours is None and as_length.hours is None
    assert as_workload.weeks == pytest.approx(as_length.weeks)
    assert as_workload.days == as_length.days


def test_days_are_the_calendar_length_in_days():
    assert parse_duration(None, "P20D").days == 20
    assert parse_duration(None, "P2D").days == 2
    assert parse_duration(None, "6 weeks").days == 42
    assert parse_duration("PT25M").days is None


@pytest.mark.parametrize("text,hours", [("PT25M", 25 / 60), ("PT30H", 30.0), ("25 minutes", 25 / 60)])
def test_a_time_is_the_same_workload_in_either_field(text, hours):
    """CTDL exactDuration holds P20D or PT30H: the unit, not the field, says which it is."""
    for d in (parse_duration(text), parse_duration(None, text)):
        assert d.hours == pytest.approx(hours) and d.rule == "stated_hours" and d.weeks is None, d


def test_the_workload_text_wins_for_workload_and_the_length_text_for_length():
    d = parse_duration("3 hours", "PT30H")
    assert d.hours == 3.0
    d = parse_duration("Self-paced", "6 weeks")
    assert d.hours is None and d.weeks == 6.0 and d.reason.startswith("unparsed")
    d = parse_duration("Duration: 5 weeks (4 - 6 hours per week)", "P6W")
    assert d.hours == 25.0 and d.weeks == 6.0  # the product stated in one text stands; the length field wins


def test_range_keeps_bounds_and_says_midpoint():
    d = parse_duration("5-10 hours/week", "6 weeks")
    assert (d.hours_min, d.hours_max) == (30.0, 60.0)
    assert (d.hours_per_week_min, d.hours_per_week_max) == (5.0, 10.0)
    assert "midpoint" in d.note


def test_absolute_effort_wins_over_rate_times_length():
    d = parse_duration("Approx. 12 hours to complete", "4 weeks")
    assert d.hours == 12.0 and d.weeks == 4.0


def test_upper_bound_is_flagged():
    d = parse_duration("Less than 1 hour")
    assert d.hours == 1.0 and d.estimated and "upper bound" in d.note


@pytest.mark.parametrize(
    "text,code",
    [
        ("Self-paced", "unparsed"),
        ("", "empty"),
        (None, "missing"),
        ("14", "no_unit"),  # iversity "duration": "14" - unit unknown without the source's word
        ("P6X", "bad_iso8601"),
        ("99999999 hours", "out_of_range"),
        ("x" * 5000, "too_long"),
    ],
)
def test_junk_gives_reason_not_exception(text, code):
    d = parse_duration(text)
    assert d.hours is None
    assert d.reason.startswith(code), d


def test_results_are_finite():
    for text in ("9999999 hours", "1" * 400 + " hours", "PT" + "9" * 30 + "H"):
        d = parse_duration(text)
        assert d.hours is None or math.isfinite(d.hours)


def test_real_catalogue_exports_parse():
    """Strings as real exports state them: edX's catalogue CSV, Udemy's float hours (mooc_catalogs/)."""
    edx = parse_duration("2–3 hours per week", "2 Weeks")
    assert (edx.hours, edx.hours_per_week, edx.weeks, edx.rule) == (5.0, 2.5, 2.0, "effort_x_length")
    udemy = parse_duration("0.6166666666666667 hours")
    assert udemy.hours == 0.6166666666666667 and udemy.rule == "stated_hours"
    assert parse_duration("1,500 hours").hours == 1500  # a comma still groups thousands


def test_moochub_v3_rates_per_day_and_month():
    """MOOChub v3 workload timeUnit is h/week, h/day or h/month, with the course's ISO 8601 duration."""
    day = parse_duration("2 h/day", "P2W")
    assert (day.hours, day.hours_per_week, day.estimated, day.rule) == (28.0, 14.0, True, "effort_x_length")
    assert "per-day rate" in day.note
    month = parse_duration("6 h/month", "P3M")
    assert month.hours == pytest.approx(18.0) and month.rule == "effort_x_length"
    assert parse_duration("6 h/month").hours is None  # a rate alone is no total


def test_schedule_time_per_occurrence_with_its_repeat():
    """A schema.org Schedule's duration (time of each occurrence) read with repeatFrequency x repeatCount, as
    spiders/structured_data.py writes it: Google's course info example, PT3H Daily x 31."""
    d = parse_duration("PT3H per day", "P31D")
    assert d.hours == pytest.approx(93.0) and d.hours_per_week == 21.0 and d.rule == "effort_x_length"
    assert parse_duration("PT1H30M per week", "P8W").hours == pytest.approx(12.0)
    assert parse_duration("PT1H30M").hours == 1.5  # a bare ISO 8601 time is still a total
