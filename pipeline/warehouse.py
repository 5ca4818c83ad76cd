"""Build the catalogue in DuckDB from raw feeds, and publish it atomically.

A refresh never writes to the published file. It builds a complete catalogue in a working file
(``data/build/catalogue.duckdb``), the asset checks inspect it, and only then :func:`publish` copies it to a
sibling of the published path and ``os.replace``-s it into place. Readers in other processes therefore see
the whole old catalogue or the whole new one, and are never locked out: nobody holds a write lock on the
published file. The SQL lives in ``sql/`` (staging -> intermediate -> marts, one model per file).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline import lock, paths
from pipeline.schema import LISTING_COLUMNS, QUARANTINE_COLUMNS, credential_type_rows, read_json_columns

LAYERS = ("staging", "intermediate", "marts")
WORKING_PREFIXES = ("raw_", "stg_", "int_", "seed_")  # build-only tables, never published
DEPENDS = re.compile(r"^--\s*depends_on:\s*(.+)$", re.MULTILINE)
MATERIALIZED_VIEW = re.compile(r"^--\s*materialized:\s*view\b", re.MULTILINE)  # cheap pass-through models
RUN_BY = re.compile(r"^--\s*run_by:", re.MULTILINE)  # models a Python step runs itself (skills, stacking)


@dataclass(frozen=True)
class Model:
    name: str
    layer: str
    path: Path
    depends_on: tuple[str, ...]
    view: bool = False

    @property
    def sql(self) -> str:
        return self.path.read_text()


def discover_models(sql_dir: Path = paths.SQL_DIR, include_run_by: bool = False) -> list[Model]:
    """Every model in run order: layer by layer, and inside a layer after its ``-- depends_on:`` models."""
    ordered: list[Model] = []
    for layer in LAYERS:
        pending = {}
        for path in sorted((sql_dir / layer).glob("*.sql")):
            text = path.read_text()
            if RUN_BY.search(text) and not include_run_by:
                continue
            deps = tuple(d.strip() for m in DEPENDS.findall(text) for d in m.split(",") if d.strip())
            pending[path.stem] = Model(path.stem, layer, path, deps, bool(MATERIALIZED_VIEW.search(text)))
        done = {m.name for m in ordered}
        while pending:
            ready = [m for m in pending.values() if all(d in done or d not in pending for d in m.depends_on)]
            if not ready:
                raise ValueError(f"dependency cycle among SQL models: {', '.join(sorted(pending))}")
            for model in ready:
                ordered.append(model)
                done.add(model.name)
                del pending[model.name]
    return ordered


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to a catalogue file. ``CREDCAT_DUCKDB_MEMORY`` (e.g. ``1GB``) caps DuckDB's memory; it
    spills to disk beyond it, which keeps a large build's footprint bounded."""
    con = duckdb.connect(str(path), read_only=read_only)
    limit = os.environ.get("CREDCAT_DUCKDB_MEMORY")
    if limit:
        con.execute(f"set memory_limit = '{limit.replace(chr(39), '')}'")
    return con


def load_raw(con: duckdb.DuckDBPyConnection, runs: dict[str, Path]) -> None:
    """Load the given crawl runs (provider -> run folder) into ``raw_listings`` and ``raw_quarantine``."""
    def load(table: str, filename: str, columns: dict[str, str]) -> None:
        files = [str(run / filename) for run in runs.values() if (run / filename).exists()]
        cols = ", ".join(f'"{c}" {t}' for c, t in columns.items())
        con.execute(f"create or replace table {table} ({cols}, crawl_run VARCHAR, feed_file VARCHAR)")
        if files:
            con.execute(
                f"insert into {table} select * exclude (filename), parse_path(filename)[-2] as crawl_run, filename as feed_file "
                f"from read_json(?, format='newline_delimited', filename=true, columns={read_json_columns(columns)})",
                [files],
            )

    load("raw_listings", "listings.jsonl", LISTING_COLUMNS)
    load("raw_quarantine", "quarantine.jsonl", QUARANTINE_COLUMNS)
    con.execute("create or replace table seed_credential_types (term VARCHAR, ctdl_class VARCHAR, "
                "ob3_achievement_type VARCHAR, meaning VARCHAR)")
    con.executemany("insert into seed_credential_types values (?, ?, ?, ?)", credential_type_rows())


