"""Pairwise metrics from contingency counts equal brute-force pair counting."""

import itertools

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.matching.blocking import blocking_recall
from pipeline.matching.metrics import evaluate, evaluate_labels


def brute(pred, true):
    n = len(pred)
    pp = {(i, j) for i, j in itertools.combinations(range(n), 2) if pred[i] == pred[j]}
    tp = {(i, j) for i, j in itertools.combinations(range(n), 2) if true[i] == true[j]}
    return len(pp & tp), len(pp), len(tp)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=1, max_size=40))
def test_contingency_counts_equal_brute_force(labels):
    pred = np.array([a for a, _ in labels])
    true = np.array([b for _, b in labels])
    m = evaluate_labels(pred, true)
    tp, npred, ntrue = brute(pred, true)
    assert (m["true_positive_pairs"], m["predicted_pairs"], m["true_pairs"]) == (tp, npred, ntrue)
    if npred:
        assert abs(m["pairwise_precision"] - tp / npred) < 1e-12
    # exact cluster matches, brute force
    pc = {}
    tc = {}
    for i, (a, b) in enumerate(zip(pred, true)):
        pc.setdefault(a, set()).add(i)
        tc.setdefault(b, set()).add(i)
    exact = sum(1 for s in pc.values() if s in tc.values())
    assert m["exact_clusters"] == exact


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=2, max_size=30), st.data())
def test_blocking_recall_counts_true_pairs(true, data):
    true = np.array(true)
    n = len(true)
    all_pairs = list(itertools.combinations(range(n), 2))
    chosen = data.draw(st.lists(st.sampled_from(all_pairs), unique=True, max_size=len(all_pairs)))
    l = np.array([a for a, _ in chosen], dtype=np.int64)
    r = np.array([b for _, b in chosen], dtype=np.int64)
    rec, found, total = blocking_recall(l, r, true)
    assert found == sum(true[a] == true[b] for a, b in chosen)
    assert total == sum(true[a] == true[b] for a, b in all_pairs)


def test_evaluate_frames_with_missing_ids_as_singletons():
    pred = pd.DataFrame({"id": ["a", "b", "c"], "cluster_id": ["x", "x", "y"]})
    truth = pd.DataFrame({"id": ["a", "b", "c", "d"], "cluster_id": ["1", "1", "2", "2"]})
    m = evaluate(pred, truth)
    assert m["true_positive_pairs"] == 1 and m["predicted_pairs"] == 1 and m["true_pairs"] == 2
    assert m["largest_predicted_cluster"] == 2
