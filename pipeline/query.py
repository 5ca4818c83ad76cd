"""The sandboxed query surface: every query a person or a client sends to the published catalogue runs here.

``duckdb.connect(path, read_only=True)`` only protects the catalogue file: the connection can still read any
file (``read_csv('/etc/passwd')``), write anywhere (``COPY ... TO`` a ``.pth`` file ran code), ``ATTACH``,
``SET`` anything, install extensions and run forever. So a sandboxed connection is opened with external
access off and extension auto-loading off *in the connect config* (before any statement can run), with memory
and threads capped and spilling to disk off, the extensions we need loaded, and then the configuration
locked. Each query must be exactly one read statement, as DuckDB's own parser classifies it; it runs under a
timer that interrupts it, and at most ``max_rows`` rows are fetched. Every refusal says what to do instead.

For a server: the sandbox belongs to the database instance, so ``con.cursor()`` per request inherits it; a
connection keeps reading the catalogue it opened, so reopen after a publish (the swap replaces the file).
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import math
import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline import paths


class QueryError(Exception):
    """A query that was refused or stopped; the message says why and what to do."""


def packaged_extension(name: str) -> Path:
    """The ``<name>.duckdb_extension`` file that the ``duckdb-extension-<name>`` package ships for this DuckDB
    version, for ``INSTALL '<path>'``: extensions are never downloaded. ImportError says what to install."""
    dist = f"duckdb-extension-{name.replace('_', '-')}"
    try:
        package = __import__(f"duckdb_extension_{name}")
    except ImportError:
        raise ImportError(f"the {dist} package is missing: pip install {dist}=={duckdb.__version__}") from None
    path = Path(package.__file__).parent / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if not path.is_file():
        raise ImportError(f"{dist} has no build for DuckDB {duckdb.__version__} ({path} missing): "
                          f"install {dist}=={duckdb.__version__}")
    return path


@dataclass(frozen=True)
class Limits:
    """What one query may use. The defaults suit an interactive ``credcat sql``; the API may pass its own."""

    max_rows: int = 10_000
    timeout: float = 30.0  # seconds
    memory: str = "1GB"
    threads: int = 2


def sandbox_config(limits: Limits) -> dict[str, str]:
    """The connect config: applied by DuckDB before the connection exists, so no statement can precede it."""
    return {
        "enable_external_access": "false",  # no files, no network, no ATTACH, no COPY, no INSTALL
        "autoinstall_known_extensions": "false",
        "autoload_known_extensions": "false",
        "allow_community_extensions": "false",
        "memory_limit": limits.memory,
        "threads": str(limits.threads),
        "temp_directory": "",  # no spilling: a query that does not fit in memory_limit stops
    }


def connect(path: Path | None = None, *, limits: Limits = Limits(), extensions: Iterable[str] = (),
            sandboxed: bool = True):
    """A read-only, sandboxed connection to the published catalogue, with the configuration locked.

    ``extensions`` (e.g. ``["fts"]``, installed beforehand by the writer) are loaded before external access is
    turned off, since DuckDB refuses to load extensions after, and before any query; nothing can load later.
    ``sandboxed=False`` is for credcat's own code that writes files of its own (``credcat export``), never for
    a query someone sent.
    """
    path = path or paths.catalogue_path()
    if not Path(path).exists():
        raise FileNotFoundError(f"no catalogue at {path}: run `credcat refresh --offline` (or `make demo`) first")
    extensions = [_identifier(name) for name in extensions]
    config = sandbox_config(limits) if sandboxed else {"autoinstall_known_extensions": "false"}
    if extensions:
        config.pop("enable_external_access", None)
    try:
        con = duckdb.connect(str(path), read_only=True, config=config)
    except duckdb.Error as exc:
        hint = ("another process holds it for writing; try again when it has finished"
                if "lock" in str(exc).lower() else "is it a DuckDB catalogue written by `credcat refresh`?")
        raise QueryError(f"cannot open the catalogue at {path}: {_first_line(exc)} ({hint})") from None
    try:
        # DuckDB shares one database instance among a process's connections to a file: a second connect
        # gets the instance an earlier one already sandboxed and locked (extensions loaded), and must not re-set
        if sandboxed and con.execute("select current_setting('lock_configuration')").fetchone()[0]:
            return con
        for name in extensions:
            con.execute(f"LOAD {name}")
        if sandboxed:
            if extensions:
                con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def _identifier(name: str) -> str:
    if not (name.isascii() and name.replace("_", "").isalnum()):
        raise ValueError(f"not an extension name: {name!r}")
    return name


def read_statement(sql: str):
    """The one statement in ``sql`` if DuckDB's parser classifies it as a read (SELECT); otherwise refuse."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(f"query failed: {_first_line(exc)}") from None
    if not statements:
        raise QueryError("give a statement, e.g. \"select count(*) from credentials\"")
    if len(statements) != 1:
        # a PIVOT without an IN list is parsed as CREATE TYPE + SELECT: say so rather than "two statements"
        hint = ("; a PIVOT needs its values listed: PIVOT ... ON col IN ('a', 'b')"
                if statements[0].type == duckdb.StatementType.CREATE and not statements[0].query else
                "; run several queries one at a time")
        raise QueryError(f"give exactly one statement (got {len(statements)}){hint}")
    statement = statements[0]
    if statement.type != duckdb.StatementType.SELECT:
        kind = statement.type.name
        raise QueryError(f"refused: the catalogue is read-only here and only a query that reads is allowed "
                         f"(SELECT, WITH ..., FROM ..., DESCRIBE, SUMMARIZE); got {kind}")
    return statement


