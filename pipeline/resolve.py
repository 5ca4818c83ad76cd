"""Entity resolution inside a refresh: listings -> merged credentials, their member sources, same_as links.

The matcher (``pipeline.matching``) decides which listings are the same offering (duplicates: merged) and which
are the same course elsewhere (same_as: linked). This module is the registry's ``match_listings`` step: it feeds the matcher
the built ``listings``, carries cluster ids over from the published catalogue so a credential keeps its id when
its membership changes a little, and writes the matcher's result (``seed_clusters``, ``seed_links``,
``seed_duplicate_pairs``) that the SQL models ``credentials``, ``credential_sources`` and ``credential_links``
shape.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd

MAX_CLUSTER_SIZE = 50
# a changed type more than this share of whose records a change reaches is matched whole: the same result,
# and cheaper than finding, narrowing and patching (300k generated listings, 1% changed: about half touched)
MOSTLY_TOUCHED = 0.5
# the columns of ``listings`` the matcher reads, and how they are read: the matcher compares only a description's
# first 200 characters (sql/matching/match_keys.sql, blocking.py), so no more comes into Python (~1 GB at 1M)
MATCH_INPUTS = ("uid", "title", "organisation", "platform", "url", "description", "duration_hours", "level", "language")
MATCH_SELECT = ", ".join({"uid": "uid as id", "description": "left(description, 200) as description"}.get(c, c)
                         for c in MATCH_INPUTS)
KEYS_CHUNK = 200_000  # listings keyed per statement of the keys model (build_match_keys)


def previous_membership(published_path: Path | None) -> pd.DataFrame | None:
    """(id, cluster_id) from the published ``credential_sources``, or None before the first publish."""
    if not published_path or not Path(published_path).exists():
        return None
    con = duckdb.connect(str(published_path), read_only=True)
    try:
        return con.execute("select uid as id, credential_uid as cluster_id from credential_sources").df()
    except duckdb.CatalogException:
        return None
    finally:
        con.close()


def readable_ids(clusters: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    """A credential that is one listing and has no earlier id takes that listing's uid, so the catalogue reads
    `mslearn:exam.az-900` rather than a hash; merged credentials keep the matcher's stable ``cred_`` id."""
    from pipeline.matching.engine import isin

    sizes = clusters.groupby("cluster_id")["id"].transform("size")
    inherited = set(previous["cluster_id"]) if previous is not None else set()
    out = clusters.copy()
    single_new = (sizes == 1).to_numpy() & ~isin(out["cluster_id"], inherited)
    out.loc[single_new, "cluster_id"] = out.loc[single_new, "id"]
    if out["cluster_id"].nunique() != clusters["cluster_id"].nunique():
        return clusters  # a readable id would collide with another credential's id: keep the matcher's
    return out


def match_inputs() -> list[str]:
    """The columns of ``listings`` the matcher reads."""
    return list(MATCH_INPUTS)


def build_match_keys(con: duckdb.DuckDBPyConnection, published_path: Path | None) -> dict:
    """``listing_match_keys``: every listing's stored match keys (``blocking.STORED``) with the hash of their
    inputs; the published ones where the inputs and matcher are unchanged (copied once,
    ``reuse.reuse_match_keys``), computed for the others only (the keys model runs in the build's own connection:
    no hand-off of the listings)."""
    from pipeline import reuse
    from pipeline.matching.blocking import KEY_INPUTS, STORED
    from pipeline.matching.engine import keys_model

    why = reuse.reuse_match_keys(con, published_path)
    stored = ", ".join(f"k.{c}" for c in STORED)
    n_reused = con.execute(f"select count(*) from {reuse.KEYS_TABLE}").fetchone()[0]
    con.execute(f"""create or replace temp table match_keys_missing as
                    select row_number() over () as n, uid as id, {', '.join(KEY_INPUTS)}, {reuse.key_hash('l')} as key_hash
                    from listings as l anti join {reuse.KEYS_TABLE} using (uid)""")
    try:
        n_computed = con.execute("select count(*) from match_keys_missing").fetchone()[0]
        # the keys model's working memory grows with its input (~2.8 KB a listing at 300k: 2.8 GB at 1M), and
        # a listing's keys are its own: so it runs over KEYS_CHUNK listings at a time
        for lo in range(0, n_computed, KEYS_CHUNK):
            chunk = (f"(select id, {', '.join(KEY_INPUTS)} from match_keys_missing "
                     f"where n > {lo} and n <= {lo + KEYS_CHUNK})")
            con.execute(f"""insert into {reuse.KEYS_TABLE} select k.id, m.key_hash, {stored}
                            from ({keys_model(con, chunk)}) as k join match_keys_missing as m using (id)""")
    finally:
        for table in ("match_keys", "match_raw", "match_keys_missing"):
            con.execute(f"drop table if exists {table}")
    return {"keys_reused": n_reused, "keys_computed": n_computed, "keys_why": why}


