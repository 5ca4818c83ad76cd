"""Versioned Parquet exports for downstream services, published all-or-nothing.

Layout under ``out_dir``::

    <refresh_id>/<table>.parquet          one file per table
    <refresh_id>/<table>.schema.json      JSON Schema (draft 2020-12) of one row
    <refresh_id>/change_set.parquet       the credentials changed since the previous export (+ .schema.json)
    <refresh_id>/change_set_credentials.parquet   their new rows, to upsert (+ .schema.json)
    <refresh_id>/manifest.json            schema version, refresh id, previous export, per-provider
                                           freshness, row counts, sha256 per file, the change set
    latest -> <refresh_id>                 symlink to the newest complete export (read_parquet('latest/x.parquet'))
    latest.json                            a copy of that manifest

Every published table is exported. The schemas come from the data dictionary (descriptions, vocabularies as
``enum``, a schema per JSON column); every exported row validates against its table's schema
(:func:`validate_export`). Only the newest N complete exports are kept (``CREDCAT_EXPORTS_KEEP``, default 10).

The change set (:func:`change_set_sql`) lets a service that loaded the previous export apply a delta instead of
reloading: delete the ``removed`` uids, upsert ``change_set_credentials``. It is the net change of the
catalogue's change log (``changes``, ``pipeline/history.py``) between the refresh the previous export was of
and this one (``manifest["change_set"]``: ``from_refresh``, ``to_refresh``, counts, files); a service whose
own state is not ``from_refresh`` reloads the full set instead.

Everything is written into ``.<refresh_id>.<pid>.partial/`` first; only when every file and the manifest are on
disk is the directory renamed to ``<refresh_id>`` and then ``latest`` replaced (``os.replace``: atomic on
POSIX). A crash at any point leaves the previous ``latest`` and its directory untouched; the next export (or
refresh) removes the partial folders of processes that are gone.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from collections.abc import Iterator, Sequence
from typing import Any

from pipeline.lock import checkpoint, pid_alive, pid_in

EXPORT_SCHEMA_VERSION = "2.1.0"  # 2.0: every published table, schemas from the data dictionary, `latest` a symlink;
# 2.1: the change set (change_set, change_set_credentials, manifest["change_set"])
CHANGE_SET_FILES = {"change_set": "changes", "change_set_credentials": "credentials"}  # file -> documented like
DEFAULT_KEEP = 10  # complete exports kept (CREDCAT_EXPORTS_KEEP or --keep); older ones are removed


def export_tables() -> list[str]:
    """The export contract: every table the registry publishes (pipeline.registry), in build order. A
    catalogue missing one of them is refused rather than exported incomplete."""
    from pipeline.registry import registry

    return registry().published()


_SCALARS = {
    "varchar": "string", "boolean": "boolean", "double": "number", "float": "number", "decimal": "number",
    "tinyint": "integer", "smallint": "integer", "integer": "integer", "bigint": "integer", "hugeint": "integer",
    "utinyint": "integer", "usmallint": "integer", "uinteger": "integer", "ubigint": "integer", "uhugeint": "integer",
}


def json_schema_of(sql_type, column: str | None = None) -> dict[str, Any]:
    """The JSON Schema of one value of a DuckDB type (a ``DuckDBPyType``), as ``pipeline.query.json_value``
    renders it: JSON columns by their schema in the data dictionary, lists and structs recursively."""
    from pipeline import dictionary

    kind, name = sql_type.id, str(sql_type)
    if name == "JSON":
        return dictionary.json_schema(column) if column else {}
    if kind in ("list", "array"):
        return {"type": "array", "items": json_schema_of(sql_type.children[0][1])}
    if kind == "struct":
        fields = sql_type.children
        return {"type": "object", "properties": {k: _nullable(json_schema_of(t)) for k, t in fields},
                "required": [k for k, _ in fields], "additionalProperties": False}
    if kind == "map":
        return {"type": "object", "additionalProperties": _nullable(json_schema_of(sql_type.children[1][1]))}
    if kind.startswith("timestamp"):
        return {"type": "string", "format": "date-time"}
    if kind == "date":
        return {"type": "string", "format": "date"}
    if kind == "interval":
        return {"type": "string", "format": "duration"}
    if kind == "blob":
        return {"type": "string", "contentEncoding": "base64"}
    return {"type": _SCALARS.get(kind, "string")}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if "type" not in schema:
        return schema  # any JSON value, null included
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    out = {**schema, "type": types if "null" in types else [*types, "null"]}
    if "enum" in out and None not in out["enum"]:
        out["enum"] = [*out["enum"], None]
    return out


def table_schema(con, table: str, docs: str | None = None) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of one exported row: every column required (null where DuckDB allows it),
    with the data dictionary's description and vocabulary (``enum``) and a nested schema for JSON columns.
    ``docs`` names the table whose documentation applies (a change set file is documented like its source)."""
    from pipeline import dictionary

    docs = docs or table
    types = {d[0]: d[1] for d in con.execute(f'SELECT * FROM "{table}" LIMIT 0').description}
    cols = con.execute(f'DESCRIBE "{table}"').fetchall()
    properties = {}
    for name, dtype, null, *_ in cols:
        schema = json_schema_of(types[name], name)
        vocabulary = dictionary.VOCABULARIES.get(name)
        if vocabulary and schema.get("type") == "string":
            schema["enum"] = list(vocabulary)
        if null != "NO":
            schema = _nullable(schema)
        doc = dictionary.column_doc(docs, name)
        properties[name] = {**({"description": doc} if doc else {}), **schema, "x-duckdb-type": dtype}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"credcat/exports/{EXPORT_SCHEMA_VERSION}/{table}.schema.json",
        "title": table,
        "description": dictionary.table_doc(docs) or "",
        "type": "object",
        "properties": properties,
        "required": [name for name, *_ in cols],  # every key is always present; its value may be null
        "additionalProperties": False,
    }


