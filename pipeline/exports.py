"""Versioned Parquet exports for downstream services, published all-or-nothing.

Layout under ``out_dir``::

    <refresh_id>/<table>.parquet          one file per table
    <refresh_id>/<table>.schema.json      JSON Schema (draft 2020-12) of one row
    <refresh_id>/manifest.json            schema version, refresh id, previous export, per-provider
                                           freshness, row counts, sha256 per file
    latest -> <refresh_id>                 symlink to the newest complete export (read_parquet('latest/x.parquet'))
    latest.json                            a copy of that manifest

Every published table is exported. The schemas come from the data dictionary (descriptions, vocabularies as
``enum``, a schema per JSON column); every exported row validates against its table's schema
(:func:`validate_export`). Only the newest N complete exports are kept (``CREDCAT_EXPORTS_KEEP``, default 10).

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

EXPORT_SCHEMA_VERSION = "2.0.0"  # 2.0: every published table, schemas from the data dictionary, `latest` a symlink
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


def table_schema(con, table: str) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of one exported row: every column required (null where DuckDB allows it),
    with the data dictionary's description and vocabulary (``enum``) and a nested schema for JSON columns."""
    from pipeline import dictionary

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
        doc = dictionary.column_doc(table, name)
        properties[name] = {**({"description": doc} if doc else {}), **schema, "x-duckdb-type": dtype}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"credcat/exports/{EXPORT_SCHEMA_VERSION}/{table}.schema.json",
        "title": table,
        "description": dictionary.table_doc(table) or "",
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
    import duckdb

    keep = keep_setting(keep)
    own = not hasattr(con_or_path, "execute")
    con = duckdb.connect(str(con_or_path), read_only=True) if own else con_or_path
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
            for t in tables:
                pq = staging / f"{t}.parquet"
                con.execute(f"COPY (SELECT * FROM \"{t}\") TO '{pq.as_posix()}' (FORMAT parquet, COMPRESSION zstd)")
                schema_file = staging / f"{t}.schema.json"
                schema_file.write_text(json.dumps(table_schema(con, t), indent=2, ensure_ascii=False), encoding="utf-8")
                rows = con.execute(f"SELECT count(*) FROM read_parquet('{pq.as_posix()}')").fetchone()[0]
                manifest["tables"][t] = {
                    "file": pq.name, "rows": rows, "sha256": _sha256(pq), "bytes": pq.stat().st_size,
                    "schema": schema_file.name, "schema_sha256": _sha256(schema_file),
                }
                checkpoint("export:partial")
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
    for t, meta in manifest["tables"].items():
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
    for table, meta in manifest["tables"].items():
        schema = json.loads((d / meta["schema"]).read_text(encoding="utf-8"))
        validator = jsonschema.Draft202012Validator(schema, format_checker=_formats())
        for i, row in enumerate(rows(d, table)):
            for err in validator.iter_errors(row):
                problems.append(f"{table} row {i}: {'/'.join(map(str, err.absolute_path))}: {err.message[:200]}")
                if len(problems) >= max_errors:
                    return problems
    return problems
