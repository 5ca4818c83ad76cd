"""Entity resolution inside a refresh: listings -> merged credentials, their member sources, same_as links.

The matcher (``pipeline.matching``) decides which listings are the same offering (duplicates: merged) and which
are the same course elsewhere (same_as: linked). This module is the registry's ``match_listings`` step: it feeds the matcher
the built ``listings``, carries cluster ids over from the published catalogue so a credential keeps its id when
its membership changes a little, and writes the matcher's result (``seed_clusters``, ``seed_links``,
``seed_duplicate_pairs``) that the SQL models ``credentials``, ``credential_sources`` and ``credential_links``
shape.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

MAX_CLUSTER_SIZE = 50
MATCH_COLUMNS = "uid as id, title, organisation, platform, url, description, duration_hours, level, language"


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
    sizes = clusters.groupby("cluster_id")["id"].transform("size")
    inherited = set(previous["cluster_id"]) if previous is not None else set()
    out = clusters.copy()
    single_new = (sizes == 1) & ~out["cluster_id"].isin(inherited)
    out.loc[single_new, "cluster_id"] = out.loc[single_new, "id"]
    if out["cluster_id"].nunique() != clusters["cluster_id"].nunique():
        return clusters  # a readable id would collide with another credential's id: keep the matcher's
    return out


def match_inputs() -> list[str]:
    """The columns of ``listings`` the matcher reads (from MATCH_COLUMNS)."""
    return [part.split(" as ")[0].strip() for part in MATCH_COLUMNS.split(",")]


def dedupe_listings(con: duckdb.DuckDBPyConnection, previous: pd.DataFrame | None = None, reused: dict | None = None):
    """Run the matcher per credential type: an exam and the course that prepares for it share a title and an
    organisation but are different offerings, so only listings of the same type can be duplicates.

    ``reused`` (type -> (clusters, links, pairs), pipeline.reuse) holds the published result of the types
    none of whose listings changed: the matcher does not run for them (it would give the same result)."""
    from pipeline.matching.engine import DedupeResult, dedupe_frame

    frame = con.execute(f"select {MATCH_COLUMNS}, credential_type from listings order by uid").df()
    parts = []
    for ctype, group in frame.groupby("credential_type", sort=True):
        if reused and ctype in reused:
            parts.append(DedupeResult(*reused[ctype], {"reused_listings": len(group)}))
            continue
        ids = set(group["id"])
        prev = previous[previous["id"].isin(ids)] if previous is not None else None
        parts.append(dedupe_frame(group.drop(columns="credential_type").reset_index(drop=True), prev,
                                  max_cluster_size=MAX_CLUSTER_SIZE, workers=2))
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


def match(con: duckdb.DuckDBPyConnection, published_path: Path | None = None) -> dict:
    """Cluster the built ``listings`` and write the matcher's result tables in ``con``; returns its stats."""
    from pipeline import reuse

    previous = previous_membership(published_path)
    result = dedupe_listings(con, previous, reuse.unchanged_match_groups(con, published_path, match_inputs()))
    clusters = readable_ids(result.clusters, previous)
    remap = dict(zip(result.clusters["cluster_id"], clusters["cluster_id"])) if len(clusters) else {}
    links = result.links.copy()
    for side in ("cluster_id_l", "cluster_id_r"):
        links[side] = links[side].map(lambda c: remap.get(c, c))
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
    stats["merged_credentials"] = int(clusters.groupby("cluster_id").size().gt(1).sum()) if len(clusters) else 0
    return stats


def ids_stable(con: duckdb.DuckDBPyConnection, published_path: Path | None) -> tuple[bool, dict]:
    """A credential whose members are the same as in the published catalogue keeps its id. Reads this build's
    ``credential_sources`` (the matcher's result) against the published one; the matcher is not run again."""
    previous = previous_membership(published_path)
    if previous is None or previous.empty:
        return True, {"compared": 0, "changed": 0, "examples": []}
    current = con.execute("select uid as id, credential_uid as cluster_id from credential_sources").df()
    now = {frozenset(g["id"]): cid for cid, g in current.groupby("cluster_id")}
    compared, changed = 0, []
    for cid, g in previous.groupby("cluster_id"):
        members = frozenset(g["id"])
        if members in now:
            compared += 1
            if now[members] != cid:
                changed.append({"was": cid, "now": now[members], "members": sorted(members)[:5]})
    return not changed, {"compared": compared, "changed": len(changed), "examples": changed[:10]}
