import json

import duckdb
import pytest

from pipeline import exports
from pipeline.dictionary import published_tables
from pipeline.exports import export_catalogue, export_tables, latest_export, verify_export


def test_export_writes_all_tables_schemas_manifest_and_latest(built, tmp_path):
    out = tmp_path / "exports"
    m = export_catalogue(built, out, "r1", tables=published_tables(built))
    d = out / "r1"
    assert set(m["tables"]) == set(published_tables(built))
    for t, meta in m["tables"].items():
        assert (d / meta["file"]).exists() and (d / meta["schema"]).exists()
        schema = json.loads((d / meta["schema"]).read_text())
        assert schema["type"] == "object" and schema["properties"]
        n = built.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        assert meta["rows"] == n
    assert verify_export(d) == []
    assert latest_export(out) == d
    assert json.loads((out / "latest.json").read_text())["refresh_id"] == "r1"
    # the Parquet is readable by another client
    con = duckdb.connect()
    assert con.execute(f"SELECT count(*) FROM read_parquet('{(d / 'pathways.parquet').as_posix()}')").fetchone()[0] > 0


def test_checksum_detects_tampering(built, tmp_path):
    export_catalogue(built, tmp_path, "r1", tables=published_tables(built))
    with open(tmp_path / "r1" / "skills.parquet", "ab") as fh:
        fh.write(b"x")
    assert any("checksum" in p for p in verify_export(tmp_path / "r1"))


def test_latest_moves_only_after_the_whole_set_is_written(built, tmp_path, monkeypatch):
    tables = published_tables(built)
    export_catalogue(built, tmp_path, "r1", tables=tables)
    real = exports.table_schema
    calls = []

    def failing(con, table):
        calls.append(table)
        if table == "pathway_steps":  # the last table: everything before it was written
            raise OSError("disk full")
        return real(con, table)

    monkeypatch.setattr(exports, "table_schema", failing)
    with pytest.raises(OSError):
        export_catalogue(built, tmp_path, "r2", tables=tables)
    assert "pathway_steps" in calls
    assert latest_export(tmp_path) == tmp_path / "r1"
    assert not (tmp_path / "r2").exists()
    assert not list(tmp_path.glob(".r2*"))
    monkeypatch.setattr(exports, "table_schema", real)
    export_catalogue(built, tmp_path, "r2", tables=tables)
    assert latest_export(tmp_path) == tmp_path / "r2"
    with pytest.raises(FileExistsError):
        export_catalogue(built, tmp_path, "r2", tables=tables)


def test_export_from_a_database_path(built, tmp_path):
    db = built.execute("PRAGMA database_list").fetchall()[0][2]
    built.execute("CHECKPOINT")
    tables = published_tables(built)
    built.close()
    m = export_catalogue(db, tmp_path / "out", "r9", tables=tables)
    assert m["tables"]["credentials"]["rows"] == 14


# -- the export contract on the real demo catalogue --------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_export(published, tmp_path_factory):
    data, _ = published
    out = tmp_path_factory.mktemp("exports")
    m = export_catalogue(data / "catalogue.duckdb", out, "demo")
    return out, m


def test_every_published_table_is_exported_and_validates_against_its_own_schema(published, demo_export):
    out, m = demo_export
    data, _ = published
    con = duckdb.connect(str(data / "catalogue.duckdb"), read_only=True)
    try:
        assert set(m["tables"]) == set(export_tables()) == set(published_tables(con))
    finally:
        con.close()
    assert {"stack_conditions", "organisations", "skill_occupations", "listings", "credentials"} <= set(m["tables"])
    assert verify_export(out / "demo") == []
    assert exports.validate_export(out / "demo") == []