def dedupe_listings(con: duckdb.DuckDBPyConnection, previous: pd.DataFrame | None = None, published: dict | None = None):
    """Run the matcher per credential type: an exam and the course that prepares for it share a title and an
    organisation but are different offerings, so only listings of the same type can be duplicates.

    ``published`` (type -> pipeline.reuse.PublishedMatches) holds the published result of each type and what
    changed since: a type without a change keeps it whole (the matcher does not run); in a changed type
    only the records a change can reach are matched again (:func:`rematch_touched`) when
    :func:`narrow_matching`, else the whole type (its cluster ids still carry over)."""
    from pipeline.matching.engine import DedupeResult, isin

    frame = con.execute(f"select {MATCH_SELECT}, credential_type from listings order by uid").df()
    parts = []
    for ctype, group in frame.groupby("credential_type", sort=True):
        ids = set(group["id"])
        prev = previous[isin(previous["id"], ids)] if previous is not None else None
        group = group.drop(columns="credential_type").reset_index(drop=True)
        pub = (published or {}).get(ctype)
        if pub is not None and not pub.changed and pub.earlier.empty:
            parts.append(DedupeResult(pub.clusters, pub.links, pub.pairs, {"reused_listings": len(group)}))
        elif pub is not None and narrow_matching():
            parts.append(rematch_touched(con, group, prev, pub))
        else:
            parts.append(_dedupe(con, group, prev))
    if not parts:
        empty = pd.DataFrame(columns=["id", "cluster_id"])
        return DedupeResult(empty, pd.DataFrame(columns=["cluster_id_l", "cluster_id_r", "left_id", "right_id",
                                                                "score", "relation", "evidence"]),
                                   pd.DataFrame(columns=["left_id", "right_id", "score", "relation", "explanation"]),
                                   {})
    stats: dict = {}
    for part in parts:
        for key, value in part.stats.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                stats[key] = max(stats.get(key, 0), value) if key.startswith("largest") else stats.get(key, 0) + value
    stats["seconds"] = {"total": sum(p.stats.get("seconds", {}).get("total", 0.0) for p in parts)}
    return DedupeResult(pd.concat([p.clusters for p in parts], ignore_index=True),
                               pd.concat([p.links for p in parts], ignore_index=True),
                               pd.concat([p.pairs for p in parts], ignore_index=True), stats)


def narrow_matching() -> bool:
    """In a changed type, match again only the records a change can reach (on by default; ``CREDCAT_INCREMENTAL_MATCH=0``
    matches a changed type whole). Its result equals a full match (tests/test_incremental.py)."""
    return os.environ.get("CREDCAT_INCREMENTAL_MATCH", "1").strip().lower() not in ("0", "false", "no", "off", "")


def _dedupe(con: duckdb.DuckDBPyConnection, group: pd.DataFrame, prev: pd.DataFrame | None,
            org_context: list | None = None, seen_titles=None):
    """The matcher over one type's listings (or the touched part of them), in the build's connection,
    reading their stored keys from ``listing_match_keys``.
    Every matched pair is explained, however many there are: an explanation depends on its pair alone, so a
    narrowed run explains what a full run does (the library's "auto" limit would make it depend on the
    number of matched pairs of the whole type)."""
    from pipeline import reuse
    from pipeline.matching.engine import dedupe_frame

    return dedupe_frame(group, prev, max_cluster_size=MAX_CLUSTER_SIZE, workers=2, explain_pairs=True,
                        org_context=org_context, keys=reuse.KEYS_TABLE, seen_titles=seen_titles, con=con)


def rematch_touched(con: duckdb.DuckDBPyConnection, group: pd.DataFrame, prev: pd.DataFrame | None, pub):
    """One changed type: the matcher runs again over the records a change can reach
    (``engine.touched_records``: connected to a new, edited or removed record through a value the matcher
    compares, within an organisation where the matcher's blocks are), every other record keeps its published
    cluster, links and evidence. The result is a full run's: the touched records are closed under everything
    the matcher computes across records, and the organisations' acronyms and the titles seen twice resolve
    over the whole type, as in a full run. When an organisation would resolve otherwise than in the published
    run, the whole type is matched again."""
    from pipeline import reuse
    from pipeline.matching.engine import DedupeResult, isin, org_resolution, touched_records

    seeds = isin(group["id"], pub.changed)
    before = org_resolution([*group.loc[~seeds, "organisation"], *pub.earlier["organisation"]])
    now = org_resolution(group["organisation"])
    if any(now[o] != before[o] for o in set(now) & set(before)):
        return _whole(con, group, prev, "organisations_resolve_otherwise")
    touched, seen = touched_records(group, pub.earlier, seeds, now, before, reuse.KEYS_TABLE, pub.earlier_keys, con)
    if touched.mean() > MOSTLY_TOUCHED:
        return _whole(con, group, prev, "mostly_touched")
    again = set(group.loc[touched, "id"])
    clusters = pub.clusters[~isin(pub.clusters["id"], again)]
    links = pub.links[~isin(pub.links["left_id"], again)]
    pairs = pub.pairs[~isin(pub.pairs["left_id"], again)]
    part = _dedupe(con, group[touched].reset_index(drop=True), prev, org_context=list(group["organisation"]),
                   seen_titles=seen)
    stats = {**part.stats, "reused_listings": int((~touched).sum()), "rematched_listings": int(touched.sum())}
    return DedupeResult(pd.concat([clusters, part.clusters], ignore_index=True),
                        pd.concat([links, part.links], ignore_index=True),
                        pd.concat([pairs, part.pairs], ignore_index=True), stats)