def _drop(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop a relation whatever it is now (a model may switch between table and view)."""
    row = con.execute("select table_type from information_schema.tables where table_schema = 'main' and table_name = ?",
                      [name]).fetchone()
    if row:
        con.execute(f'drop {"view" if row[0] == "VIEW" else "table"} "{name}"')


def _materialise(con: duckdb.DuckDBPyConnection, model: Model) -> None:
    _drop(con, model.name)
    con.execute(f'create {"view" if model.view else "table"} "{model.name}" as {model.sql}')


def run_models(con: duckdb.DuckDBPyConnection, layers: Iterable[str] = LAYERS) -> list[str]:
    """Materialise every model of the given layers as a table; returns the model names in run order."""
    wanted = set(layers)
    names = []
    for model in discover_models():
        if model.layer in wanted:
            _materialise(con, model)
            names.append(model.name)
    return names


def load_previous_seen(con: duckdb.DuckDBPyConnection, published_path: Path | None) -> int:
    """``seed_previous_seen(uid, first_seen)`` from the published catalogue, so first_seen survives refreshes."""
    con.execute("create or replace table seed_previous_seen (uid VARCHAR, first_seen TIMESTAMPTZ)")
    if not published_path or not Path(published_path).exists():
        return 0
    literal = str(published_path).replace("'", "''")  # ATTACH takes no parameters; our own path, quoted
    con.execute(f"attach '{literal}' as previous (read_only)")
    try:
        for table in ("listings", "credentials"):  # listings (per source record); older catalogues: credentials
            cols = {r[0] for r in con.execute("select column_name from information_schema.columns where "
                                              "table_catalog = 'previous' and table_name = ?", [table]).fetchall()}
            if cols:
                seen = "first_seen" if "first_seen" in cols else "fetched_at"
                con.execute(f"insert into seed_previous_seen select uid, {seen} from previous.{table}")
                break
    finally:
        con.execute("detach previous")
    return con.execute("select count(*) from seed_previous_seen").fetchone()[0]


def stage(con: duckdb.DuckDBPyConnection, runs: dict[str, Path], published_path: Path | None = None) -> dict:
    """Raw feeds -> staging -> parsed lookups -> intermediate, in the working catalogue."""
    from pipeline.normalise.lookups import build_lookups

    load_raw(con, runs)
    run_models(con, ["staging"])
    parsed = build_lookups(con)
    previous = load_previous_seen(con, published_path)
    # intermediate tables are working tables, dropped before publishing: skip compressing them (it costs more
    # than writing them; see docs/normalisation.md)
    con.execute("set force_compression = 'uncompressed'")
    try:
        run_models(con, ["intermediate"])
    finally:
        con.execute("reset force_compression")
    return {"distinct_values_parsed": parsed, "previously_published": previous}


def run_named(con: duckdb.DuckDBPyConnection, names: Iterable[str]) -> None:
    """Materialise the named models (those a Python step runs itself, after creating their inputs), in order."""
    wanted = set(names)
    for model in discover_models(include_run_by=True):
        if model.name in wanted:
            _materialise(con, model)
            wanted.discard(model.name)
    if wanted:
        raise KeyError(f"no SQL model named {', '.join(sorted(wanted))}")


def drop_working_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Leave only the marts (the published contract) in the file about to be published."""
    relations = con.execute("select table_name, table_type from information_schema.tables "
                            "where table_schema = 'main'").fetchall()
    for name, kind in sorted(relations, key=lambda r: r[1] != "VIEW"):  # views first: they read the tables
        if name.startswith(WORKING_PREFIXES):
            con.execute(f'drop {"view" if kind == "VIEW" else "table"} if exists "{name}"')


def fresh_build(build_path: Path) -> duckdb.DuckDBPyConnection:
    """A new, empty working catalogue (any earlier half-built one is discarded)."""
    build_path.parent.mkdir(parents=True, exist_ok=True)
    for p in (build_path, build_path.with_name(build_path.name + ".wal")):
        p.unlink(missing_ok=True)
    return connect(build_path)


def publish(build_path: Path, published_path: Path) -> Path:
    """Atomically replace the published catalogue with the checked build.

    The build is copied to a temporary sibling of the published file (same filesystem), flushed, and renamed
    over it. A crash at any point leaves either the old catalogue or the new one, never a mix.
    """
    con = connect(build_path)
    try:
        drop_working_tables(con)
        lock.checkpoint("publish:dropped")  # a writer connection open with uncheckpointed changes
        con.execute("checkpoint")
    finally:
        con.close()
    published_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = published_path.with_name(f".{published_path.name}.{os.getpid()}.tmp")  # the pid: see remove_dead_copies
    try:
        shutil.copyfile(build_path, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        lock.checkpoint("publish:copied")
        os.replace(tmp, published_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(published_path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return published_path


def remove_dead_copies(published_path: Path) -> list[Path]:
    """Remove the temporary copies (``.<name>.<pid>.tmp``) a killed publish left next to the catalogue."""
    removed = []
    for p in Path(published_path).parent.glob(f".{Path(published_path).name}.*.tmp"):
        if not lock.pid_alive(lock.pid_in(p.name)):
            p.unlink(missing_ok=True)
            removed.append(p)
    return removed


def published_counts(published_path: Path) -> dict[str, int]:
    """Listings per provider in the currently published catalogue (empty when nothing is published)."""
    if not published_path.exists():
        return {}
    con = connect(published_path, read_only=True)
    try:
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        table = "listings" if "listings" in tables else "credentials"  # catalogues from before deduplication
        return dict(con.execute(f"select source, count(*) from {table} group by 1").fetchall())
    except duckdb.CatalogException:
        return {}
    finally:
        con.close()


def published_quarantine_shares(published_path: Path) -> dict[str, float]:
    """Quarantine share per provider in the published catalogue (empty when there is none to compare with)."""
    from pipeline.quality import quarantine_shares

    if not published_path.exists():
        return {}
    con = connect(published_path, read_only=True)
    try:
        return quarantine_shares(con)
    except duckdb.CatalogException:  # a catalogue from before the listings/quarantine tables
        return {}
    finally:
        con.close()
