"""The re-listing development sets: structure and truth (a tiny built-in base; runs without ../shared/data)."""

import pandas as pd

from evaluation import relisting
from pipeline.matching.cli import dedupe_files

BASE = pd.DataFrame([
    {"id": f"edx:{i}", "title": t, "organisation": o, "platform": p, "url": u, "description": d,
     "duration_hours": h, "level": None, "language": "en"}
    for i, (t, o, p, u, d, h) in enumerate([
        ("Fundamentals of Neuroscience, Part 1: The Electrical Properties of the Neuron", "Harvard University", "edx",
         "https://www.edx.org/course/fundamentals-of-neuroscience-part-1", "Neurons and their electricity.", 20.0),
        ("Learn Photoshop for Design: 100% Practical Projects", None, "udemy",
         "https://www.udemy.com/learn-photoshop-for-design/", None, 6.0),
        ("Machine Learning", "Stanford University", "coursera", "https://www.coursera.org/learn/machine-learning", None, None),
        ("Spanish for Beginners", None, "udemy", "https://www.udemy.com/spanish-for-beginners/", None, 3.0),
        ("Learn PHP from Scratch", None, "udemy", "https://www.udemy.com/learn-php/", None, 2.0),
        ("Learn PHP from Scratch", None, "udemy", "https://www.udemy.com/learn-php-1/", None, 9.0),
    ] * 1)
])


def test_relisting_set_truth():
    f = relisting.make_relisting_set(BASE, seed=3, relist_rate=1.0, sibling_rate=1.0)
    assert set(BASE["id"]) <= set(f["id"])
    # a re-listing belongs to its source listing's offering; a sibling is another offering
    for _, r in f.iterrows():
        src = r["id"].split("~")[0]
        if "~agg" in r["id"] and "~sib" not in r["id"]:
            assert r["cluster_id"] == src
        if r["id"].endswith("~sib"):
            assert r["cluster_id"] == r["id"]
    assert f["id"].is_unique and (f["id"].str.contains("~agg")).any()


def test_two_scrapes_and_indistinguishable_listings_left_out():
    base = relisting.distinguishable(BASE)
    assert "Learn PHP from Scratch" not in set(base["title"])  # two courses nothing but the URL tells apart
    f = relisting.make_two_scrapes(base, seed=1)
    assert set(f["cluster_id"]) == set(base["id"])
    assert f.groupby("cluster_id").size().max() == 2
    assert set(f["id"].str[:2]) <= {"A:", "B:"}


def test_sets_run_through_the_cli_with_and_without_urls(tmp_path):
    f = relisting.make_relisting_set(relisting.distinguishable(BASE), seed=5, relist_rate=1.0)
    for urls in (True, False):
        inp, truth = relisting.write_set(f, tmp_path / str(urls), urls=urls)
        assert ("url" in pd.read_csv(inp).columns) is urls
        summary = dedupe_files([inp], tmp_path / f"out{urls}.csv", truth=truth, progress=None)
        assert summary["records"] == len(f) and 0.0 <= summary["metrics"]["pairwise_f1"] <= 1.0
