"""Evaluation metrics computed from cluster contingency counts, never by listing pairs.

Pairwise: a pair of records is predicted (same predicted cluster) and/or true (same true cluster).
With n_ij records in predicted cluster i and true cluster j, a_i = sum_j n_ij and b_j = sum_i n_ij:
TP = sum C(n_ij, 2), predicted pairs = sum C(a_i, 2), true pairs = sum C(b_j, 2). Linear in the records.

Cluster level: a predicted cluster is correct when it equals a true cluster exactly (n_ij = a_i = b_j);
precision = correct / predicted clusters, recall = correct / true clusters (singletons included).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _c2(x: np.ndarray) -> int:
    x = np.asarray(x, dtype=np.int64)
    return int((x * (x - 1) // 2).sum())


def _prf(tp: int, pred: int, true: int) -> tuple[float, float, float]:
    p = tp / pred if pred else 1.0
    r = tp / true if true else 1.0
    f = 2 * p * r / (p + r) if (p + r) else 0.0
    return p, r, f


def evaluate(pred: pd.DataFrame, truth: pd.DataFrame) -> dict:
    """Pairwise and cluster precision/recall/F1 of a clustering.

    ``pred`` and ``truth`` have columns ``id`` and ``cluster_id``. Records present in only one of them count
    as singletons on the other side.
    """
    p = pred[["id", "cluster_id"]].astype({"id": str, "cluster_id": str}).rename(columns={"cluster_id": "p"})
    t = truth[["id", "cluster_id"]].astype({"id": str, "cluster_id": str}).rename(columns={"cluster_id": "t"})
    m = p.merge(t, on="id", how="outer")
    m["p"] = m["p"].fillna("__single_p__" + m["id"])
    m["t"] = m["t"].fillna("__single_t__" + m["id"])
    pc, _ = pd.factorize(m["p"])
    tc, _ = pd.factorize(m["t"])
    return evaluate_labels(pc, tc)


def evaluate_labels(pred_labels: np.ndarray, true_labels: np.ndarray) -> dict:
    """As :func:`evaluate`, for two aligned integer label arrays."""
    pl = np.asarray(pred_labels, dtype=np.int64)
    tl = np.asarray(true_labels, dtype=np.int64)
    joint = pl * (int(tl.max()) + 1 if len(tl) else 1) + tl
    _, nij = np.unique(joint, return_counts=True)
    pu, a = np.unique(pl, return_counts=True)
    tu, b = np.unique(tl, return_counts=True)
    tp, npred, ntrue = _c2(nij), _c2(a), _c2(b)
    pp, pr, pf = _prf(tp, npred, ntrue)
    # exact cluster matches: a cell whose count equals both its row and its column total
    cells = pd.DataFrame({"p": pl, "t": tl}).groupby(["p", "t"], sort=False).size().reset_index(name="n")
    asize = pd.Series(a, index=pu)
    bsize = pd.Series(b, index=tu)
    exact = int(((cells["n"].to_numpy() == asize.loc[cells["p"]].to_numpy())
                 & (cells["n"].to_numpy() == bsize.loc[cells["t"]].to_numpy())).sum())
    cp, cr, cf = _prf(exact, len(pu), len(tu))
    return {
        "pairwise_precision": pp, "pairwise_recall": pr, "pairwise_f1": pf,
        "true_positive_pairs": tp, "predicted_pairs": npred, "true_pairs": ntrue,
        "cluster_precision": cp, "cluster_recall": cr, "cluster_f1": cf,
        "exact_clusters": exact, "predicted_clusters": int(len(pu)), "true_clusters": int(len(tu)),
        "largest_predicted_cluster": int(a.max()) if len(a) else 0,
        "largest_true_cluster": int(b.max()) if len(b) else 0,
    }


def evaluate_links(pred_pairs: pd.DataFrame, true_pairs: pd.DataFrame) -> dict:
    """Precision/recall/F1 of predicted (left_id, right_id) links against true links (unordered for dedupe)."""
    def norm(df):
        a = df.iloc[:, 0].astype(str).to_numpy(dtype=object)
        b = df.iloc[:, 1].astype(str).to_numpy(dtype=object)
        return set(zip(a.tolist(), b.tolist()))
    p, t = norm(pred_pairs), norm(true_pairs)
    tp = len(p & t)
    pp, pr, pf = _prf(tp, len(p), len(t))
    return {"precision": pp, "recall": pr, "f1": pf, "true_positive_pairs": tp, "predicted_pairs": len(p),
            "true_pairs": len(t)}


def format_metrics(name: str, m: dict) -> str:
    if "pairwise_f1" in m:
        return (f"{name}: pairwise P={m['pairwise_precision']:.4f} R={m['pairwise_recall']:.4f} "
                f"F1={m['pairwise_f1']:.4f} | cluster P={m['cluster_precision']:.4f} R={m['cluster_recall']:.4f} "
                f"F1={m['cluster_f1']:.4f} | largest predicted cluster {m['largest_predicted_cluster']} "
                f"vs largest true {m['largest_true_cluster']}")
    return f"{name}: P={m['precision']:.4f} R={m['recall']:.4f} F1={m['f1']:.4f} ({m['true_positive_pairs']}/{m['predicted_pairs']} predicted, {m['true_pairs']} true)"