def freshness(con) -> dict[str, dict[str, Any]]:
    """Per provider: listings and when the oldest and newest of them were fetched (the catalogue's view)."""
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if "listings" not in tables:
        return {}
    now = datetime.now(UTC)
    out = {}
    for source, n, oldest, newest in con.execute(
            "SELECT source, count(*), min(fetched_at), max(fetched_at) FROM listings GROUP BY 1 ORDER BY 1").fetchall():
        out[source] = {"listings": n, "oldest_fetched_at": oldest.isoformat() if oldest else None,
                       "newest_fetched_at": newest.isoformat() if newest else None,
                       "age_hours": round((now - newest).total_seconds() / 3600, 2) if newest else None}
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def export_catalogue(con_or_path, out_dir: str | os.PathLike, refresh_id: str | None = None,
                     tables: Sequence[str] | None = None, keep: int | None = None) -> dict[str, Any]:
    """Export ``tables`` (default: every published table) to ``out_dir/<refresh_id>/``, point ``latest`` at
    it once all of it is written, then keep only the newest ``keep`` exports (default ``CREDCAT_EXPORTS_KEEP``
    or 10)."""
    from pipeline import warehouse

    keep = keep_setting(keep)
    own = not hasattr(con_or_path, "execute")
    # capped like the build (pipeline.warehouse.connect): uncapped, DuckDB's pool kept every block the COPYs and
    # content hashes read (80% of RAM allowed; 6 GB RSS at 1M in session 7)
    con = warehouse.connect(con_or_path, read_only=True) if own else con_or_path
    try:
        refresh_id = refresh_id or datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        if "/" in refresh_id or refresh_id.startswith(".") or refresh_id in ("latest", "latest.json"):
            raise ValueError(f"bad refresh id {refresh_id!r}")
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        final = out / refresh_id
        if final.exists():
            raise FileExistsError(f"export {final} already exists: refresh ids are immutable")
        remove_dead_partials(out)
        tables = list(tables) if tables is not None else export_tables()
        present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        missing = [t for t in tables if t not in present]
        if missing:
            raise LookupError(f"cannot export: missing tables {', '.join(missing)}")
        previous = latest_export(out)
        before = _manifest_of(previous)
        manifest: dict[str, Any] = {
            "schema_version": EXPORT_SCHEMA_VERSION, "refresh_id": refresh_id,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "previous": previous.name if previous else None,
            "freshness": freshness(con), "tables": {},
        }
        staging = out / f".{refresh_id}.{os.getpid()}.partial"  # the pid tells a live export from a dead one
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        try:
            # the manifest lists them in the contract's order, whichever finished first
            for t, entry in _write_tables(con, staging, tables, previous, before.get("tables", {})):
                manifest["tables"][t] = entry
            manifest["change_set"] = _write_change_set(con, staging, previous, present)
            (staging / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
            os.replace(staging, final)  # the whole set appears at once
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _write_atomic(out / "latest.json", json.dumps(manifest, indent=2))
        _point_latest(out, refresh_id)  # the pointer moves last
        manifest["removed"] = [p.name for p in prune(out, keep)]
        return manifest
    finally:
        if own:
            con.close()


def export_workers() -> int:
    """How many tables are encoded at once (``CREDCAT_EXPORT_WORKERS``, default 2: one per core). DuckDB writes
    one Parquet file from a single thread when the table has few row groups (every table but the largest) and
    serialises the writes of one file, so two files at once keep both cores busy. The bytes of each file do not
    depend on it."""
    text = os.environ.get("CREDCAT_EXPORT_WORKERS", "2")
    try:
        return max(1, int(text))
    except ValueError:
        raise ValueError(f"CREDCAT_EXPORT_WORKERS must be a whole number, got {text!r}") from None


def _write_tables(con, staging: Path, tables: list[str], previous: Path | None,
                  before: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every table's file (:func:`_write_table`), :func:`export_workers` at a time, the largest tables first,
    each on its own cursor of ``con`` (the same database, the same memory cap). Yields (table, manifest entry)
    in the order of ``tables``, raising what a write raised; on the way out (done, failed or closed) it waits
    for the writes under way and cancels the rest, so nothing writes into a staging folder being removed."""
    from concurrent.futures import ThreadPoolExecutor

    def write(t: str) -> dict[str, Any]:
        cur = con.cursor()
        try:
            return _write_table(cur, staging, t, reuse=(previous, before.get(t, {})))  # ({} : nothing to reuse)
        finally:
            cur.close()

    workers = min(export_workers(), len(tables))
    if workers <= 1:
        for t in tables:
            entry = _write_table(con, staging, t, reuse=(previous, before.get(t, {})))
            checkpoint("export:partial")
            yield t, entry
        return
    sizes = dict(con.execute("SELECT table_name, estimated_size FROM duckdb_tables() WHERE schema_name = 'main' "
                             "AND database_name = current_database()").fetchall())
    pool = ThreadPoolExecutor(workers, thread_name_prefix="export")
    try:
        futures = {t: pool.submit(write, t) for t in sorted(tables, key=lambda t: -(sizes.get(t) or 0))}
        for t in tables:
            entry = futures[t].result()
            checkpoint("export:partial")
            yield t, entry
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _manifest_of(export: Path | None) -> dict[str, Any]:
    """An export's manifest ({} when there is none or it cannot be read)."""
    try:
        return json.loads((export / "manifest.json").read_text(encoding="utf-8")) if export else {}
    except (OSError, ValueError):
        return {}


def content_hash(con, name: str) -> str | None:
    """What a table's Parquet file is a function of: DuckDB's version, the COPY options, the column names and
    types, the row count and order-aware 64-bit row hashes (over ``rowid`` and the row: a scan returns rows
    in rowid order), combined twice (xor, sum). Equal hashes: the previous export's file holds these rows.
    None for a view (no rowid, its order is its query's): it is always written."""
    import duckdb

    literal = name.replace("'", "''")  # a literal: binding a Python parameter makes DuckDB import pandas
    if not con.execute(f"SELECT 1 FROM information_schema.tables WHERE table_name = '{literal}' AND "
                       "table_type = 'BASE TABLE' AND table_schema = 'main' AND table_catalog = current_database()"
                       ).fetchone():
        return None

    columns = con.execute(f'DESCRIBE "{name}"').fetchall()
    rows, xor, total = con.execute(f'SELECT count(*), bit_xor(h), sum(h::HUGEINT) FROM '
                                   f'(SELECT hash(t.rowid, t) AS h FROM "{name}" AS t)').fetchone()  # hashed once
    key = json.dumps([duckdb.__version__, _COPY_OPTIONS, [c[:2] for c in columns], rows, str(xor), str(total)])
    return hashlib.sha256(key.encode()).hexdigest()


_COPY_OPTIONS = "FORMAT parquet, COMPRESSION zstd"


def _write_table(con, staging: Path, name: str, docs: str | None = None,
                 reuse: tuple[Path, dict[str, Any]] | None = None) -> dict[str, Any]:
    """``name`` (a table or temp table) as Parquet + JSON Schema in ``staging``; its manifest entry. When
    ``reuse`` (the previous export and its entry for ``name``) has the table's content hash and its file is
    intact (sha256), that file is hard-linked (or copied) instead of encoding the table again."""
    pq = staging / f"{name}.parquet"
    digest = content_hash(con, name) if reuse is not None else None  # the change set's files: not reused
    entry: dict[str, Any] | None = None
    if digest is not None and reuse is not None and reuse[0] is not None and reuse[1].get("content_hash") == digest:
        old = reuse[0] / reuse[1]["file"]
        if old.is_file() and _sha256(old) == reuse[1]["sha256"]:
            try:
                os.link(old, pq)
            except OSError:  # another filesystem, or no hard links there
                shutil.copyfile(old, pq)
            entry = {"file": pq.name, "rows": reuse[1]["rows"], "sha256": reuse[1]["sha256"],
                     "bytes": pq.stat().st_size}
    if entry is None:
        con.execute(f"COPY (SELECT * FROM \"{name}\") TO '{pq.as_posix()}' ({_COPY_OPTIONS})")
        rows = con.execute(f"SELECT count(*) FROM read_parquet('{pq.as_posix()}')").fetchone()[0]
        entry = {"file": pq.name, "rows": rows, "sha256": _sha256(pq), "bytes": pq.stat().st_size}
    schema_file = staging / f"{name}.schema.json"
    schema = table_schema(con, name) if docs is None else table_schema(con, name, docs)
    schema_file.write_text(json.dumps(schema, indent=2, ensure_ascii=False), encoding="utf-8")
    entry.update(schema=schema_file.name, schema_sha256=_sha256(schema_file))
    if digest is not None:
        entry["content_hash"] = digest
    return entry


def change_set_sql(since: bool) -> str:
    """The net change per credential over the change log's rows after refresh ``$since`` (else of the latest
    refresh alone): first ``previous_hash`` against last ``content_hash``; added-then-removed and reverted
    credentials drop out, an update lists every column any of its refreshes changed."""
    window = ("refreshed_at > (SELECT max(refreshed_at) FROM refreshes WHERE refresh_id = $since)" if since else
              "refresh_id = (SELECT refresh_id FROM refreshes ORDER BY refreshed_at DESC LIMIT 1)")
    return f"""
        WITH per AS (
            SELECT uid, first(previous_hash ORDER BY refreshed_at) AS previous_hash,
                   last(content_hash ORDER BY refreshed_at) AS content_hash,
                   list_sort(list_distinct(flatten(list(changed_fields)))) AS fields,
                   last(title ORDER BY refreshed_at) AS title, last(source ORDER BY refreshed_at) AS source
            FROM changes WHERE {window} GROUP BY uid)
        SELECT uid, CASE WHEN previous_hash IS NULL THEN 'added' WHEN content_hash IS NULL THEN 'removed'
                         ELSE 'updated' END AS change,
               CASE WHEN previous_hash IS NOT NULL AND content_hash IS NOT NULL THEN fields
                    ELSE []::VARCHAR[] END AS changed_fields,
               title, source, content_hash, previous_hash
        FROM per
        WHERE previous_hash IS DISTINCT FROM content_hash
        ORDER BY uid"""


def _write_change_set(con, staging: Path, previous: Path | None, present: set[str]) -> dict[str, Any] | None:
    """This export's change set against the previous export (None for a catalogue without a change log)."""
    if not {"changes", "refreshes", "credentials"} <= present:
        return None
    known = [r[0] for r in con.execute("SELECT refresh_id FROM refreshes ORDER BY refreshed_at").fetchall()]
    if not known:
        return None
    before = None
    if previous is not None and (previous / "manifest.json").is_file():
        before = (json.loads((previous / "manifest.json").read_text(encoding="utf-8")).get("change_set") or {}
                  ).get("to_refresh")
    since = before in known  # else: the latest refresh's own changes, against the refresh before it
    base = before if since else (known[-2] if len(known) > 1 else None)
    con.execute(f"CREATE OR REPLACE TEMP TABLE change_set AS {change_set_sql(since)}", {"since": before} if since else {})
    # a view, not a copy of the rows (on a first export every credential): COPY reads it once, same file bytes
    con.execute("CREATE OR REPLACE TEMP VIEW change_set_credentials AS SELECT c.* FROM credentials AS c "
                "WHERE c.uid IN (SELECT uid FROM change_set WHERE change <> 'removed') ORDER BY c.uid")
    try:
        files = {name: _write_table(con, staging, name, docs) for name, docs in CHANGE_SET_FILES.items()}
        counts = dict(con.execute("SELECT change, count(*) FROM change_set GROUP BY 1").fetchall())
    finally:
        con.execute("DROP VIEW IF EXISTS temp.change_set_credentials")
        con.execute("DROP TABLE IF EXISTS temp.change_set")
    return {"from_refresh": base, "to_refresh": known[-1],
            "counts": {k: counts.get(k, 0) for k in ("added", "updated", "removed")}, "files": files}


def exported_files(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every Parquet file of an export set by name: the published tables and the change set's files."""
    return {**manifest["tables"], **((manifest.get("change_set") or {}).get("files") or {})}


def keep_setting(keep: int | None = None) -> int:
    """How many complete exports to keep: ``keep``, else ``CREDCAT_EXPORTS_KEEP``, else 10 (at least 1)."""
    if keep is None:
        text = os.environ.get("CREDCAT_EXPORTS_KEEP", str(DEFAULT_KEEP))
        try:
            keep = int(text)
        except ValueError:
            raise ValueError(f"CREDCAT_EXPORTS_KEEP must be a whole number of exports to keep, got {text!r}") from None
    if keep < 1:
        raise ValueError(f"keep at least 1 export (got {keep})")
    return keep


def _point_latest(out: Path, refresh_id: str) -> None:
    """``latest`` -> ``<refresh_id>`` as a relative symlink, swapped in atomically, so readers open
    ``exports/latest/credentials.parquet`` directly (an older text-file ``latest`` is replaced too)."""
    tmp = out / f".latest.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    os.symlink(refresh_id, tmp, target_is_directory=True)
    os.replace(tmp, out / "latest")


def exports_in(out_dir: str | os.PathLike) -> list[Path]:
    """The complete exports in ``out_dir``, oldest first (by their manifest's created_at, then name)."""
    out = Path(out_dir)
    found = []
    for d in out.iterdir() if out.is_dir() else []:
        if d.is_dir() and not d.is_symlink() and not d.name.startswith(".") and (d / "manifest.json").is_file():
            created = json.loads((d / "manifest.json").read_text(encoding="utf-8")).get("created_at", "")
            found.append((created, d.name, d))
    return [d for *_, d in sorted(found)]


def prune(out_dir: str | os.PathLike, keep: int) -> list[Path]:
    """Remove the oldest complete exports beyond the newest ``keep``; never the one ``latest`` points to."""
    current = latest_export(out_dir)
    complete = exports_in(out_dir)
    doomed = [d for d in complete[:max(0, len(complete) - keep)] if current is None or d.name != current.name]
    for d in doomed:
        shutil.rmtree(d)
    return doomed


def remove_dead_partials(out_dir: str | os.PathLike) -> list[Path]:
    """Remove what exports killed midway left in ``out_dir``: ``.<id>.<pid>.partial`` folders and
    ``.<file>.<pid>.tmp`` files whose process is gone (and pid-less ones from older versions)."""
    out = Path(out_dir)
    removed = []
    for p in [*out.glob(".*.partial"), *out.glob(".*.tmp")] if out.is_dir() else []:
        if not pid_alive(pid_in(p.name)):
            shutil.rmtree(p, ignore_errors=True) if p.is_dir() and not p.is_symlink() else p.unlink(missing_ok=True)
            removed.append(p)
    return removed


def verify_export(path: str | os.PathLike) -> list[str]:
    """Problems with an export directory (missing file, checksum or row count mismatch); [] when sound."""
    import duckdb

    d = Path(path)
    problems: list[str] = []
    manifest = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
    con = duckdb.connect()
    for t, meta in exported_files(manifest).items():
        f = d / meta["file"]
        if not f.exists():
            problems.append(f"{t}: {f.name} missing")
            continue
        if _sha256(f) != meta["sha256"]:
            problems.append(f"{t}: checksum mismatch")
        try:
            rows = con.execute(f"SELECT count(*) FROM read_parquet('{f.as_posix()}')").fetchone()[0]
        except duckdb.Error as exc:
            problems.append(f"{t}: unreadable Parquet ({exc.__class__.__name__})")
            continue
        if rows != meta["rows"]:
            problems.append(f"{t}: {rows} rows, manifest says {meta['rows']}")
    return problems


def latest_export(out_dir: str | os.PathLike) -> Path | None:
    """The export ``latest`` points to (a symlink; a text file holding the id in exports before 2.0)."""
    p = Path(out_dir) / "latest"
    if p.is_symlink():
        return Path(out_dir) / os.readlink(p)
    return Path(out_dir) / p.read_text(encoding="utf-8").strip() if p.is_file() else None


def rows(path: str | os.PathLike, table: str) -> Iterator[dict]:
    """The rows of one exported table as a JSON reader sees them (``pipeline.query.json_value``)."""
    import duckdb

    from pipeline.query import json_value

    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        cur = con.execute(f"SELECT * FROM read_parquet('{(Path(path) / (table + '.parquet')).as_posix()}')")
        names = [d[0] for d in cur.description]
        types = [d[1] for d in cur.description]
        while batch := cur.fetchmany(2048):
            for r in batch:
                yield {n: json_value(v, t) for n, v, t in zip(names, r, types)}
    finally:
        con.close()


def _formats():
    """jsonschema's format checker, with ``date-time``/``date`` checked by the standard library (jsonschema
    checks them only when an optional RFC 3339 package is installed)."""
    import jsonschema

    checker = jsonschema.FormatChecker()
    checker.checks("date-time", raises=ValueError)(lambda v: not isinstance(v, str) or "T" in v and bool(
        datetime.fromisoformat(v)))
    checker.checks("date", raises=ValueError)(lambda v: not isinstance(v, str) or bool(date.fromisoformat(v)))
    return checker


def validate_export(path: str | os.PathLike, max_errors: int = 20) -> list[str]:
    """Rows of an export that do not validate against the export's own JSON Schemas; [] when all do."""
    import jsonschema

    d = Path(path)
    manifest = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
    problems: list[str] = []
    for table, meta in exported_files(manifest).items():
        schema = json.loads((d / meta["schema"]).read_text(encoding="utf-8"))
        validator = jsonschema.Draft202012Validator(schema, format_checker=_formats())
        for i, row in enumerate(rows(d, table)):
            for err in validator.iter_errors(row):
                problems.append(f"{table} row {i}: {'/'.join(map(str, err.absolute_path))}: {err.message[:200]}")
                if len(problems) >= max_errors:
                    return problems
    return problems
