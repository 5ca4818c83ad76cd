"""Plain check functions for the dedup asset's Dagster checks (the Dagster layer only wraps them).

Each returns (passed, metadata). tests/test_matching_checks.py feeds each one data that must fail it.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd


def check_cluster_size(clusters: pd.DataFrame, max_size: int = 50) -> tuple[bool, dict]:
    """No cluster has more than ``max_size`` members."""
    sizes = clusters.groupby("cluster_id").size()
    largest = int(sizes.max()) if len(sizes) else 0
    over = sizes[sizes > max_size]
    return len(over) == 0, {"largest_cluster": largest, "max_size": max_size,
                            "clusters_over_bound": int(len(over)), "examples": over.index[:5].tolist()}


def check_one_cluster_per_record(records: pd.DataFrame, clusters: pd.DataFrame, id_col: str = "id") -> tuple[bool, dict]:
    """Every source record is in exactly one cluster, and every clustered id is a source record."""
    ids = records[id_col].astype(str)
    counts = clusters["id"].astype(str).value_counts()
    missing = sorted(set(ids) - set(counts.index))
    multiple = counts[counts > 1].index.tolist()
    unknown = sorted(set(counts.index) - set(ids))
    ok = not missing and not multiple and not unknown
    return ok, {"records": int(len(ids)), "missing": len(missing), "in_several_clusters": len(multiple),
                "unknown_ids": len(unknown), "examples": (missing + multiple + unknown)[:5]}


def check_stable_ids(run: Callable[[], pd.DataFrame]) -> tuple[bool, dict]:
    """Two runs on the same input give the same cluster id to every record. ``run`` returns (id, cluster_id)."""
    a = run().set_index("id")["cluster_id"]
    b = run().set_index("id")["cluster_id"].reindex(a.index)
    changed = a.index[(a != b).to_numpy()].tolist()
    return not changed, {"records": int(len(a)), "changed": len(changed), "examples": changed[:5]}
