import json

import duckdb
import pytest

from pipeline import exports
from pipeline.exports import EXPORT_TABLES, export_catalogue, latest_export, verify_export


def test_export_writes_all_tables_schemas_manifest_and_latest(built, tmp_path):
    out = tmp_path / "exports"
    m = export_catalogue(built, out, "r1")
    d = out / "r1"
    assert set(m["tables"]) == set(EXPORT_TABLES)
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
    export_catalogue(built, tmp_path, "r1")
    with open(tmp_path / "r1" / "skills.parquet", "ab") as fh:
        fh.write(b"x")
    assert any("checksum" in p for p in verify_export(tmp_path / "r1"))


def test_latest_moves_only_after_the_whole_set_is_written(built, tmp_path, monkeypatch):
    export_catalogue(built, tmp_path, "r1")
    real = exports.table_schema
    calls = []

    def failing(con, table):
        calls.append(table)
        if table == "pathway_steps":  # the last table: everything before it was written
            raise OSError("disk full")
        return real(con, table)

    monkeypatch.setattr(exports, "table_schema", failing)
    with pytest.raises(OSError):
        export_catalogue(built, tmp_path, "r2")
    assert "pathway_steps" in calls
    assert latest_export(tmp_path) == tmp_path / "r1"
    assert not (tmp_path / "r2").exists()
    assert not list(tmp_path.glob(".r2*"))
    monkeypatch.setattr(exports, "table_schema", real)
    export_catalogue(built, tmp_path, "r2")
    assert latest_export(tmp_path) == tmp_path / "r2"
    with pytest.raises(FileExistsError):
        export_catalogue(built, tmp_path, "r2")


def test_export_from_a_database_path(built, tmp_path):
    db = built.execute("PRAGMA database_list").fetchall()[0][2]
    built.execute("CHECKPOINT")
    built.close()
    m = export_catalogue(db, tmp_path / "out", "r9")
    assert m["tables"]["credentials"]["rows"] == 14
