"""Clustering that cannot chain, and cluster ids that survive nightly refreshes.

Pairs above the threshold form a graph. Plain connected components would let a chain A~B~C~...~Z of
pairwise-similar records swallow unrelated records into one giant cluster. Instead:

1. connected components of the strong edges are computed with numpy (label propagation);
2. a component whose strong edges form a clique of at most ``max_size`` records is one cluster;
3. any other component is resolved by average-linkage agglomeration: every pair inside the component is
   scored (pairs that blocking did not propose are scored now), and two clusters merge, strongest edge first,
   only if the *average* probability over all pairs between them reaches the threshold, no pair between
   them is a cannot-link (different organisation, conflicting runs), and the result stays within
   ``max_size``. A chain fails the average test at its second link.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
import pandas as pd

CANNOT_LINK = -1e6


def connected_components(n: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Component label (smallest member index) per node, by min-label propagation with pointer jumping."""
    labels = np.arange(n, dtype=np.int64)
    if len(src) == 0:
        return labels
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    while True:
        m = np.minimum(labels[src], labels[dst])
        new = labels.copy()
        np.minimum.at(new, src, m)
        np.minimum.at(new, dst, m)
        # pointer jumping: follow labels to their roots
        while True:
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, labels):
            return labels
        labels = new


def constrained_clusters(
    n: int,
    pair_l: np.ndarray,
    pair_r: np.ndarray,
    proba: np.ndarray,
    threshold: float,
    *,
    strong_mask: np.ndarray | None = None,
    cannot_link: np.ndarray | None = None,
    max_size: int = 50,
    score_missing: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None,
    complete_limit: int = 200,
) -> tuple[np.ndarray, dict]:
    """Cluster label per record (0..n-1) and statistics.

    ``strong_mask`` marks the pairs allowed to merge (above threshold and eligible as duplicates);
    ``cannot_link`` marks pairs that must never end up in one cluster. ``score_missing(l, r)`` returns
    (probability, cannot_link) for pairs inside a component that blocking did not propose; components larger
    than ``complete_limit`` are not completed (missing pairs count as probability 0).
    """
    pair_l = np.asarray(pair_l, dtype=np.int64)
    pair_r = np.asarray(pair_r, dtype=np.int64)
    proba = np.asarray(proba, dtype=np.float64)
    if strong_mask is None:
        strong_mask = proba >= threshold
    if cannot_link is None:
        cannot_link = np.zeros(len(proba), dtype=bool)
    strong = strong_mask & ~cannot_link
    sl, sr = pair_l[strong], pair_r[strong]
    comp = connected_components(n, sl, sr)
    labels = comp.copy()
    stats = {"components_resolved": 0, "pairs_completed": 0, "merges_refused_avg": 0, "merges_refused_size": 0,
             "merges_refused_cannot_link": 0}

    sizes = np.bincount(comp, minlength=n)
    # strong edges per component; a clique of acceptable size needs no further work
    edge_comp = comp[sl]
    edges_per_comp = np.bincount(edge_comp, minlength=n)
    need = (sizes >= 3) & ((edges_per_comp != sizes * (sizes - 1) // 2) | (sizes > max_size))
    hard = np.flatnonzero(need)
    if len(hard) == 0:
        return labels, stats
    stats["components_resolved"] = int(len(hard))

    # all known pairs inside hard components
    in_hard = need[comp[pair_l]] & (comp[pair_l] == comp[pair_r])
    hl, hr, hp = pair_l[in_hard], pair_r[in_hard], proba[in_hard].copy()
    hp[cannot_link[in_hard]] = CANNOT_LINK
    hs = strong[in_hard]

    # complete the missing pairs of components up to complete_limit
    members = np.flatnonzero(need[comp])
    order = np.argsort(comp[members], kind="stable")
    members = members[order]
    mcomp = comp[members]
    bounds = np.flatnonzero(np.diff(mcomp)) + 1
    groups = np.split(members, bounds)
    if score_missing is not None:
        known = set(zip(hl.tolist(), hr.tolist()))
        add_l, add_r = [], []
        for g in groups:
            if len(g) > complete_limit:
                continue
            g = np.sort(g)
            for i in range(len(g)):
                for j in range(i + 1, len(g)):
                    a, b = int(g[i]), int(g[j])
                    if (a, b) not in known and (b, a) not in known:
                        add_l.append(a)
                        add_r.append(b)
        if add_l:
            al, ar = np.array(add_l, dtype=np.int64), np.array(add_r, dtype=np.int64)
            ap, acl = score_missing(al, ar)
            ap = np.asarray(ap, dtype=np.float64).copy()
            ap[np.asarray(acl, dtype=bool)] = CANNOT_LINK
            hl, hr, hp = np.concatenate([hl, al]), np.concatenate([hr, ar]), np.concatenate([hp, ap])
            hs = np.concatenate([hs, np.zeros(len(al), dtype=bool)])
            stats["pairs_completed"] = int(len(al))

    # average-linkage agglomeration per component, strongest strong edge first
    by_comp: dict[int, list[int]] = {}
    for idx, c in enumerate(comp[hl].tolist()):
        by_comp.setdefault(c, []).append(idx)
    for idxs in by_comp.values():
        idxs = np.asarray(idxs)
        parent: dict[int, int] = {}
        size: dict[int, int] = {}
        nb: dict[int, dict[int, float]] = {}
        for k in idxs.tolist():
            a, b, p = int(hl[k]), int(hr[k]), float(hp[k])
            for x in (a, b):
                if x not in parent:
                    parent[x], size[x], nb[x] = x, 1, {}
            nb[a][b] = nb[a].get(b, 0.0) + p
            nb[b][a] = nb[b].get(a, 0.0) + p
        strong_idx = idxs[hs[idxs]]
        strong_idx = strong_idx[np.argsort(-hp[strong_idx], kind="stable")]

        def find(x, parent=parent):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for k in strong_idx.tolist():
            ra, rb = find(int(hl[k])), find(int(hr[k]))
            if ra == rb:
                continue
            total = nb[ra].get(rb, 0.0)
            if total <= CANNOT_LINK / 2:
                stats["merges_refused_cannot_link"] += 1
                continue
            if size[ra] + size[rb] > max_size:
                stats["merges_refused_size"] += 1
                continue
            if total / (size[ra] * size[rb]) < threshold:
                stats["merges_refused_avg"] += 1
                continue
            if size[ra] < size[rb]:
                ra, rb = rb, ra
            parent[rb] = ra
            size[ra] += size[rb]
            for other, s in nb.pop(rb).items():
                if other == ra:
                    continue
                nb[ra][other] = nb[ra].get(other, 0.0) + s
                d = nb[other]
                d[ra] = d.get(ra, 0.0) + d.pop(rb)
            nb[ra].pop(rb, None)
        for x in parent:
            labels[x] = find(x)
    return labels, stats


def _new_id(member: str, salt: int = 0) -> str:
    h = hashlib.sha256(f"{member}#{salt}".encode()).hexdigest()[:16]
    return f"cred_{h}"


def assign_cluster_ids(ids: pd.Series | np.ndarray, labels: np.ndarray,
                       previous_membership: pd.DataFrame | None = None) -> np.ndarray:
    """Stable cluster ids.

    Without history, a cluster's id derives from its smallest member id (so two runs on the same input give the
    same ids). With ``previous_membership`` (columns ``id``, ``cluster_id``: last run's members), each new
    cluster inherits the previous id it shares the most members with; an id is inherited by one cluster only
    (the one with the largest overlap, ties to the smaller previous id), so a cluster that gains or loses a few
    members keeps its id, and a split leaves the id with the larger part.
    """
    ids = pd.Series(np.asarray(ids, dtype=object), name="id")
    frame = pd.DataFrame({"id": ids.astype(str).to_numpy(dtype=object), "label": np.asarray(labels)})
    anchors = frame.groupby("label", sort=False)["id"].min()
    result: dict = {}
    used: set[str] = set()
    if previous_membership is not None and len(previous_membership):
        prev = pd.DataFrame({"id": previous_membership["id"].astype(str).to_numpy(dtype=object),
                             "prev": previous_membership["cluster_id"].astype(str).to_numpy(dtype=object)})
        joined = frame.merge(prev, on="id", how="inner")
        if len(joined):
            overlap = joined.groupby(["label", "prev"], sort=False).size().reset_index(name="n")
            overlap = overlap.sort_values(["n", "prev", "label"], ascending=[False, True, True], kind="stable")
            for label, prev_id in zip(overlap["label"].tolist(), overlap["prev"].tolist()):
                if label in result or prev_id in used:
                    continue
                result[label] = prev_id
                used.add(prev_id)
        prev_ids = set(prev["prev"].tolist())
    else:
        prev_ids = set()
    labels_all = anchors.index.to_numpy()
    members = anchors.to_numpy(dtype=object)
    todo = np.array([lab not in result for lab in labels_all.tolist()], dtype=bool)
    new_ids = _new_ids(members[todo])
    taken = used | prev_ids
    for lab, member, cid in zip(labels_all[todo].tolist(), members[todo].tolist(), new_ids):
        salt = 0
        while cid in taken:
            salt += 1
            cid = _new_id(member, salt)
        result[lab] = cid
        taken.add(cid)
    out = pd.Series(np.asarray(labels)).map(result)
    return out.to_numpy(dtype=object)


def _new_ids(members: np.ndarray) -> list[str]:
    """Ids for new clusters from their smallest member id (hashed in DuckDB: fast at a million clusters)."""
    if len(members) == 0:
        return []
    import duckdb

    con = duckdb.connect()
    frame = pd.DataFrame({"m": pd.Series(members, dtype=object), "i": np.arange(len(members))})
    con.register("members", frame)
    ids = con.execute("select 'cred_' || left(sha256(m || '#0'), 16) from members order by i").fetchnumpy()
    con.close()
    return list(np.asarray(list(ids.values())[0], dtype=object))

