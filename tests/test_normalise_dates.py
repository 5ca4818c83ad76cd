"""Table tests for dates -> UTC ISO 8601 (shapes from the MIT-licensed provider samples and catalogue exports)."""

from datetime import datetime

import pytest

from pipeline.normalise.dates import parse_date

CASES = [
    ("2017-02-14", "2017-02-14T00:00:00+00:00"),
    ("2017-02-14T00:00:00Z", "2017-02-14T00:00:00+00:00"),
    ("2016-10-15T00:00:00+02:00", "2016-10-14T22:00:00+00:00"),  # MOOChub startDate
    ("2015-04-14T13:00:00.000+02:00", "2015-04-14T11:00:00+00:00"),  # iversity start_date
    ("2017-01-18 20:58:58+00:00", "2017-01-18T20:58:58+00:00"),  # Udemy published_timestamp
    ("2016-04-25 00:00:00", "2016-04-25T00:00:00+00:00"),  # edX RSS course:start (no offset)
    ("Tue, 12 Jan 2016 11:52:58 -0500", "2016-01-12T16:52:58+00:00"),  # RSS pubDate
    ("Feb 14, 2017", "2017-02-14T00:00:00+00:00"),
    ("February 14, 2017", "2017-02-14T00:00:00+00:00"),
    ("14 February 2017", "2017-02-14T00:00:00+00:00"),
    ("July 2, 2015, 09:00 UTC", "2015-07-02T09:00:00+00:00"),
    ("14.02.2017", "2017-02-14T00:00:00+00:00"),
    ("14. Februar 2017", "2017-02-14T00:00:00+00:00"),
    ("14 février 2017", "2017-02-14T00:00:00+00:00"),
    ("14 de febrero de 2017", "2017-02-14T00:00:00+00:00"),
    ("02/14/2017", "2017-02-14T00:00:00+00:00"),
    (1447095621493, "2015-11-09T19:00:21.493000+00:00"),  # Coursera startDate, epoch millis
    ("1447095621", "2015-11-09T19:00:21+00:00"),
]


@pytest.mark.parametrize("text,iso", CASES)
def test_dates(text, iso):
    r = parse_date(text)
    assert r.iso == iso and r.reason is None, r
    assert datetime.fromisoformat(r.iso).utcoffset().total_seconds() == 0


def test_flags():
    assert parse_date("2017-02-14").date_only
    assert parse_date("2016-04-25 00:00:00").assumed_utc
    assert not parse_date("2017-02-14T00:00:00Z").assumed_utc


def test_ambiguous_slashes_need_dayfirst():
    assert parse_date("03/04/2017").reason.startswith("ambiguous_date")
    assert parse_date("03/04/2017", dayfirst=True).iso.startswith("2017-04-03")
    assert parse_date("03/04/2017", dayfirst=False).iso.startswith("2017-03-04")


@pytest.mark.parametrize("text,code", [("tomorrow", "unparsed"), ("Feb 30, 2017", "bad_date"),
                                       ("9999-12-31", "out_of_range"), ("2017-13-45", "bad_date"),
                                       ("", "empty"), (None, "missing")])
def test_junk(text, code):
    r = parse_date(text)
    assert r.iso is None and r.reason.startswith(code), r
