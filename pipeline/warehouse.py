"""Build the catalogue in DuckDB from raw feeds, and publish it atomically.

A refresh never writes to the published file. It builds a complete catalogue in a working file
(``data/build/catalogue.duckdb``), the asset checks inspect it, and only then :func:`publish` moves it to a
sibling of the published path and ``os.replace``-s it into place. Readers in other processes therefore see
the whole old catalogue or the whole new one, and are never locked out: nobody holds a write lock on the
published file.

This module is the one runner: :func:`build` runs the producers the model registry (:mod:`pipeline.registry`)
declares, SQL models from ``sql/`` (staging -> intermediate -> marts, one model per file) and Python steps, in
dependency order; :func:`query` runs a step's own query model by name. Nothing else reads SQL files.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipeline import lock, registry
from pipeline.schema import LISTING_COLUMNS, QUARANTINE_COLUMNS, credential_type_rows, read_json_columns

WORKING_PREFIXES = registry.WORKING_PREFIXES  # build-only tables, never published


@dataclass(frozen=True)
class Build:
    """What a build reads besides its own tables: the crawl runs (provider -> run folder), the published
    catalogue (for ids, first_seen and the change feed carried over) and when this refresh started."""

    runs: dict[str, Path] = field(default_factory=dict)
    published_path: Path | None = None
    refreshed_at: datetime = field(default_factory=lambda: datetime.now(UTC))  # names the refresh in `changes`


# Measured at 1M benchmark listings (2026-12-02, docs/scaling.md): with DuckDB's own limit (80% of RAM) the refresh
# process grew to 19 GB and the kernel killed it; under 4GB it published with a peak RSS of 6.9 GB (DuckDB's pool
# fills to its cap as a cache, and the matcher's own database and Python come on top). Every model spills beyond
# the cap (the survivorship since session 7), so the cap is what the build's DuckDB may hold:
# ``CREDCAT_DUCKDB_MEMORY`` sets another (``default``: DuckDB's own). Session 9, 1M: 2000MB took 382 s and peaked
# at 4.3 GB where 2500MB took 386 s and 4.6 GB.
DEFAULT_DUCKDB_MEMORY = "2000MB"
# Steps with much memory of their own, and the build connection's cap while each runs (``CREDCAT_STEP_DUCKDB_MEMORY``
# sets one for all of them; ``default``: not lowered), so that the two do not add up; lowering the cap evicts the
# pool's cached blocks (they are in the file) and the memory goes back to the system. The skill mapper's is its
# index and answers; the matcher's its Python arrays and frames (~2 GB at 1M listings) beside the DuckDB work it
# does in the build's connection (1500MB cost it ~5% more CPU at 1M, measured alone).
OWN_MEMORY_STEPS = {"map_skills": "1GB", "match_listings": "1500MB"}


def memory_limit(step: str | None = None) -> str | None:
    """The build's DuckDB cap (``step``: while that :data:`OWN_MEMORY_STEPS` step runs), None for DuckDB's own."""
    limit = (os.environ.get("CREDCAT_DUCKDB_MEMORY") or DEFAULT_DUCKDB_MEMORY).strip()
    if step in OWN_MEMORY_STEPS and limit.lower() != "default":
        limit = (os.environ.get("CREDCAT_STEP_DUCKDB_MEMORY") or OWN_MEMORY_STEPS[step]).strip()
    return None if limit.lower() == "default" else limit


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to a catalogue file, its memory capped at :func:`memory_limit` (``CREDCAT_DUCKDB_MEMORY``,
    default :data:`DEFAULT_DUCKDB_MEMORY`; ``default`` leaves DuckDB's own 80% of RAM); it spills to disk beyond
    the cap."""
    con = duckdb.connect(str(path), read_only=read_only)  # no config: other opens of the same file must match
    if (limit := memory_limit()) is not None:
        con.execute("set memory_limit = ?", [limit])
    return con


def load_raw(con: duckdb.DuckDBPyConnection, runs: dict[str, Path]) -> dict:
    """Load the given crawl runs (provider -> run folder) into ``raw_listings`` and ``raw_quarantine``."""
    def load(table: str, filename: str, columns: dict[str, str]) -> int:
        files = [str(run / filename) for run in runs.values() if (run / filename).exists()]
        cols = ", ".join(f'"{c}" {t}' for c, t in columns.items())
        con.execute(f"create or replace table {table} ({cols}, crawl_run VARCHAR, feed_file VARCHAR)")
        if files:
            con.execute(
                f"insert into {table} select * exclude (filename), parse_path(filename)[-2] as crawl_run, filename as feed_file "
                f"from read_json(?, format='newline_delimited', filename=true, columns={read_json_columns(columns)})",
                [files],
            )
        return len(files)

    return {"feeds": {p: str(r) for p, r in runs.items()}, "listing_files": load("raw_listings", "listings.jsonl", LISTING_COLUMNS),
            "quarantine_files": load("raw_quarantine", "quarantine.jsonl", QUARANTINE_COLUMNS)}


def load_credential_types(con: duckdb.DuckDBPyConnection) -> dict:
    """``seed_credential_types``: the vocabulary of spiders/record.py."""
    con.execute("create or replace table seed_credential_types (term VARCHAR, ctdl_class VARCHAR, "
                "ob3_achievement_type VARCHAR, meaning VARCHAR)")
    rows = credential_type_rows()
    con.executemany("insert into seed_credential_types values (?, ?, ?, ?)", rows)
    return {"terms": len(rows)}


