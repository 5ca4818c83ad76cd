"""Versioned Parquet exports for downstream services, published all-or-nothing.

Layout under ``out_dir``::

    <refresh_id>/<table>.parquet          one file per table
    <refresh_id>/<table>.schema.json      JSON Schema (draft 2020-12) of one row
    <refresh_id>/manifest.json            schema version, refresh id, row counts, sha256 per file
    latest                                 text file holding the refresh id of the newest complete export
    latest.json                            a copy of that manifest

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
from datetime import datetime, UTC
from pathlib import Path
from typing import Any

from pipeline.lock import checkpoint, pid_alive, pid_in

EXPORT_SCHEMA_VERSION = "1.0.0"
EXPORT_TABLES = ("credentials", "credential_sources", "credential_links", "skills", "credential_skills", "stack_edges",
                 "pathways", "pathway_steps")

_JSON_TYPES = {
    "VARCHAR": "string", "BOOLEAN": "boolean", "DOUBLE": "number", "FLOAT": "number", "DECIMAL": "number",
    "INTEGER": "integer", "BIGINT": "integer", "SMALLINT": "integer", "TINYINT": "integer", "HUGEINT": "integer",
    "UBIGINT": "integer", "UINTEGER": "integer", "JSON": None,
}


def json_type(duck_type: str) -> dict[str, Any]:
    t = duck_type.upper()
    if t.endswith("[]"):
        return {"type": ["array", "null"], "items": json_type(t[:-2])}
    if t.startswith("TIMESTAMP") or t == "DATE":
        return {"type": ["string", "null"], "format": "date-time" if t.startswith("TIMESTAMP") else "date"}
    if t.startswith("DECIMAL"):
        return {"type": ["number", "null"]}
    base = _JSON_TYPES.get(t, "string")
    if base is None:
        return {}
    return {"type": [base, "null"]}


def table_schema(con, table: str) -> dict[str, Any]:
    cols = con.execute(f"DESCRIBE {table}").fetchall()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"credcat/exports/{EXPORT_SCHEMA_VERSION}/{table}.schema.json",
        "title": table,
        "type": "object",
        "properties": {name: {**json_type(dtype), "x-duckdb-type": dtype} for name, dtype, *_ in cols},
        "required": [name for name, _, null, *_ in cols if null == "NO"],
        "additionalProperties": False,
    }


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
                     tables: tuple[str, ...] = EXPORT_TABLES) -> dict[str, Any]:
    """Export ``tables`` to ``out_dir/<refresh_id>/`` and move ``latest`` once all of it is written."""
    import duckdb

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
        staging = out / f".{refresh_id}.{os.getpid()}.partial"  # the pid tells a live export from a dead one
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        missing = [t for t in tables if t not in present]
        if missing:
            shutil.rmtree(staging, ignore_errors=True)
            raise LookupError(f"cannot export: missing tables {', '.join(missing)}")
        manifest: dict[str, Any] = {
            "schema_version": EXPORT_SCHEMA_VERSION, "refresh_id": refresh_id,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"), "tables": {},
        }
        try:
            for t in tables:
                pq = staging / f"{t}.parquet"
                con.execute(f"COPY (SELECT * FROM {t}) TO '{pq.as_posix()}' (FORMAT parquet, COMPRESSION zstd)")
                schema_file = staging / f"{t}.schema.json"
                schema_file.write_text(json.dumps(table_schema(con, t), indent=2), encoding="utf-8")
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
        _write_atomic(out / "latest", refresh_id + "\n")  # the pointer moves last
        return manifest
    finally:
        if own:
            con.close()


def remove_dead_partials(out_dir: str | os.PathLike) -> list[Path]:
    """Remove what exports killed midway left in ``out_dir``: ``.<id>.<pid>.partial`` folders and
    ``.<file>.<pid>.tmp`` files whose process is gone (and pid-less ones from older versions)."""
    out = Path(out_dir)
    removed = []
    for p in [*out.glob(".*.partial"), *out.glob(".*.tmp")] if out.is_dir() else []:
        if not pid_alive(pid_in(p.name)):
            shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
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
    p = Path(out_dir) / "latest"
    return Path(out_dir) / p.read_text(encoding="utf-8").strip() if p.exists() else None
