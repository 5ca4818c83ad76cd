"""What changed since the last published catalogue: a change feed per refresh and every credential's history.

Tables (one step, :func:`track_changes`): ``changes``, ``credential_history`` and ``refreshes`` (one row per
refresh with its counts, so a refresh that changed nothing is on record too).

A credential's *content* is every column of ``credentials`` except those that move without the source moving
(:data:`RUN_COLUMNS`: where and when it was fetched, first and last seen). A refresh compares that content
with the published catalogue's, column by column over the columns both have:

- ``added``: a uid the published catalogue does not have; ``removed``: a published uid this build lacks;
- ``updated``: the same uid with other content, with the names of the columns whose values differ.

An unchanged re-refresh therefore yields no rows, whatever port the offline snapshot server had or when the
crawl ran. ``changes`` keeps every refresh's rows (the published catalogue's log plus this refresh's): the
change feed services read (``credcat changes``). ``credential_history`` keeps one row per version of each
credential, ``valid_from``/``valid_to`` (``valid_to`` null for the current version), so a reader can ask
what the catalogue said at any past refresh.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipeline import reuse

# columns whose values change between refreshes of an unchanged source
RUN_COLUMNS = frozenset({"source_url", "fetched_at", "first_seen", "last_seen", "crawl_run", "feed_file"})

CHANGES_DDL = """create or replace table changes (
    refresh_id VARCHAR, refreshed_at TIMESTAMPTZ, uid VARCHAR, change VARCHAR, changed_fields VARCHAR[],
    title VARCHAR, source VARCHAR, content_hash VARCHAR, previous_hash VARCHAR)"""
REFRESHES_DDL = """create or replace table refreshes (
    refresh_id VARCHAR, refreshed_at TIMESTAMPTZ, credentials BIGINT, added BIGINT, updated BIGINT, removed BIGINT,
    versions JSON)"""
HISTORY_DDL = """create or replace table credential_history (
    uid VARCHAR, version INTEGER, content_hash VARCHAR, valid_from TIMESTAMPTZ, valid_to TIMESTAMPTZ,
    refresh_from VARCHAR, refresh_to VARCHAR, change VARCHAR, title VARCHAR, source VARCHAR)"""


def refresh_id_of(refreshed_at: datetime) -> str:
    """The id a refresh is known by in ``changes`` and the exports: its UTC start, ``20261201T142233Z``."""
    return refreshed_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_catalog = ? and table_schema = 'main' "
        "and table_name = ? order by ordinal_position", [catalog, table]).fetchall()]


_FLOATS = re.compile(r"DOUBLE|FLOAT|REAL")


def _types(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, str]:
    return dict(con.execute(
        "select column_name, data_type from information_schema.columns where table_catalog = ? and "
        "table_schema = 'main' and table_name = 'credentials'", [catalog]).fetchall())


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _content_hash(columns: list[str], alias: str) -> str:
    """md5 of the JSON of ``columns`` of one row: the same values give the same hash in any build."""
    fields = ", ".join(f"{_q(c)} := {alias}.{_q(c)}" for c in columns)
    return f"md5(to_json(struct_pack({fields}))::varchar)"


def track_changes(con: duckdb.DuckDBPyConnection, published_path: Path | None,
                  refreshed_at: datetime | None = None) -> dict:
    """Write ``changes`` and ``credential_history`` for this build against the published catalogue."""
    refreshed_at = refreshed_at or datetime.now(UTC)
    refresh_id = refresh_id_of(refreshed_at)
    current = [c for c in _columns(con, con.execute("select current_database()").fetchone()[0], "credentials")
               if c not in RUN_COLUMNS]
    con.execute(CHANGES_DDL)
    con.execute(HISTORY_DDL)
    con.execute(REFRESHES_DDL)
    attached = bool(published_path) and Path(published_path).exists()
    if attached:
        literal = str(published_path).replace("'", "''")  # ATTACH takes no parameters; our own path, quoted
        con.execute(f"attach '{literal}' as previous (read_only)")
    try:
        previous = set(_columns(con, "previous", "credentials")) if attached else set()
        common = [c for c in current if c in previous]
        # the stored hash is over each side's own content columns; whether a row changed is decided over the
        # columns both catalogues have (a column added by a new release does not make every row "updated")
        # when both sides have the same columns (every release but one), the two hashes of a row are one:
        # computed once (a lateral alias)
        cmp_cur = ("_hash" if common == current else _content_hash(common, "x")) if common else "null"
        if previous:
            prev_own = [c for c in _columns(con, "previous", "credentials") if c not in RUN_COLUMNS]
            prev_table = "previous.main.credentials"
            prev_cmp = ("_hash" if common == prev_own else _content_hash(common, "p")) if common else "null"
            prev_hashes = f"{_content_hash(prev_own, 'p')} as _hash, {prev_cmp} as _cmp"
        else:  # the first refresh: everything is added
            con.execute("create or replace temp table _no_previous as select * from credentials limit 0")
            prev_table, prev_hashes = "_no_previous", "null as _hash, null as _cmp"
        differ = ", ".join(
            f"case when to_json(c.{_q(col)})::varchar is distinct from to_json(p.{_q(col)})::varchar "
            f"then '{col}' end" for col in common) or "null"
        # which uids may have changed, from a 64-bit hash of the compared columns on each side: equal hashes
        # mean equal values (so equal JSON), up to a hash collision; only the others get the md5 of their
        # JSON and the column-by-column comparison (the md5 is what `changes` stores)
        cur_types = _types(con, con.execute("select current_database()").fetchone()[0])
        prev_types = _types(con, "previous") if previous else cur_types
        # a value hashed as itself only where both sides have its type and equal values mean equal JSON (not
        # a float: -0.0 = 0.0 but their JSON differs); otherwise its JSON is hashed
        row = ", ".join(f"{{0}}.{_q(c)}" if cur_types[c] == prev_types[c] and not _FLOATS.search(cur_types[c])
                        else f"to_json({{0}}.{_q(c)})::varchar" for c in common) or "null"
        con.execute(f"""create or replace temp table _changed_uids as
            select coalesce(c.uid, p.uid) as uid from (select x.uid, hash({row.format('x')}) as h from credentials x) c
            full join (select p.uid, hash({row.format('p')}) as h from {prev_table} as p) p on c.uid = p.uid
            where p.uid is null or c.uid is null or c.h <> p.h""")
        # this refresh's rows, kept apart: `changes` and `credential_history` are each written once, in order,
        # from them and the published log (inserting, then rewriting each table sorted, wrote them twice)
        # the first refresh: every uid is added, no semi-join needed
        candidates = "where x.uid in (select uid from _changed_uids)" if previous else ""
        con.execute("create or replace temp table _this_changes as select * from changes limit 0")
        con.execute(f"""
            insert into _this_changes
            with cur as (select {_content_hash(current, 'x')} as _hash, {cmp_cur} as _cmp, x.* from credentials as x
                         {candidates}),
            prev as (select {prev_hashes}, p.* from {prev_table} as p where p.uid in (select uid from _changed_uids))
            select $refresh_id, $refreshed_at::timestamptz, coalesce(c.uid, p.uid),
                   case when p.uid is null then 'added' when c.uid is null then 'removed' else 'updated' end,
                   case when p.uid is not null and c.uid is not null
                        then list_filter([{differ}], x -> x is not null) else [] end,
                   coalesce(c.title, p.title), coalesce(c.source, p.source), c._hash, p._hash
            from cur as c full join prev as p on c.uid = p.uid
            where p.uid is null or c.uid is null or c._cmp is distinct from p._cmp
        """, {"refresh_id": refresh_id, "refreshed_at": refreshed_at.isoformat()})
        con.execute("drop table _changed_uids")
        con.execute("drop table if exists _no_previous")
        this = {row[0]: row[1] for row in con.execute(
            "select change, count(*) from _this_changes group by 1").fetchall()}
        _history(con, attached and bool(_columns(con, "previous", "credential_history")), bool(previous),
                 refresh_id, refreshed_at)
        con.execute("insert into refreshes select $r, $at::timestamptz, (select count(*) from credentials), "
                    "$added, $updated, $removed, $versions", {"r": refresh_id, "at": refreshed_at.isoformat(),
                                                              "versions": json.dumps(reuse.versions()),
                                                              **{k: this.get(k, 0) for k in ("added", "updated", "removed")}})
        for table in ("_this_changes", "refreshes"):  # the log of earlier refreshes is carried over
            name = table.removeprefix("_this_")
            if attached and _columns(con, "previous", name):
                con.execute(f"insert into {table} by name select * from previous.main.{name} where refresh_id <> $r",
                            {"r": refresh_id})
        con.execute("insert into changes select * from _this_changes order by refreshed_at, refresh_id, uid")
        con.execute("create or replace table refreshes as select * from refreshes order by refreshed_at, refresh_id")
        con.execute("drop table _this_changes")
    finally:
        if attached:
            con.execute("detach previous")
    return {"refresh_id": refresh_id, "added": this.get("added", 0), "updated": this.get("updated", 0),
            "removed": this.get("removed", 0), "compared_columns": len(common),
            "columns_added": sorted(set(current) - previous) if previous else [],
            "columns_dropped": sorted(previous - set(current) - RUN_COLUMNS) if previous else []}


def _history(con: duckdb.DuckDBPyConnection, has_history: bool, has_previous: bool, refresh_id: str,
             refreshed_at: datetime) -> None:
    """Close the versions this refresh changed or removed, open one for every added or updated credential:
    ``credential_history`` written once, in (uid, version) order, from the published one and this refresh's
    changes (``_this_changes``)."""
    params = {"r": refresh_id, "at": refreshed_at.isoformat()}
    if has_history:
        base = "select * from previous.main.credential_history"
    elif has_previous:  # a catalogue published before history was kept: its credentials are version 1
        own = [c for c in _columns(con, "previous", "credentials") if c not in RUN_COLUMNS]
        base = f"""select uid, 1 as version, {_content_hash(own, 'p')} as content_hash,
                   coalesce(try_cast(p.first_seen as timestamptz), $at::timestamptz) as valid_from,
                   null::timestamptz as valid_to, null::varchar as refresh_from, null::varchar as refresh_to,
                   'added' as change, title, source
            from previous.main.credentials as p"""
    else:
        base = "select * from credential_history"  # empty
    con.execute(f"""
        insert into credential_history
        with base as materialized ({base}),
        closed as (select distinct uid from _this_changes where change in ('updated', 'removed')),
        opened as (select * from _this_changes where change in ('added', 'updated'))
        select * from (
            select h.uid, h.version, h.content_hash, h.valid_from,
                   case when h.valid_to is null and c.uid is not null then $at::timestamptz else h.valid_to end,
                   h.refresh_from,
                   case when h.valid_to is null and c.uid is not null then $r else h.refresh_to end,
                   h.change, h.title, h.source
            from base as h left join closed as c on c.uid = h.uid
            union all
            select o.uid, coalesce(m.version, 0) + 1, o.content_hash, $at::timestamptz, null, $r, null, o.change,
                   o.title, o.source
            from opened as o left join (select uid, max(version) as version from base group by uid) as m
                 on m.uid = o.uid)
        order by uid, version
    """, params)


def read_changes(con: duckdb.DuckDBPyConnection, since: str | None = None) -> dict:
    """The change feed of a published catalogue: the latest refresh's changes, or every refresh after ``since``
    (a refresh id or an ISO 8601 time). Raises ``LookupError`` for a catalogue without a change log."""
    tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    if not {"changes", "refreshes"} <= tables:
        raise LookupError("this catalogue has no change log (built before credcat kept one): refresh it once")
    refreshes = [r[0] for r in con.execute("select refresh_id from refreshes order by refreshed_at").fetchall()]
    if since is None:
        where, params = "refresh_id = ?", [refreshes[-1] if refreshes else None]
    else:
        moment = _moment(since)
        where, params = "refreshed_at > ?", [moment]
    rows = con.execute(f"select refresh_id, refreshed_at, uid, change, changed_fields, title, source, content_hash, "
                       f"previous_hash from changes where {where} order by refreshed_at, uid", params).fetchall()
    keys = ("refresh_id", "refreshed_at", "uid", "change", "changed_fields", "title", "source", "content_hash",
            "previous_hash")
    out = [dict(zip(keys, r)) for r in rows]
    for r in out:
        r["refreshed_at"] = r["refreshed_at"].astimezone(UTC).isoformat().replace("+00:00", "Z")
    counts = {k: sum(1 for r in out if r["change"] == k) for k in ("added", "updated", "removed")}
    return {"since": since, "refreshes": refreshes, "counts": counts, "changes": out}


def _moment(since: str) -> datetime:
    """A refresh id (``20261201T142233Z``) or an ISO 8601 time, as a UTC datetime."""
    for fmt in ("%Y%m%dT%H%M%SZ",):
        try:
            return datetime.strptime(since, fmt).replace(tzinfo=UTC)
        except ValueError:
            pass
    try:
        moment = datetime.fromisoformat(since.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"--since {since!r} is neither a refresh id (like 20261201T142233Z) nor an ISO 8601 "
                         "time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