def _drop(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop a relation whatever it is now (a model may switch between table and view)."""
    row = con.execute("select table_type from information_schema.tables where table_schema = 'main' and table_name = ?",
                      [name]).fetchone()
    if row:
        con.execute(f'drop {"view" if row[0] == "VIEW" else "table"} "{name}"')


def load_previous_seen(con: duckdb.DuckDBPyConnection, published_path: Path | None) -> dict:
    """``seed_previous_seen(uid, first_seen)`` from the published catalogue, so first_seen survives refreshes."""
    con.execute("create or replace table seed_previous_seen (uid VARCHAR, first_seen TIMESTAMPTZ)")
    if not published_path or not Path(published_path).exists():
        return {"previously_published": 0}
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
    return {"previously_published": con.execute("select count(*) from seed_previous_seen").fetchone()[0]}


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The catalogue's own tables and views (not temporary ones, not attached databases)."""
    return {r[0] for r in con.execute("select table_name from information_schema.tables where table_schema = 'main' "
                                      "and table_catalog = current_database()").fetchall()}


def run_producer(con: duckdb.DuckDBPyConnection, producer: registry.Producer, inputs: Build) -> dict:
    """Run one model or step; a step must create exactly the tables it declares."""
    if producer.kind == "sql":
        _drop(con, producer.name)
        con.execute(f'create {"view" if producer.view else "table"} "{producer.name}" as {producer.path.read_text()}')
        return {}
    before = _tables(con)
    meta = producer.function()(con, **{k: getattr(inputs, k) for k in producer.context}) or {}
    after = _tables(con)
    missing = [t for t in producer.outputs if t not in after]
    extra = sorted(after - before - set(producer.outputs))
    if missing or extra:
        raise registry.RegistryError(
            f"{producer.where} declares {', '.join(producer.outputs)} but "
            + "; ".join(([f"did not create {', '.join(missing)}"] if missing else [])
                        + ([f"also created {', '.join(extra)}"] if extra else [])))
    return meta if isinstance(meta, dict) else {"result": meta}


def build(con: duckdb.DuckDBPyConnection, targets: Iterable[str] | None = None, given: Iterable[str] = (),
          inputs: Build | None = None) -> dict[str, dict]:
    """Build ``targets`` (default: every table the registry knows) and what they need, in dependency order,
    taking the ``given`` tables as already built. Returns each producer's metadata, with its seconds."""
    inputs = inputs or Build()
    out: dict[str, dict] = {}
    for producer in registry.registry().plan(targets, given):
        lock.checkpoint(f"build:{producer.name}")  # a named point per producer, for the kill tests
        t0 = time.perf_counter()
        # working tables are dropped before publishing: skip compressing them (it costs more than writing
        # them; see docs/normalisation.md)
        working = not any(registry.is_published(t) for t in producer.outputs)
        if working:
            con.execute("set force_compression = 'uncompressed'")
        lowered = producer.name in OWN_MEMORY_STEPS and _cap(con, memory_limit(producer.name))
        try:
            meta = run_producer(con, producer, inputs)
        finally:
            if working:
                con.execute("reset force_compression")
            if lowered:
                _cap(con, memory_limit())
        out[producer.name] = {**meta, "seconds": round(time.perf_counter() - t0, 3)}
    return out


def _cap(con: duckdb.DuckDBPyConnection, limit: str | None) -> bool:
    """Set the connection's memory cap (None: DuckDB's own); False when it stays as it was (no cap asked, or
    DuckDB could not evict enough to go under it)."""
    if limit is None:
        con.execute("reset memory_limit")
        return False
    try:
        con.execute("set memory_limit = ?", [limit])
    except duckdb.Error:
        return False
    return True


def query(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> duckdb.DuckDBPyConnection:
    """Run the query model ``sql/matching/<name>.sql`` (a step's own query over inputs it registered) with
    named parameters; returns the executed connection to fetch from."""
    path = registry.query_path(name)
    return con.execute(path.read_text(encoding="utf-8"), params or {})


def create_temp(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> None:
    """Materialise the query model ``name`` as a temporary table of that name (for the step that runs it)."""
    path = registry.query_path(name)
    con.execute(f'create or replace temp table "{name}" as {path.read_text(encoding="utf-8")}', params or {})


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

    The build is moved (a rename: no byte is copied) to a temporary sibling of the published file and renamed
    over it; only when the two are on different filesystems is it copied (and flushed) instead. A crash at any
    point leaves either the old catalogue or the new one, never a mix. The build file is consumed: the next
    refresh starts a fresh one anyway (:func:`fresh_build`).
    """
    from pipeline.search import build_index

    con = connect(build_path)
    try:
        drop_working_tables(con)
        build_index(con, published_path)  # into the published file; unchanged documents keep their rows
        lock.checkpoint("publish:dropped")  # a writer connection open with uncheckpointed changes
        con.execute("checkpoint")
    finally:
        con.close()
    published_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = published_path.with_name(f".{published_path.name}.{os.getpid()}.tmp")  # the pid: see remove_dead_copies
    moved = False
    try:
        try:
            os.rename(build_path, tmp)  # checkpointed and closed: the file is the whole catalogue
            moved = True
        except OSError:  # another filesystem
            shutil.copyfile(build_path, tmp)
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
        lock.checkpoint("publish:copied")
        os.replace(tmp, published_path)
    except BaseException:
        if moved and tmp.exists():
            os.rename(tmp, build_path)  # the build back where it was: nothing is lost, nothing left beside
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