def _whole(con: duckdb.DuckDBPyConnection, group: pd.DataFrame, prev: pd.DataFrame | None, why: str):
    """A changed type matched whole, counted by why (``whole_type_<why>`` in the step's stats)."""
    result = _dedupe(con, group, prev)
    result.stats[f"whole_type_{why}"] = 1
    return result


def match(con: duckdb.DuckDBPyConnection, published_path: Path | None = None) -> dict:
    """Cluster the built ``listings`` and write the matcher's result tables in ``con``; returns its stats."""
    from pipeline import reuse

    previous = previous_membership(published_path)
    key_stats = build_match_keys(con, published_path)
    result = dedupe_listings(con, previous, reuse.published_matches(con, published_path, match_inputs()))
    clusters = readable_ids(result.clusters, previous)
    remap = dict(zip(result.clusters["cluster_id"], clusters["cluster_id"])) if len(clusters) else {}
    links = result.links.copy()
    for side in ("cluster_id_l", "cluster_id_r"):
        links[side] = links[side].map(lambda c: remap.get(c, c))
    # each link once, the smaller credential id on the left, whichever ids the matcher compared
    swap = (links["cluster_id_l"] > links["cluster_id_r"]).to_numpy()
    cols = ["cluster_id_l", "cluster_id_r", "left_id", "right_id"]
    links.loc[swap, cols] = links.loc[swap, ["cluster_id_r", "cluster_id_l", "right_id", "left_id"]].to_numpy()
    pairs = result.pairs[result.pairs["relation"] == "duplicate"][["left_id", "right_id", "score", "explanation"]]

    con.register("clusters_frame", clusters.rename(columns={"id": "uid", "cluster_id": "credential_uid"}))
    con.register("links_frame", links)
    con.register("pairs_frame", pairs)
    try:
        con.execute("create or replace table seed_clusters as select uid::varchar as uid, "
                    "credential_uid::varchar as credential_uid from clusters_frame")
        con.execute("create or replace table seed_links (credential_uid_l VARCHAR, credential_uid_r VARCHAR, "
                    "left_uid VARCHAR, right_uid VARCHAR, score DOUBLE, evidence VARCHAR)")
        if len(links):
            con.execute("insert into seed_links select cluster_id_l, cluster_id_r, left_id, right_id, score, "
                        "evidence from links_frame")
        con.execute("create or replace table seed_duplicate_pairs (left_uid VARCHAR, right_uid VARCHAR, "
                    "score DOUBLE, evidence VARCHAR)")
        if len(pairs):
            con.execute("insert into seed_duplicate_pairs select left_id, right_id, score, explanation from pairs_frame")
    finally:
        for name in ("clusters_frame", "links_frame", "pairs_frame"):
            con.unregister(name)
    stats = {k: v for k, v in result.stats.items() if not isinstance(v, (dict, list)) and k != "threshold"}
    stats["seconds"] = round(result.stats.get("seconds", {}).get("total", 0.0), 2)
    stats.update(key_stats)
    stats["merged_credentials"] = int(clusters.groupby("cluster_id").size().gt(1).sum()) if len(clusters) else 0
    return stats


def ids_stable(con: duckdb.DuckDBPyConnection, published_path: Path | None) -> tuple[bool, dict]:
    """A credential whose members are the same as in the published catalogue keeps its id. Reads this build's
    ``credential_sources`` (the matcher's result) against the published one, in one join by member inside
    DuckDB: a published and a built credential have the same members when they share as many as each has.
    The matcher is not run again."""
    none = True, {"compared": 0, "changed": 0, "examples": []}
    if not published_path or not Path(published_path).exists():
        return none
    literal = str(published_path).replace("'", "''")  # ATTACH takes no parameters; our own path, quoted
    con.execute(f"attach '{literal}' as ids_published (read_only)")
    try:
        try:
            rows = con.execute("""
                with p as (select uid, credential_uid as was, count(*) over (partition by credential_uid) as n
                           from ids_published.main.credential_sources),
                c as (select uid, credential_uid as now, count(*) over (partition by credential_uid) as n
                      from credential_sources)
                select was, now from p join c using (uid, n) group by was, now having count(*) = any_value(n)
                """).fetchall()
        except duckdb.CatalogException:
            return none
    finally:
        con.execute("detach ids_published")
    moved = sorted((w, n) for w, n in rows if w != n)
    examples = [{"was": w, "now": n, "members": [u for (u,) in con.execute(
        "select uid from credential_sources where credential_uid = ? order by uid limit 5", [n]).fetchall()]}
        for w, n in moved[:10]]
    return not moved, {"compared": len(rows), "changed": len(moved), "examples": examples}