@dataclass
class Result:
    columns: list[str]
    types: list  # DuckDB types (``duckdb.DuckDBPyType``); ``str()`` gives the SQL name
    rows: list[tuple]

    def records(self) -> list[dict]:
        """Rows as JSON-ready objects: nested values as JSON, timestamps in ISO 8601, no NaN."""
        return [{c: json_value(v, t) for c, v, t in zip(self.columns, row, self.types)} for row in self.rows]


def run(con, sql: str, limits: Limits = Limits()) -> Result:
    """Run one read statement on a sandboxed connection (from ``connect``), within ``limits``."""
    statement = read_statement(sql)
    if con.execute("select current_setting('enable_external_access'), current_setting('lock_configuration')"
                   ).fetchone() != (False, True):
        raise ValueError("query.run needs a sandboxed connection from pipeline.query.connect")
    timed_out = threading.Event()

    def stop() -> None:
        timed_out.set()
        con.interrupt()

    timer = threading.Timer(limits.timeout, stop)
    timer.daemon = True
    timer.start()
    try:
        cursor = con.execute(statement)
        columns = [d[0] for d in cursor.description]
        types = [d[1] for d in cursor.description]
        rows = cursor.fetchmany(limits.max_rows + 1)
    except duckdb.Error as exc:
        raise _explain(exc, limits, timed_out.is_set()) from None
    finally:
        timer.cancel()
    if len(rows) > limits.max_rows:
        raise QueryError(f"the query returns more than {limits.max_rows} rows: add a LIMIT or an aggregate "
                         f"(or raise the limit with --max-rows)")
    return Result(columns, types, rows)


def _explain(exc: duckdb.Error, limits: Limits, timed_out: bool) -> QueryError:
    message = _first_line(exc)
    if timed_out or isinstance(exc, duckdb.InterruptException):
        return QueryError(f"the query ran longer than {limits.timeout:g} s and was stopped: narrow it with a WHERE "
                          f"or a LIMIT (or raise the limit with --timeout)")
    if isinstance(exc, duckdb.OutOfMemoryException):
        return QueryError(f"the query needs more than {limits.memory} of memory and was stopped: filter, aggregate "
                          f"or LIMIT it")
    if isinstance(exc, duckdb.PermissionException):
        return QueryError(f"refused: queries can read only the published catalogue (files, network, extensions "
                          f"and settings are off here): {message}")
    return QueryError(f"query failed: {message}")


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


# -- JSON rendering ----------------------------------------------------------------------------------------------
def json_value(value, sql_type=None):
    """One DuckDB value as JSON: JSON values parsed, also inside lists, structs and maps (not double-encoded),
    NaN/inf as null, ISO 8601 times. ``sql_type`` is the value's ``duckdb.DuckDBPyType`` when known."""
    if value is None:
        return None
    kind = getattr(sql_type, "id", None)
    if str(sql_type) == "JSON" and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, decimal.Decimal):  # whole numbers stay exact; fractions become JSON numbers
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return iso_duration(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        fields = dict(sql_type.children) if kind == "struct" else {}
        item = sql_type.children[1][1] if kind == "map" else None
        return {str(k): json_value(v, fields.get(k, item)) for k, v in value.items()}
    if isinstance(value, Sequence):
        item = sql_type.children[0][1] if kind in ("list", "array") else None
        return [json_value(v, item) for v in value]
    return str(value)


def iso_duration(delta: dt.timedelta) -> str:
    """``timedelta(days=1, seconds=90)`` -> ``P1DT1M30S`` (an ISO 8601 duration; negative with a leading ``-``)."""
    sign = "-" if delta < dt.timedelta(0) else ""
    delta = abs(delta)
    hours, rest = divmod(delta.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    secs = f"{seconds}.{delta.microseconds:06d}".rstrip("0").rstrip(".") if delta.microseconds else str(seconds)
    time = "".join(f"{n}{u}" for n, u in ((hours, "H"), (minutes, "M")) if n) + (f"{secs}S" if seconds or delta.microseconds else "")
    out = f"P{delta.days}D" if delta.days else "P"
    return sign + (out + (f"T{time}" if time else "") if (delta.days or time) else "PT0S")
