"""Tabular imports (pipeline/tabular.py): a catalogue file -> a provider's feed -> the published catalogue.

The real catalogue exports in ../shared/data/mooc_catalogs/ carry no visible licence, so they are read from
there and the tests that need them skip when the folder is absent (SOURCES.md)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline import tabular
from pipeline.cli import main
from spiders.record import validate

CATALOGUES = Path(__file__).resolve().parents[2] / "shared" / "data" / "mooc_catalogs"
if not CATALOGUES.is_dir():
    CATALOGUES = Path("/work/shared/data/mooc_catalogs")
real = pytest.mark.skipif(not CATALOGUES.is_dir(), reason="../shared/data/mooc_catalogs is not here")


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CREDCAT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CREDCAT_CATALOGUE", raising=False)
    return tmp_path / "data"


@real
def test_edx_export_rows_map_to_raw_text_only():
    result = tabular.convert(CATALOGUES / "edx_courses.csv", "edx", tabular.saved_mapping("edx"))
    assert result.rows == 974 and len(result.listings) == 974 and not result.quarantined
    first = result.listings[0]
    assert validate(first) == []
    assert (first["title"], first["duration_text"], first["length_text"], first["cost_text"]) == (
        "How to Learn Online", "2–3 hours per week", "2 Weeks", "FREE-Add a Verified Certificate for $49 USD")
    assert first["pacing_text"] == "Self-paced on your time" and first["participation_text"] == "online"
    assert first["raw"]["course_url"] == first["url"] and first["source_url"].endswith("#row=1")
    again = tabular.convert(CATALOGUES / "edx_courses.csv", "edx", tabular.saved_mapping("edx"))
    assert [r["uid"] for r in again.listings] == [r["uid"] for r in result.listings]  # stable ids


@real
def test_import_publishes_each_real_catalogue_with_workload_and_offers_parsed(data_dir):
    """The done-when figure: >= 90% of the rows that state a workload / an offer have it parsed."""
    for name, provider in (("edx_courses.csv", "edx"), ("udemy_courses.csv", "udemy"), ("coursera_courses.csv", "coursera")):
        assert main(["import", str(CATALOGUES / name), "--as", provider, "--no-save"]) == 0
    con = duckdb.connect(str(data_dir / "catalogue.duckdb"), read_only=True)
    rows = con.execute("""
        select source, count(*), count(duration_text),
               count(duration_text) filter (where duration_hours is not null),
               count(cost_text), count(cost_text) filter (where cost_amount is not null)
        from listings group by 1 order by 1""").fetchall()
    con.close()
    figures = {r[0]: r[1:] for r in rows}
    assert figures["edx"][0] == 974 and figures["udemy"][0] == 3672 and figures["coursera"][0] == 623
    for source, (_n, stated_work, parsed_work, stated_cost, parsed_cost) in figures.items():
        assert parsed_work >= 0.9 * stated_work, (source, parsed_work, stated_work)
        assert parsed_cost >= 0.9 * stated_cost, (source, parsed_cost, stated_cost)
    assert figures["edx"][1] == 974 and figures["udemy"][3] == 3672


def test_bad_rows_are_quarantined_with_reasons(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(b"name,link,hours\n"
                     b"Intro,https://x.example/a,3\n"
                     b",https://x.example/b,4\n"              # no title
                     b"Intro again,https://x.example/a,3\n"   # same url: same stable id
                     b"Caf\xe9,https://x.example/c,1\n"       # not UTF-8
                     b"Extra,https://x.example/d,1,surplus\n")
    result = tabular.convert(path, "edx", {"title": "name", "url": "link", "duration_text": "{hours} hours"})
    assert result.rows == 5 and [r["title"] for r in result.listings] == ["Intro"]
    assert result.listings[0]["duration_text"] == "3 hours"
    assert sorted(q["reason"] for q in result.quarantined) == ["duplicate", "invalid_encoding", "missing_field", "wrong_type"]


def test_jsonl_and_parquet_read_as_records(tmp_path):
    rows = [{"name": "A", "link": "https://x.example/a", "tags": ["sql", "python"]},
            {"name": "B", "link": "https://x.example/b", "tags": []}]
    jl = tmp_path / "c.jsonl"
    jl.write_text("\n".join(json.dumps(r) for r in rows) + "\n{broken\n")
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "c.parquet")
    mapping = {"title": "name", "url": "link", "skills": "tags"}
    from_jsonl = tabular.convert(jl, "edx", mapping)
    from_parquet = tabular.convert(tmp_path / "c.parquet", "edx", mapping)
    assert [r["skills"] for r in from_jsonl.listings] == [["sql", "python"], []] == [r["skills"] for r in from_parquet.listings]
    assert [q["reason"] for q in from_jsonl.quarantined] == ["invalid_json"] and not from_parquet.quarantined


def test_mapping_errors_are_clear(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("name,link\nA,https://x.example/a\n")
    with pytest.raises(tabular.TableImportError, match="'nope'.*its columns: name, link"):
        tabular.convert(path, "edx", {"title": "nope", "url": "link"})
    with pytest.raises(tabular.TableImportError, match="not a record field"):
        tabular.parse_map(["titel=name"])
    with pytest.raises(tabular.TableImportError, match="FIELD=COLUMN"):
        tabular.parse_map(["title"])


def test_saved_mapping_keeps_the_configuration_and_adds_import_only_providers(tmp_path):
    toml = tmp_path / "providers.toml"
    toml.write_text("# keep me\n[providers.edx]\nspider = \"edx\" # and me\n")
    tabular.save_mapping("edx", {"title": "name", "url": "link"}, toml)
    tabular.save_mapping("myuni", {"title": "t", "url": "u"}, toml)
    text = toml.read_text()
    assert "# keep me" in text and "# and me" in text
    import tomllib

    cfg = tomllib.loads(text)["providers"]
    assert cfg["edx"]["import"]["map"] == {"title": "name", "url": "link"} and cfg["edx"]["spider"] == "edx"
    assert cfg["myuni"]["import"]["map"] == {"title": "t", "url": "u"} and "spider" not in cfg["myuni"]


def test_validate_counts_records_not_lines_and_fails_when_nothing_is_accepted(tmp_path, capsys):
    path = tmp_path / "c.csv"
    path.write_text('title,url,description\nA,https://x.example/a,"two\nlines"\nB,https://x.example/b,x\n')
    assert main(["validate", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["accepted"] == 2 and report["quarantined"] == 0
    empty = tmp_path / "e.csv"
    empty.write_text("title,url\n,https://x.example/a\n")
    assert main(["validate", str(empty), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["reasons"] == {"missing_field": 1}
