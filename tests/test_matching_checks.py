"""Each check passes on good data and fails on data that must fail it."""

import itertools

import pandas as pd

from pipeline.matching import dedupe_frame
from pipeline.matching.checks import check_cluster_size, check_one_cluster_per_record, check_stable_ids


def test_cluster_size_check():
    good = pd.DataFrame({"id": list("abc"), "cluster_id": ["x", "x", "y"]})
    assert check_cluster_size(good, 2)[0]
    ok, meta = check_cluster_size(good, 1)
    assert not ok and meta["largest_cluster"] == 2


def test_one_cluster_per_record_check():
    records = pd.DataFrame({"id": ["a", "b"]})
    assert check_one_cluster_per_record(records, pd.DataFrame({"id": ["a", "b"], "cluster_id": ["x", "y"]}))[0]
    assert not check_one_cluster_per_record(records, pd.DataFrame({"id": ["a"], "cluster_id": ["x"]}))[0]
    assert not check_one_cluster_per_record(records, pd.DataFrame({"id": ["a", "a", "b"], "cluster_id": ["x", "y", "y"]}))[0]
    assert not check_one_cluster_per_record(records, pd.DataFrame({"id": ["a", "b", "z"], "cluster_id": ["x", "y", "y"]}))[0]


def test_stable_ids_check():
    df = pd.DataFrame({"id": ["1", "2"], "title": ["Machine Learning", "MACHINE LEARNING"],
                       "provider": ["Stanford", "Stanford"]})
    assert check_stable_ids(lambda: dedupe_frame(df).clusters)[0]
    counter = itertools.count()
    unstable = lambda: pd.DataFrame({"id": ["1"], "cluster_id": [f"c{next(counter)}"]})  # noqa: E731
    assert not check_stable_ids(unstable)[0]
