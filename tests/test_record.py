import duckdb
import pandas as pd
import pytest

from spiders.record import CREDENTIAL_TYPES, LISTING_FIELDS, Listing, make_uid, validate
from pipeline.schema import LISTING_COLUMNS, NORMALISED_COLUMNS

TYPED = ("level", "language", "duration_hours", "cost_amount", "cost_currency", "cost_kind")


def valid() -> dict:
    return dict(source="mslearn", source_id="exam.az-900", title="Microsoft Azure Fundamentals",
                url="https://learn.microsoft.com/en-us/credentials/certifications/exams/az-900/",
                credential_type="assessment", fetched_at="2026-11-29T02:00:00+00:00",
                source_url="http://127.0.0.1/api/catalog/?type=exams", uid="mslearn:exam.az-900")


def test_valid_record_has_no_problems():
    assert validate(valid()) == []


def test_each_kind_of_defect_is_named():
    assert validate({**valid(), "title": "  "}) == ["missing_field: title is required"]
    assert validate({**valid(), "duration_text": 25})[0].startswith("wrong_type: duration_text")
    assert validate({**valid(), "length_text": ["6 weeks"]})[0].startswith("wrong_type: length_text")
    assert validate({**valid(), "skills": ["azure", 3]})[0].startswith("wrong_type: skills")
    assert validate({**valid(), "credential_type": "diploma-ish"})[0].startswith("bad_vocabulary")


def test_the_feed_record_carries_raw_text_only():
    """Contract 1 (TEAM.md): typed values are computed by pipeline/normalise and exist only as published columns."""
    names = [f.name for f in LISTING_FIELDS]
    assert not set(TYPED) & set(names)
    assert set(TYPED) <= set(NORMALISED_COLUMNS)
    assert not set(NORMALISED_COLUMNS) & set(names)
    assert names.index("length_text") == names.index("duration_text") + 1
    length = next(f for f in LISTING_FIELDS if f.name == "length_text")
    assert length.metadata["doc"] == "Calendar length as the source states it (e.g. `6 weeks`, `P20D`); never workload."
    assert {f.metadata["sql"] for f in LISTING_FIELDS} <= {"VARCHAR", "VARCHAR[]", "JSON", "TIMESTAMPTZ"}
    with pytest.raises(TypeError):
        Listing(source="p", source_id="1", title="t", url="u", credential_type="course", fetched_at="f",
                source_url="s", duration_hours=2.0)


def test_typed_values_in_a_feed_are_not_the_records_business():
    # an old feed line that still carries typed values is valid: the values are ignored, never published
    assert validate({**valid(), "level": "expert", "cost_amount": -5, "duration_hours": "ten"}) == []


def test_uid_is_stable_and_derived_from_source_and_id():
    a = Listing(source="mslearn", source_id="x", title="t", url="u", credential_type="course", fetched_at="f",
                source_url="s")
    assert a.uid == make_uid("mslearn", "x") == "mslearn:x"


def test_every_field_has_sql_type_and_doc_and_every_type_maps_to_ctdl_and_ob3():
    for f in LISTING_FIELDS:
        assert f.metadata["sql"] and f.metadata["doc"], f.name
    assert set(LISTING_COLUMNS) == {f.name for f in LISTING_FIELDS}
    for ctdl, ob3, doc in CREDENTIAL_TYPES.values():
        assert ctdl.startswith("ceterms:") and ob3 and doc


def test_pandas_string_column_round_trips_through_duckdb():
    """Regression (pitfalls.md): pandas 3's default str dtype once broke DuckDB scans of DataFrames."""
    frame = pd.DataFrame({"title": ["Azure Fundamentals", "Université", None]})  # noqa: F841 - read by DuckDB by name
    con = duckdb.connect()
    out = con.execute("select title from frame").df()
    assert out["title"].tolist()[:2] == ["Azure Fundamentals", "Université"]
    assert pd.isna(out["title"].tolist()[2])
