"""The vectorised entry points and their contract with DuckDB."""

import subprocess
import sys

import duckdb
import numpy as np
import pandas as pd
import pytest

from pipeline.normalise.frame import KINDS, normalise_frame, parse_distinct


@pytest.fixture
def raw():
    return pd.DataFrame(
        {
            "title": ["Gamification", "How to Learn Online", "Algorithmen und Datenstrukturen", "X"],
            "organisation": ["University of Pennsylvania", "edX", "Universit&auml;t Osnabr&uuml;ck", None],
            "duration_text": ["4-8 hours/week", "2–3 hours per week", "14", None],
            "length_text": ["6 weeks", "2 Weeks", None, None],
            "price_text": ["$49/month", "FREE-Add a Verified Certificate for $49 USD", "49 €", "junk"],
            "level_text": ["Beginner", "Introductory", "Beginner", None],
            "language_text": ["en", "English", "German", "Klingonese"],
            "date_text": [1447095621493, "2016-04-25 00:00:00", "2015-04-14T13:00:00.000+02:00", "soon"],
            "ects_text": [None, None, "6 ECTS-Punkte", None],
        }
    )


def test_normalise_frame_adds_parsed_columns_beside_raw(raw):
    out = normalise_frame(raw)
    assert list(out.columns[: len(raw.columns)]) == list(raw.columns)  # raw text kept, in place
    assert len(out) == len(raw)
    assert out["duration_hours"].tolist()[:2] == [36.0, 5.0]
    assert np.isnan(out["duration_hours"][2]) and out["duration_reason"][2].startswith("no_unit")
    assert out["cost_kind"].tolist()[:3] == ["subscription", "certificate_fee", "unknown"]
    assert out["price_reason"][3].startswith("unparsed")
    assert out["language"].tolist() == ["en", "en", "de", None]
    assert out["organisation_name"][2] == "Universität Osnabrück"
    assert out["date_utc"][1] == "2016-04-25T00:00:00+00:00"
    # ECTS: stated where stated, estimated (and labelled) from hours otherwise
    assert out["ects"][0] == round(36 / 30, 2) and out["ects_estimated"][0]
    assert out["ects"][2] == 6.0 and not out["ects_estimated"][2]
    assert out["ects_max"][0] == round(36 / 25, 2)


def test_options_and_column_overrides(raw):
    out = normalise_frame(raw, options={"duration": {"unit": "weeks"}}, columns={"date": "title"})
    assert out["length_weeks"][2] == 14.0 and out["length_days"][2] == 98.0
    assert out["date_reason"].notna().all()  # titles are not dates


def test_parse_distinct_matches_per_value_parsing():
    values = pd.Series(["Beginner", "Beginner", None, "All Levels", "nonsense"], name="level_text")
    table = parse_distinct("level", values)
    assert table["level_text"].tolist() == ["Beginner", "Beginner", None, "All Levels", "nonsense"]
    assert table["level"].tolist() == ["beginner", "beginner", None, "mixed", None]


def test_duckdb_hands_distinct_values_and_joins_back(tmp_path):
    """The path the SQL layer uses: SELECT DISTINCT in DuckDB, parse in Python, join on the raw text."""
    con = duckdb.connect(str(tmp_path / "t.duckdb"))
    con.execute("create table stg(id int, duration_text varchar, length_text varchar, price_text varchar)")
    con.executemany(
        "insert into stg values (?, ?, ?, ?)",
        [(i, ["5-10 hours/week", "PT10H", None][i % 3], ["6 weeks", None, "4 Weeks"][i % 3], ["Free", "$5"][i % 2])
         for i in range(300)],
    )
    durations = parse_distinct("duration", con.execute("select distinct duration_text, length_text from stg").df())
    prices = parse_distinct("price", con.execute("select distinct price_text from stg").df()["price_text"])
    assert len(durations) == 3 and len(prices) == 2
    con.register("parsed_durations", durations)
    con.register("parsed_prices", prices)
    rows = con.execute(
        """
        select s.id, d.duration_hours, d.length_weeks, p.cost_kind, p.cost_offers
        from stg s
        left join parsed_durations d
          on s.duration_text is not distinct from d.duration_text and s.length_text is not distinct from d.length_text
        left join parsed_prices p on s.price_text = p.price_text
        order by s.id
        """
    ).fetchall()
    assert len(rows) == 300
    assert rows[0][1:4] == (45.0, 6.0, "free")
    assert rows[1][1:4] == (10.0, None, "unknown")
    assert rows[2][1:4] == (None, 4.0, "free")
    assert rows[1][4] == [{"kind": "unknown", "amount": 5.0, "currency": "USD", "period": None}]


def test_pandas_string_columns_round_trip_through_duckdb(tmp_path):
    """pandas 3's default "str" dtype once broke DuckDB scans: keep a regression test (pitfalls.md)."""
    df = pd.DataFrame({"duration_text": pd.array(["PT1H", None, "2 hours"], dtype="str")})
    out = normalise_frame(df)
    con = duckdb.connect(str(tmp_path / "s.duckdb"))
    con.register("out_df", out)
    got = con.execute("select duration_text, duration_hours, duration_reason from out_df").fetchall()
    assert got == [("PT1H", 1.0, None), (None, None, "missing: no value"), ("2 hours", 2.0, None)]


def test_every_kind_survives_missing_and_junk():
    for name, kind in KINDS.items():
        if kind.inputs == 1:
            table = parse_distinct(name, [None, "", "\x00", "zzz", 42, 3.5])
            assert len(table) == 6


def test_package_imports_neither_dagster_nor_scrapy():
    code = (
        "import sys, pipeline.normalise, pipeline.normalise.frame, pipeline.normalise.vocab;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('dagster', 'scrapy', 'twisted') or m == 'pipeline.cli'];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=".")
    assert res.returncode == 0, res.stdout + res.stderr
