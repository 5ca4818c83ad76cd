"""Entity resolution inside a refresh: listings -> merged credentials, their member sources, same_as links.

The matcher (``pipeline.matching``) decides which listings are the same offering (duplicates: merged) and which
are the same course elsewhere (same_as: linked). This module feeds it the built ``listings``, carries cluster
ids over from the published catalogue so a credential keeps its id when its membership changes a little, and
runs the SQL models that shape ``credentials``, ``credential_sources`` and ``credential_links``.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from pipeline import warehouse

MAX_CLUSTER_SIZE = 50
RESOLVED_MODELS = ("credentials", "credential_sources", "credential_links")
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


def dedupe_listings(con: duckdb.DuckDBPyConnection, previous: pd.DataFrame | None = None):
    """Run the matcher per credential type: an exam and the course that prepares for it share a title and an
    organisation but are different offerings, so only listings of the same type can be duplicates."""
    from pipeline.matching.engine import DedupeResult, dedupe_frame

    frame = con.execute(f"select {MATCH_COLUMNS}, credential_type from listings order by uid").df()
    parts = []
    for _ctype, group in frame.groupby("credential_type", sort=True):
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


def resolve(con: duckdb.DuckDBPyConnection, published_path: Path | None = None) -> dict:
    """Cluster the built ``listings`` and materialise the resolved marts in ``con``; returns the matcher's stats."""
    previous = previous_membership(published_path)
    result = dedupe_listings(con, previous)
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
    warehouse.run_named(con, RESOLVED_MODELS)
    stats = {k: v for k, v in result.stats.items() if not isinstance(v, (dict, list)) and k != "threshold"}
    stats["seconds"] = round(result.stats.get("seconds", {}).get("total", 0.0), 2)
    stats["merged_credentials"] = int(con.execute(
        "select count(*) from credentials where member_count > 1").fetchone()[0])
    return stats


def ids_stable(con: duckdb.DuckDBPyConnection) -> tuple[bool, dict]:
    """Run the matcher again on the same listings with this build's membership as history: every listing
    must land in a credential with the same id."""
    membership = con.execute("select uid as id, credential_uid as cluster_id from credential_sources").df()
    again = dedupe_listings(con, membership)
    again_ids = readable_ids(again.clusters, membership)
    merged = membership.merge(again_ids, on="id", suffixes=("", "_again"))
    changed = merged[merged["cluster_id"] != merged["cluster_id_again"]]
    return changed.empty, {"records": int(len(membership)), "changed": int(len(changed)),
                           "examples": changed.head(10).to_dict("records")}