def test_schemas_carry_required_descriptions_enums_and_nested_json(demo_export):
    import jsonschema

    out, _ = demo_export
    schema = json.loads((out / "demo" / "credentials.schema.json").read_text())
    props = schema["properties"]
    assert schema["required"] == list(props) and schema["description"]
    assert all(p.get("description") for p in props.values())  # the dictionary documents every column
    from pipeline.normalise.levels import LEVELS
    assert props["level"]["enum"] == [*LEVELS, None]
    item = props["cost_offers"]["items"]
    assert item["properties"]["kind"]["enum"][:2] == ["free", "audit"] and "amount" in item["required"]
    assert props["skills"]["items"] == {"type": "string"}
    assert props["first_seen"]["format"] == "date-time"
    # a real row passes; the same row with a value outside the vocabulary, a missing key or a bad offer fails
    row = next(exports.rows(out / "demo", "credentials"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=exports._formats())
    assert not list(validator.iter_errors(row))
    for bad in ({**row, "level": "expert"}, {k: v for k, v in row.items() if k != "uid"},
                {**row, "cost_offers": [{"kind": "gratis", "amount": 0, "currency": "EUR", "period": None}]},
                {**row, "first_seen": "2025-01-01 10:00:00"}):
        assert list(validator.iter_errors(bad))


def test_latest_is_a_directory_readers_open_and_the_manifest_names_previous_and_freshness(published, tmp_path):
    data, _ = published
    db = data / "catalogue.duckdb"
    first = export_catalogue(db, tmp_path, "r1", tables=["credentials", "listings"])
    assert first["previous"] is None
    con = duckdb.connect(str(db), read_only=True)
    providers = {r[0] for r in con.execute("select distinct source from listings").fetchall()}
    n = con.execute("select count(*) from credentials").fetchone()[0]
    con.close()
    assert set(first["freshness"]) == providers
    assert all(f["listings"] > 0 and f["newest_fetched_at"] for f in first["freshness"].values())
    second = export_catalogue(db, tmp_path, "r2", tables=["credentials"])
    assert second["previous"] == "r1"
    reader = duckdb.connect()
    latest = (tmp_path / "latest" / "credentials.parquet").as_posix()
    assert reader.execute(f"select count(*) from read_parquet('{latest}')").fetchone()[0] == n
    assert (tmp_path / "latest").resolve() == (tmp_path / "r2").resolve()


def test_retention_keeps_the_newest_n(built, tmp_path, monkeypatch):
    tables = ["credentials"]
    for i in range(1, 4):
        m = export_catalogue(built, tmp_path, f"r{i}", keep=2, tables=tables)
    assert m["removed"] == ["r1"]
    assert sorted(p.name for p in exports.exports_in(tmp_path)) == ["r2", "r3"]
    monkeypatch.setenv("CREDCAT_EXPORTS_KEEP", "1")
    export_catalogue(built, tmp_path, "r4", tables=tables)
    assert [p.name for p in exports.exports_in(tmp_path)] == ["r4"] and latest_export(tmp_path).name == "r4"
    monkeypatch.setenv("CREDCAT_EXPORTS_KEEP", "none")
    with pytest.raises(ValueError, match="CREDCAT_EXPORTS_KEEP"):
        export_catalogue(built, tmp_path, "r5", tables=tables)


def test_an_unchanged_table_reuses_the_previous_file_and_a_changed_one_is_encoded_again(built, tmp_path):
    """Reuse by content hash: the second export hard-links the files of unchanged tables; a table with one
    changed value (or its rows in another order) is written again; every file holds its table's rows in
    order, and the manifests verify."""
    tables = published_tables(built)
    out = tmp_path / "exports"
    m1 = export_catalogue(built, out, "r1", tables=tables)
    built.execute("UPDATE skills SET label = label || ' (renamed)' WHERE skill_id = (SELECT min(skill_id) FROM skills)")
    built.execute("CREATE OR REPLACE TABLE pathways AS SELECT * FROM pathways ORDER BY hash(pathway_id)")
    m2 = export_catalogue(built, out, "r2", tables=tables)
    assert verify_export(out / "r1") == [] and verify_export(out / "r2") == []
    con = duckdb.connect()
    for t in tables:
        f1, f2 = out / "r1" / m1["tables"][t]["file"], out / "r2" / m2["tables"][t]["file"]
        reused = t not in ("skills", "pathways")
        assert (f1.stat().st_ino == f2.stat().st_ino) == reused, t
        assert (m1["tables"][t]["content_hash"] == m2["tables"][t]["content_hash"]) == reused, t
        want = built.execute(f'SELECT * FROM "{t}"').fetchall()
        assert con.execute(f"SELECT * FROM read_parquet('{f2.as_posix()}')").fetchall() == want, t
        assert m2["tables"][t]["rows"] == len(want)
    assert con.execute(f"SELECT count(*) FROM read_parquet('{(out / 'r2' / 'skills.parquet').as_posix()}') "
                       "WHERE label LIKE '% (renamed)'").fetchone()[0] == 1
