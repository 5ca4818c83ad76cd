"""Incremental builds: the published catalogue is the cache of the last build's Python work.

A listing whose uid and ``content_hash`` (``sql/intermediate/int_listings.sql``: every field of the source,
never the fetch time or the response URL) are those of the published catalogue, built by the same normaliser
code, is not normalised again: its normalised columns are copied from the published ``listings``
(``seed_reused_listings``), and only the other listings' distinct raw values are parsed. A credential whose
skill-mapping inputs (title, skills, outcomes, alignments, description) are the published ones, mapped by the
same mapper version, keeps its published ``credential_skills`` rows. The result is the same as a full build
(``tests/test_incremental.py`` compares every published table).

What a version is: a digest of the code and data that compute the values (``versions``), stored per refresh
in the published ``refreshes`` table. A missing catalogue, one from before this module, a column missing
on either side or another version means a full build of that part, never an error.
``CREDCAT_INCREMENTAL=0`` forces a full build.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import duckdb
import pandas as pd

from pipeline import paths, registry
from pipeline.schema import NORMALISED_COLUMNS

PREVIOUS = "previous"  # the name the published catalogue is attached under, read only
# what the normaliser writes besides NORMALISED_COLUMNS: the normalised organisation and issuer country
# replace the raw ones under the same names (sql/intermediate/int_listings_normalised.sql)
REPLACED_COLUMNS = ("organisation", "issuer_country")
# the columns of `credentials` map_credential_skills reads
SKILL_INPUTS = ("title", "skills", "learning_outcomes", "alignments", "description")


def enabled() -> bool:
    return os.environ.get("CREDCAT_INCREMENTAL", "1").strip().lower() not in ("0", "false", "no", "off")


def _digest(patterns: tuple[str, ...], files: tuple[Path, ...] = ()) -> str:
    """A digest of the project files matching ``patterns`` (relative to the project root) and of ``files``:
    names and bytes."""
    h = hashlib.sha256()
    root = paths.PROJECT_ROOT
    files = sorted({p for pat in patterns for p in root.glob(pat) if p.is_file() and "__pycache__" not in p.parts}
                   | set(files))
    for p in files:
        h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:16]


@lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    """The version of each part whose output is reused: the normaliser (its code, data and the SQL that
    joins its lookups), the skill mapper (``MAPPER_VERSION``, bumped on every scorer change, plus a digest
    of its code and data, so an unbumped change still invalidates) and the matcher."""
    from pipeline.skills.mapping import MAPPER_VERSION

    reg = registry.registry()
    affixes = os.environ.get("CREDCAT_MATCH_AFFIXES")  # extra matcher rules from outside the project
    extra = hashlib.sha256(b"".join(Path(f).read_bytes() for f in affixes.split(os.pathsep) if Path(f).is_file())
                           ).hexdigest()[:8] if affixes else ""
    return {
        "normaliser": _digest(("pipeline/normalise/**/*", "pipeline/schema.py"),
                              tuple(reg.producer(t).path for t in ("stg_listings", "int_listings",
                                                                   "int_listings_normalised"))),
        "mapper": f"{MAPPER_VERSION}+{_digest(('pipeline/skills/**/*',))}",
        "matcher": _digest(("pipeline/matching/**/*", "pipeline/resolve.py"), tuple(registry.query_paths())) + extra,
    }


@contextmanager
def attached(con: duckdb.DuckDBPyConnection, published_path: Path | None) -> Iterator[bool]:
    """Attach the published catalogue read-only as ``previous`` for the block; yields whether it is there."""
    if not enabled() or not published_path or not Path(published_path).exists():
        yield False
        return
    literal = str(published_path).replace("'", "''")  # ATTACH takes no parameters; our own path, quoted
    try:
        con.execute(f"attach '{literal}' as {PREVIOUS} (read_only)")
    except duckdb.Error:  # unreadable (another storage version, a broken file): build everything
        yield False
        return
    try:
        yield True
    finally:
        con.execute(f"detach {PREVIOUS}")


def _columns(con: duckdb.DuckDBPyConnection, table: str, catalog: str = PREVIOUS) -> dict[str, str]:
    return dict(con.execute("select column_name, data_type from information_schema.columns where table_catalog = ? "
                            "and table_schema = 'main' and table_name = ? order by ordinal_position",
                            [catalog, table]).fetchall())


def previous_versions(con: duckdb.DuckDBPyConnection) -> dict:
    """The versions the attached catalogue was built with (its latest ``refreshes`` row), {} when unknown."""
    if "versions" not in _columns(con, "refreshes"):
        return {}
    row = con.execute(f"select versions from {PREVIOUS}.main.refreshes order by refreshed_at desc, refresh_id desc "
                      "limit 1").fetchone()
    try:
        return json.loads(row[0]) if row and row[0] else {}
    except (TypeError, ValueError):
        return {}


def _same(con: duckdb.DuckDBPyConnection, part: str) -> bool:
    return previous_versions(con).get(part) == versions()[part]


def reuse_listings(con: duckdb.DuckDBPyConnection, published_path: Path | None = None) -> dict:
    """``seed_reused_listings(uid, <normalised columns>)``: the published normalised values of every listing
    whose uid and content hash are unchanged (empty when nothing can be reused)."""
    wanted = [*REPLACED_COLUMNS, *NORMALISED_COLUMNS]
    cols = ", ".join(f'"{c}" {t}' for c, t in {"uid": "VARCHAR", **{c: NORMALISED_COLUMNS.get(c, "VARCHAR")
                                                                     for c in wanted}}.items())
    con.execute(f"create or replace table seed_reused_listings ({cols})")
    reason = "full build"
    with attached(con, published_path) as there:
        if not there:
            reason = "no published catalogue" if enabled() else "CREDCAT_INCREMENTAL=0"
        elif not _same(con, "normaliser"):
            reason = "normaliser changed since the published catalogue"
        elif not set(wanted) | {"uid", "content_hash"} <= set(_columns(con, "listings")):
            reason = "published listings lack normalised columns"
        else:
            picked = ", ".join(f'p."{c}"' for c in wanted)
            con.execute(f"insert into seed_reused_listings select p.uid, {picked} from {PREVIOUS}.main.listings as p "
                        "semi join int_listings as l on l.uid = p.uid and l.content_hash = p.content_hash")
            reason = "reused"
    n = con.execute("select count(*) from seed_reused_listings").fetchone()[0]
    return {"reused": n, "why": reason}


def parse_changed(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """``parse_values`` over the listings not reused: their distinct raw values only."""
    from pipeline.normalise.lookups import LOOKUPS, build_lookups

    if not con.execute("select count(*) from seed_reused_listings").fetchone()[0]:
        return build_lookups(con, "stg_listings")  # a full build: every raw value (as before reuse)
    # a table of the raw inputs, not a view: the lookups read it once per kind, and int_listings hashes every
    # row when read
    inputs = ", ".join(sorted({f'"{c}"' for cols, _ in LOOKUPS.values() for c in cols}))
    con.execute(f"create or replace temp table to_normalise as "
                f"select {inputs} from int_listings anti join seed_reused_listings using (uid)")
    try:
        return build_lookups(con, "to_normalise")
    finally:
        con.execute("drop table if exists to_normalise")


def _skill_hash(alias: str) -> str:
    fields = ", ".join(f'"{c}" := {alias}."{c}"' for c in SKILL_INPUTS)
    return f"md5(to_json(struct_pack({fields}))::varchar)"


def reuse_skill_rows(con: duckdb.DuckDBPyConnection, published_path: Path | None) -> str:
    """Copy into the (new, empty) ``credential_skills`` the published rows of every credential whose
    skill-mapping inputs and mapper are unchanged, and list those credentials in the temp table
    ``skills_reused(uid)`` (the mapper skips them); returns why rows were reused or not."""
    con.execute("create or replace temp table skills_reused (uid VARCHAR)")
    with attached(con, published_path) as there:
        if not there:
            return "no published catalogue" if enabled() else "CREDCAT_INCREMENTAL=0"
        if not _same(con, "mapper"):
            return "mapper changed since the published catalogue"
        here = con.execute("select current_database()").fetchone()[0]
        if _columns(con, "credential_skills") != _columns(con, "credential_skills", here):
            return "published credential_skills has other columns"
        if not {"uid", *SKILL_INPUTS} <= set(_columns(con, "credentials")) & set(_columns(con, "credentials", here)):
            return "credentials lack a skill-mapping input"
        con.execute(f"""insert into skills_reused
            select c.uid from credentials as c join {PREVIOUS}.main.credentials as p
            on p.uid = c.uid and {_skill_hash('c')} = {_skill_hash('p')}""")
        con.execute(f"insert into credential_skills select s.* from {PREVIOUS}.main.credential_skills as s "
                    "semi join skills_reused as r on r.uid = s.uid")
        return "reused"


def skill_taxonomy(con: duckdb.DuckDBPyConnection, published_path: Path | None = None) -> dict[str, int]:
    """``skills`` and ``skill_occupations``: copied from the published catalogue when the skills code and
    data (the mapper version) are unchanged, else read from the vendored files."""
    from pipeline.skills.taxonomy import OCC_DDL, SKILLS_DDL, load_taxonomy

    with attached(con, published_path) as there:
        if there and _same(con, "mapper"):
            here = con.execute("select current_database()").fetchone()[0]
            con.execute(SKILLS_DDL)
            con.execute(OCC_DDL)
            tables = ("skills", "skill_occupations")
            if all(_columns(con, t) == _columns(con, t, here) for t in tables):
                for t in tables:
                    con.execute(f"insert into {t} select * from {PREVIOUS}.main.{t}")
                return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in tables} | {"reused": 1}
    return load_taxonomy(con) | {"reused": 0}


KEYS_TABLE = "listing_match_keys"


def key_hash(alias: str) -> str:
    """md5 over the listing columns the stored match keys are computed from (``blocking.KEY_INPUTS``)."""
    from pipeline.matching.blocking import KEY_INPUTS

    fields = ", ".join(f'"{c}" := {alias}."{c}"' for c in KEY_INPUTS)
    return f"md5(to_json(struct_pack({fields}))::varchar)"


def reuse_match_keys(con: duckdb.DuckDBPyConnection, published_path: Path | None) -> str:
    """Create ``listing_match_keys(uid, key_hash, <blocking.STORED>)`` holding the published match keys of every
    listing whose key inputs (``key_hash``) and matcher version are unchanged, copied once, with their published
    hash (equal by the join); pipeline.resolve adds the others. Returns why or why not."""
    from pipeline.matching.blocking import STORED, STORED_DDL

    con.execute(f"create or replace table {KEYS_TABLE} (uid VARCHAR, key_hash VARCHAR, {STORED_DDL})")
    with attached(con, published_path) as there:
        if not there:
            return "no published catalogue" if enabled() else "CREDCAT_INCREMENTAL=0"
        if not _same(con, "matcher"):
            return "matcher changed since the published catalogue"
        if not {"uid", "key_hash", *STORED} <= set(_columns(con, KEYS_TABLE)):
            return f"no published {KEYS_TABLE}"
        here = con.execute("select current_database()").fetchone()[0]
        # (no ORDER BY: sorting the wide rows cost 1.4 of 2.0 CPU s at 100k; every reader joins by uid)
        con.execute(f"""insert into "{here}".main.{KEYS_TABLE}
            select p.uid, p.key_hash, {', '.join(f'p.{c}' for c in STORED)}
            from {PREVIOUS}.main.{KEYS_TABLE} as p join "{here}".main.listings as x
            on x.uid = p.uid and {key_hash('x')} = p.key_hash""")
        return "reused"


class PublishedMatches(NamedTuple):
    """The published matcher result of one credential type, and what changed in it since."""

    clusters: pd.DataFrame  # id, cluster_id of the type's current listings that are unchanged
    links: pd.DataFrame     # cluster_id_l, cluster_id_r, left_id, right_id, score, relation, evidence
    pairs: pd.DataFrame     # one self-pair per merged member: left_id, right_id, score, relation, explanation
    changed: set            # uids of the type's current listings that are new or changed in the matcher's inputs
    earlier: pd.DataFrame   # the published matcher inputs of the type's changed and removed listings
    earlier_keys: object    # their published match keys (a pyarrow table: id, blocking.STORED), None if unknown


def published_matches(con: duckdb.DuckDBPyConnection, published_path: Path | None, inputs: list[str]) -> dict:
    """The matcher's published result per credential type of this build, same matcher version, with the
    listings that changed since in the matcher's ``inputs`` (added, edited, removed, or moved to another
    type): ``{type: PublishedMatches}``. A type without a change keeps its result whole; pipeline.resolve
    re-matches only the part of a changed type that a change can reach."""
    from pipeline.matching.blocking import STORED
    from pipeline.matching.engine import isin

    out: dict = {}
    with attached(con, published_path) as there:
        if not there or not _same(con, "matcher"):
            return out
        here = con.execute("select current_database()").fetchone()[0]
        if not {*inputs, "credential_type"} <= set(_columns(con, "listings")) or not {
                "uid", "credential_uid", "match_score", "match_evidence"} <= set(_columns(con, "credential_sources")):
            return out
        fields = ", ".join(f'"{c}" := x."{c}"' for c in inputs)
        digest = f"md5(to_json(struct_pack({fields}, credential_type := x.credential_type))::varchar)"
        con.execute(f"""create or replace temp table match_changed as
            with cur as (select uid, credential_type, {digest} as h from "{here}".main.listings as x),
            prev as (select uid, credential_type, {digest} as h from {PREVIOUS}.main.listings as x)
            select c.uid, c.credential_type, false as removed from cur as c left join prev as p using (uid)
            where p.h is distinct from c.h
            union all
            select p.uid, p.credential_type, true from prev as p left join cur as c using (uid)
            where c.h is distinct from p.h""")
        changed: dict = {}
        for uid, ctype, removed in con.execute("select uid, credential_type, removed from match_changed").fetchall():
            changed.setdefault(ctype, (set(), set()))[int(removed)].add(uid)
        columns = ", ".join(f'x."{c}"' for c in inputs)
        for (ctype,) in con.execute("select distinct credential_type from listings").fetchall():
            q = {"t": ctype}
            clusters = con.execute(f"""select s.uid as id, s.credential_uid as cluster_id
                from {PREVIOUS}.main.credential_sources as s join {PREVIOUS}.main.listings as l using (uid)
                where l.credential_type is not distinct from $t order by s.uid""", q).df()
            links = con.execute(f"""select k.credential_uid as cluster_id_l, k.other_credential_uid as cluster_id_r,
                    k.evidence_uid as left_id, k.other_evidence_uid as right_id, k.score, 'same_as' as relation, k.evidence
                from {PREVIOUS}.main.credential_links as k join {PREVIOUS}.main.listings as l on l.uid = k.evidence_uid
                where l.credential_type is not distinct from $t""", q).df()
            # each member's best duplicate match is all credential_sources keeps: one self-pair per member
            # gives the same match_score and match_evidence
            pairs = con.execute(f"""select s.uid as left_id, s.uid as right_id, s.match_score as score,
                    'duplicate' as relation, s.match_evidence as explanation
                from {PREVIOUS}.main.credential_sources as s join {PREVIOUS}.main.listings as l using (uid)
                where l.credential_type is not distinct from $t and s.match_score is not null""", q).df()
            now, gone = changed.get(ctype, (set(), set()))
            earlier = con.execute(f"""select x.uid as id, {columns} from {PREVIOUS}.main.listings as x
                semi join match_changed as m on m.uid = x.uid and m.removed
                where x.credential_type is not distinct from $t order by x.uid""", q).df()
            earlier_keys = None
            if {"uid", *STORED} <= set(_columns(con, KEYS_TABLE)):
                earlier_keys = con.execute(f"""select k.uid as id, {', '.join(f'k.{c}' for c in STORED)}
                    from {PREVIOUS}.main.{KEYS_TABLE} as k semi join match_changed as m on m.uid = k.uid and m.removed
                    semi join {PREVIOUS}.main.listings as x on x.uid = k.uid and
                        x.credential_type is not distinct from $t""", q).to_arrow_table()
            stale = now | gone
            if stale:
                clusters = clusters[~isin(clusters["id"], stale)].reset_index(drop=True)
                links = links[~isin(links["left_id"], stale) & ~isin(links["right_id"], stale)].reset_index(drop=True)
                pairs = pairs[~isin(pairs["left_id"], stale)].reset_index(drop=True)
            out[ctype] = PublishedMatches(clusters, links, pairs, now, earlier, earlier_keys)
        con.execute("drop table match_changed")
    return out
