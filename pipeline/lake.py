"""The published catalogue as a DuckLake: many readers, on many machines, each seeing whole snapshots.

``publish_to_lake`` copies every published table of a catalogue file into a DuckLake in ONE transaction, so each
refresh is one DuckLake snapshot (readers see the previous refresh or this one, never a mix; older snapshots stay
readable with ``AT (VERSION => n)``). The lake is a metadata catalogue plus Parquet files under a data path:

- metadata: a SQLite file here (``ducklake:sqlite:PATH``: several processes read while one writes); on a
  cluster, a Postgres database (``ducklake:postgres:...``) instead, with no other change;
- data: a folder here; on a cluster, object storage (``s3://bucket/credcat/`` with the httpfs extension).

The extensions come from the ``duckdb-extension-ducklake`` and ``duckdb-extension-sqlite-scanner`` packages (the
``cluster`` extra): installed from their files, never downloaded (autoinstall stays off).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb

from pipeline.query import packaged_extension

EXTENSIONS = ("ducklake", "sqlite_scanner")  # from the duckdb-extension-* packages of the cluster extra
LAKE = "lake"


def _quote(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"  # ATTACH and INSTALL take no parameters


def connect(metadata: str | Path, data_path: str | Path | None = None, *, read_only: bool = False
            ) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the lake attached as ``lake``; a reader needs no data path (the lake knows it)."""
    if not read_only:  # WAL: readers never block the writer's commit, nor it their reads
        with sqlite3.connect(metadata) as db:
            db.execute("PRAGMA journal_mode=WAL")
    con = duckdb.connect(config={"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"})
    for name in EXTENSIONS:
        con.execute(f"INSTALL {_quote(packaged_extension(name))}")
        con.execute(f"LOAD {name}")
    options = ["READ_ONLY"] if read_only else ["DATA_INLINING_ROW_LIMIT 0"]  # every row in Parquet files
    if data_path is not None:
        options.append(f"DATA_PATH {_quote(str(data_path).rstrip('/') + '/')}")
    con.execute(f"ATTACH {_quote(f'ducklake:sqlite:{metadata}')} AS {LAKE} ({', '.join(options)})")
    return con


def publish_to_lake(catalogue: str | Path, metadata: str | Path, data_path: str | Path,
                    tables: list[str] | None = None) -> dict:
    """Every published table of ``catalogue`` (default: the registry's) as one new lake snapshot; tables the
    catalogue no longer publishes are dropped from the lake in the same snapshot."""
    from pipeline.registry import registry

    tables = list(tables) if tables is not None else registry().published()
    Path(data_path).mkdir(parents=True, exist_ok=True)
    con = connect(metadata, data_path)
    try:
        con.execute(f"ATTACH {_quote(catalogue)} AS published (READ_ONLY)")
        present = {r[0] for r in con.execute("select table_name from information_schema.tables where "
                                             "table_catalog = 'published' and table_schema = 'main'").fetchall()}
        missing = [t for t in tables if t not in present]
        if missing:
            raise LookupError(f"cannot publish to the lake: missing tables {', '.join(missing)}")
        in_lake = {r[0] for r in con.execute("select table_name from information_schema.tables where "
                                             f"table_catalog = '{LAKE}' and table_schema = 'main'").fetchall()}
        con.execute("BEGIN")
        for t in tables:
            con.execute(f'CREATE OR REPLACE TABLE {LAKE}.main."{t}" AS SELECT * FROM published.main."{t}"')
        for t in sorted(in_lake - set(tables)):
            con.execute(f'DROP TABLE {LAKE}.main."{t}"')
        con.execute("COMMIT")
        snapshot = con.execute(f"select max(snapshot_id) from ducklake_snapshots('{LAKE}')").fetchone()[0]
        rows = {t: con.execute(f'select count(*) from {LAKE}.main."{t}"').fetchone()[0] for t in tables}
        return {"snapshot": snapshot, "tables": rows}
    finally:
        con.close()


def command(args) -> int:
    """``credcat lake --metadata FILE --data-path DIR``: the published catalogue as the lake's next snapshot."""
    from pipeline import paths

    result = publish_to_lake(paths.catalogue_path(), args.metadata, args.data_path)
    print(f"lake snapshot {result['snapshot']}: {len(result['tables'])} tables, "
          f"{sum(result['tables'].values())} rows ({args.metadata}, data under {args.data_path})")
    return 0
