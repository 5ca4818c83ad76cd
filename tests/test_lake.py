"""The catalogue on shared storage for many readers (issue 16 item 5): published into a DuckLake (SQLite
metadata, Parquet files under a data path) as one snapshot per refresh; other processes read it while the writer
publishes the next refresh, see whole snapshots only, and can still read an older one."""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pytest

from pipeline.dictionary import published_tables

pytest.importorskip("duckdb_extension_ducklake")
pytest.importorskip("duckdb_extension_sqlite_scanner")

from pipeline import lake  # noqa: E402

READER = """
import json, sys
from pipeline import lake
con = lake.connect(sys.argv[1], read_only=True)
at = f" AT (VERSION => {sys.argv[2]})" if len(sys.argv) > 2 else ""
print(json.dumps({t: con.execute(f'select count(*) from lake.main."{t}"{at}').fetchone()[0]
                  for (t,) in con.execute("select table_name from information_schema.tables "
                                          "where table_catalog = 'lake'").fetchall()}))
"""


def read_in_another_process(metadata, version=None) -> dict:
    args = [sys.executable, "-c", READER, str(metadata)] + ([str(version)] if version is not None else [])
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout)


def test_the_catalogue_in_a_ducklake_read_by_other_processes_snapshot_by_snapshot(built, tmp_path, monkeypatch, capsys):
    catalogue = tmp_path / "catalogue.duckdb"
    tables = published_tables(built)
    counts = {t: built.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}
    built.execute("checkpoint")
    metadata, data = tmp_path / "lake" / "metadata.sqlite", tmp_path / "lake" / "data"
    metadata.parent.mkdir()
    built.close()

    first = lake.publish_to_lake(catalogue, metadata, data, tables)
    assert first["tables"] == counts
    assert read_in_another_process(metadata) == counts  # a second process, read-only, sees the whole snapshot
    assert list(data.rglob("*.parquet")), "the rows are Parquet files under the data path"

    # the next refresh: one credential fewer; a reader holding the lake open keeps reading meanwhile
    con = duckdb.connect(str(catalogue))
    gone = con.execute("select min(uid) from credentials").fetchone()[0]
    con.execute("delete from credentials where uid = ?", [gone])
    con.close()
    reader = lake.connect(metadata, read_only=True)
    before = reader.execute("select count(*) from lake.main.credentials").fetchone()[0]
    second = lake.publish_to_lake(catalogue, metadata, data, tables)
    assert second["snapshot"] > first["snapshot"]
    assert before == counts["credentials"]
    now = read_in_another_process(metadata)
    assert now == {**counts, "credentials": counts["credentials"] - 1}
    # the earlier refresh stays readable (time travel), and the open reader moves on at its next query
    assert read_in_another_process(metadata, first["snapshot"])["credentials"] == counts["credentials"]
    assert reader.execute("select count(*) from lake.main.credentials").fetchone()[0] == counts["credentials"] - 1
    reader.close()
    # the command a refresh's deployment runs after each publish
    from pipeline.cli import main

    monkeypatch.setenv("CREDCAT_CATALOGUE", str(catalogue))
    monkeypatch.setattr(lake, "publish_to_lake", lambda c, m, d, t=None, real=lake.publish_to_lake: real(c, m, d, tables))
    assert main(["lake", "--metadata", str(metadata), "--data-path", str(data)]) == 0
    assert f"lake snapshot {second['snapshot'] + 1}:" in capsys.readouterr().out
