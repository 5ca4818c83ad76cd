"""The data dictionary is complete, the coverage report is right, and the dry run publishes nothing."""

from __future__ import annotations

import json

import duckdb
import pytest

from pipeline import dictionary, quality
from pipeline.cli import main
from pipeline.validate import dry_run_provider, validate_feed


@pytest.fixture
def con(published):
    data, _ = published
    c = duckdb.connect(str(data / "catalogue.duckdb"), read_only=True)
    yield c
    c.close()


def test_every_published_column_has_a_dictionary_entry(con):
    undocumented = [f"{c.table}.{c.name}" for c in dictionary.describe(con) if not c.doc]
    assert undocumented == []


def test_dictionary_names_vocabularies_and_provider_sources(con):
    cols = {c.name: c for c in dictionary.describe(con, "credentials")}
    assert "certification" in cols["credential_type"].vocabulary
    assert cols["level"].vocabulary == ("beginner", "intermediate", "advanced", "mixed")
    assert cols["duration_rule"].vocabulary == ("stated_hours", "effort_x_length")
    assert "duration_in_minutes" in cols["duration_text"].sources["mslearn"]  # spiders map raw fields


def test_typed_columns_are_published_as_derived_columns_with_their_types(con):
    from pipeline.schema import NORMALISED_COLUMNS

    for table in ("listings", "credentials"):
        types = dict(con.execute("select column_name, data_type from information_schema.columns "
                                 "where table_name = ?", [table]).fetchall())
        assert {c: types.get(c) for c in NORMALISED_COLUMNS} == NORMALISED_COLUMNS, table
    cols = {c.name: c for c in dictionary.describe(con, "credentials")}
    for name in ("level", "language", "duration_hours", "length_weeks", "length_days", "cost_amount",
                 "cost_currency", "cost_kind"):
        assert cols[name].doc.startswith("Derived:"), name


def test_committed_data_dictionary_is_current(con):
    from pipeline.paths import PROJECT_ROOT

    committed = (PROJECT_ROOT / "docs" / "data_dictionary.md").read_text()
    assert committed.strip() == dictionary.markdown(con).strip(), "regenerate with `credcat describe --markdown`"


def test_coverage_is_the_share_of_filled_fields(con):
    columns, rows = dictionary.coverage(con)
    by_source = {r[0]: dict(zip(columns, r)) for r in rows}
    assert set(by_source) == {r[0] for r in con.execute("select distinct source from credentials").fetchall()}
    row = by_source["mslearn"]
    assert row["listings"] == 106
    assert row["title"] == 1.0
    expected = con.execute("select round(avg((duration_hours is not null)::int), 3) from credentials "
                           "where source = 'mslearn'").fetchone()[0]
    assert row["duration_hours"] == pytest.approx(float(expected))
    assert 0 < row["has_part"] < 1


def test_quarantine_share_check_fails_on_a_jump():
    assert quality.quarantine_share_not_jumping({"p": 0.02}, {"p": 0.0}).passed
    assert not quality.quarantine_share_not_jumping({"p": 0.30}, {"p": 0.05}).passed
    assert not quality.quarantine_share_not_jumping({"new": 0.9}, {}).passed
    assert quality.quarantine_share_not_jumping({"new": 0.2}, {}).passed  # first sight: nothing to jump from


def test_validate_feed_reports_accepted_and_quarantined_with_reasons(tmp_path):
    good = dict(source="p", source_id="1", title="T", url="https://x/1", credential_type="course",
                fetched_at="2026-01-01T00:00:00+00:00", source_url="https://x/feed")
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join([
        json.dumps(good),
        json.dumps({**good, "source_id": "2", "title": None}),
        json.dumps({**good, "source_id": "3", "credential_type": "diploma-ish"}),
        json.dumps({**good, "source_id": "4", "level": "expert", "duration_hours": -1}),  # typed keys: not the feed's
        "{not json",
        json.dumps({**good}),  # a repeat of uid p:1
    ]))
    report = validate_feed(feed)
    assert report.accepted == 3
    assert report.reasons == {"missing_field": 1, "bad_vocabulary": 1, "invalid_json": 1}
    assert report.checks["uid_unique"]["passed"] is False


def test_validate_provider_dry_run_publishes_nothing(data_dir, capsys):
    report = dry_run_provider("mslearn", offline=True)
    assert report.accepted == 106 and report.quarantined == [] and report.ok
    assert not (data_dir / "catalogue.duckdb").exists()
    assert main(["validate", "--provider", "mslearn", "--offline", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["accepted"] == 106
    assert not data_dir.exists() or not any(data_dir.rglob("*.duckdb"))


def test_validate_cli_errors_clearly(data_dir, capsys):
    assert main(["validate"]) == 2
    assert main(["validate", str(data_dir / "missing.jsonl")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_coverage_counts_only_text_that_is_not_just_spaces():
    con = duckdb.connect()
    con.execute("create table t as select * from (values ('a', 'x'), ('a', ' '), ('a', ''), ('a', null), "
                "('a', '  b '), ('a', ' \t'), ('a', '\n'), ('a', '   ')) v(source, text)")
    cols, rows = dictionary.coverage(con, "t")
    assert cols == ["source", "listings", "text"]
    assert rows == [("a", 8, 0.5)]  # x, '  b ', ' \t' and '\n' (trim removes spaces only)
