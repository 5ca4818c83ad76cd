"""Evaluate (and calibrate) the deduplication / record-linkage engine against ground truth.

Reads data in place from ``../shared/data`` (found upwards from the repository, or ``$CREDCAT_SHARED_DATA``):

* the re-listing development sets of :mod:`evaluation.relisting` (aggregator re-listings with siblings and
  within-source repeats; two scrapes of one catalogue), from both halves of the catalogues, each with and
  without URLs, through ``credcat dedupe --truth`` (pairwise and cluster P/R/F1; targets on the test half);
* ``mooc_catalogs/`` (Coursera, edX, Udemy listings; no licence, so never copied into the repository):
  labelled sets built from real listings and the drift real crawls show (pipeline.matching.synth), split by
  course into a calibration half and a test half; the real Coursera/edX title collisions; the real
  within-source title repeats.
* ``er_benchmarks/`` DBLP-ACM, Abt-Buy, Amazon-Google in link mode: weights fitted on train, threshold chosen
  on valid, F1 reported on test (the literature's fixed split), beside the published figures.

Usage::

    python -m evaluation.evaluate_dedupe              # print every figure
    python -m evaluation.evaluate_dedupe --drift-only --skip-er   # the re-listing sets only
    python -m evaluation.evaluate_dedupe --calibrate  # refit pipeline/matching/params/*.json, then evaluate
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation import relisting
from pipeline.matching import blocking, engine, scoring, synth
from pipeline.matching.cli import dedupe_files
from pipeline.matching.metrics import evaluate, evaluate_labels, evaluate_links, format_metrics
from pipeline.matching.scoring import PARAMS_DIR, MatchParams

PUBLISHED = {  # pairwise F1 on the fixed test split, from the issue
    "dblp_acm": {"Magellan": 98.4, "DeepMatcher": 98.4, "Ditto": 99.0},
    "abt_buy": {"Magellan": 43.6, "DeepMatcher": 62.8, "Ditto": 89.3},
    "amazon_google": {"Magellan": 49.1, "DeepMatcher": 69.3, "Ditto": 75.6},
}
# benchmark columns -> the matcher's standard columns (what each signal compares)
ER_COLUMNS = {
    "dblp_acm": {"title": "title", "organisation": "authors", "description": "venue", "level": "year"},
    "abt_buy": {"title": "name", "description": "description", "duration_hours": "price"},
    "amazon_google": {"title": "title", "organisation": "manufacturer", "duration_hours": "price"},
}


def _pairs_labels(keys_frame_len, rid_l, rid_r, labels):
    return np.asarray(labels)[rid_l] == np.asarray(labels)[rid_r]


def course_training_pairs(frame: pd.DataFrame, params: MatchParams, label: str = "course_id"):
    """Candidate pairs of a labelled set, their signals and labels (same ``label`` = match)."""
    std = engine.standardise(frame)
    m = engine.Matcher([std], params=params, skip_org_diff=True)
    l, r, _, _ = m.candidates(link_mode=False, max_block=blocking.DEFAULT_MAX_BLOCK)
    sig, _ = m.score(l, r)
    course = pd.factorize(frame[label])[0]
    m.close()
    # fit on the pairs the dedupe engine scores (different organisations are a cannot-link, never scored)
    keep = sig["scored"].to_numpy()
    return sig[keep].reset_index(drop=True), (course[l] == course[r])[keep]


def _training_sets(base: pd.DataFrame, seed: int) -> list[tuple[pd.DataFrame, str]]:
    """The labelled sets one calibration part contributes: re-listing drift and two scrapes (each with and
    without URLs; truth = offering) and the perturbed listings of pipeline.matching.synth (truth = course)."""
    out = []
    for f in (relisting.make_relisting_set(base, seed=seed), relisting.make_two_scrapes(base, seed=seed + 100)):
        out += [(f, "cluster_id"), (f.assign(url=None), "cluster_id")]
    out.append((synth.make_labelled_set(base, seed=seed), "course_id"))
    return out


def calibrate_course(base: pd.DataFrame) -> MatchParams:
    train_base, _ = synth.split_base(base)
    fit_base, thr_base = synth.split_base(train_base, seed=11)
    dummy = MatchParams(weights={}, intercept=0.0, threshold=0.5)

    def pairs(b, seed):
        parts = [course_training_pairs(f, dummy, label) for f, label in _training_sets(b, seed)]
        return (pd.concat([p[0] for p in parts], ignore_index=True), np.concatenate([p[1] for p in parts]))

    s1, y1 = pairs(fit_base, 1)
    s2, y2 = pairs(thr_base, 3)
    params = scoring.calibrate(s1, y1, threshold_signals=s2, threshold_labels=y2, meta={
        "trained_on": "mooc_catalogs calibration half (pipeline.matching.synth.split_base seed 7), split again "
                      "(seed 11): weights on one part (sets seed 1), the threshold on the other (sets seed 3); "
                      "sets: evaluation.relisting re-listing drift and two scrapes, each with and without URLs "
                      "(match = same offering), and synth.make_labelled_set (match = same course)",
        "fit_pairs": int(len(y1)), "fit_positives": int(y1.sum()), "threshold_pairs": int(len(y2)),
        # pairs of two different organisations are never scored in dedupe mode (cannot-link), so their weight
        # is not learned; link mode applies the same rule
        "org_diff_cannot_link": True,
    })
    return params


def load_er(name: str, data: Path):
    d = data / "er_benchmarks" / name
    a = pd.read_csv(d / "tableA.csv", dtype=str, keep_default_na=False)
    b = pd.read_csv(d / "tableB.csv", dtype=str, keep_default_na=False)
    splits = {s: pd.read_csv(d / f"{s}.csv") for s in ("train", "valid", "test")}
    return a, b, splits


def er_frames(name: str, a: pd.DataFrame, b: pd.DataFrame):
    cmap = ER_COLUMNS[name]
    out = []
    for t in (a, b):
        f = pd.DataFrame({"id": t["id"].astype(str)})
        for std, src in cmap.items():
            f[std] = t[src].replace("", None)
        if "organisation" not in f:
            f["organisation"] = None
        out.append(f)
    return out


def calibrate_er(name: str, data: Path) -> MatchParams:
    a, b, splits = load_er(name, data)
    fa, fb = er_frames(name, a, b)
    s_tr, _ = engine.score_pairs(fa, fb, splits["train"][["ltable_id", "rtable_id"]])
    s_va, _ = engine.score_pairs(fa, fb, splits["valid"][["ltable_id", "rtable_id"]])
    return scoring.calibrate(s_tr, splits["train"]["label"].to_numpy(), threshold_signals=s_va,
                             threshold_labels=splits["valid"]["label"].to_numpy(), meta={
                                 "trained_on": f"er_benchmarks/{name} train.csv (weights), valid.csv (threshold)",
                                 "columns": ER_COLUMNS[name]})


def eval_er(name: str, data: Path) -> dict:
    a, b, splits = load_er(name, data)
    fa, fb = er_frames(name, a, b)
    params = MatchParams.load(PARAMS_DIR / f"{name}.json")
    test = splits["test"]
    _, proba = engine.score_pairs(fa, fb, test[["ltable_id", "rtable_id"]], params=params)
    pred = proba >= params.threshold
    y = test["label"].to_numpy().astype(bool)
    tp, fp, fn = int((pred & y).sum()), int((pred & ~y).sum()), int((~pred & y).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    # full link mode: blocking over the whole tables, recall of every labelled match
    t0 = time.perf_counter()
    links = engine.link_frames(fa, fb, params=params, one_to_one=False)
    secs = time.perf_counter() - t0
    allpos = pd.concat([s[s["label"] == 1] for s in splits.values()])[["ltable_id", "rtable_id"]].astype(str)
    std_a, std_b = engine.standardise(fa), engine.standardise(fb)
    m = engine.Matcher([std_a, std_b], params=params)
    cl_, cr_, _, _ = m.candidates(link_mode=True, max_block=blocking.DEFAULT_MAX_BLOCK)
    cand = set(zip(m.ids[cl_].tolist(), m.ids[cr_].tolist()))
    m.con.close()
    found = sum((x, y2) in cand for x, y2 in zip(allpos["ltable_id"], allpos["rtable_id"]))
    full = evaluate_links(links[["left_id", "right_id"]], allpos)
    return {"test_precision": p, "test_recall": r, "test_f1": f, "threshold": params.threshold,
            "candidate_pairs": len(cand), "blocking_recall": found / len(allpos), "full_link": full,
            "full_link_seconds": secs}


def dedupe_and_score(frame: pd.DataFrame, name: str) -> None:
    """Dedupe a labelled set and print duplicate metrics, course-level (same_as) metrics and blocking recall."""
    dup = pd.factorize(frame["dup_id"])[0]
    t0 = time.perf_counter()
    res = engine.dedupe_frame(frame, truth=dup)
    secs = time.perf_counter() - t0
    truth = pd.DataFrame({"id": frame["id"].astype(str), "cluster_id": frame["dup_id"].astype(str)})
    m = evaluate(res.clusters, truth)
    print(format_metrics(f"  {name} [duplicates]", m))
    # course level: clusters joined by same_as links must equal the true courses
    cl = res.clusters
    codes, uniq = pd.factorize(cl["cluster_id"])
    pos = {c: i for i, c in enumerate(uniq)}
    if len(res.links):
        from pipeline.matching.cluster import connected_components
        comp = connected_components(len(uniq), np.array([pos[c] for c in res.links["cluster_id_l"]]),
                                    np.array([pos[c] for c in res.links["cluster_id_r"]]))
    else:
        comp = np.arange(len(uniq))
    course_pred = comp[codes]
    course_true = pd.factorize(frame.set_index(frame["id"].astype(str)).loc[cl["id"], "course_id"])[0]
    mc = evaluate_labels(course_pred, course_true)
    print(format_metrics(f"  {name} [courses: duplicates + same_as]", mc))
    s = res.stats
    print(f"  {name}: {s['records']} records, {s['candidate_pairs']} candidate pairs, blocking recall "
          f"{s['blocking_recall']:.4f} ({s['true_pairs_in_candidates']}/{s['true_pairs']}), "
          f"{s['same_as_links']} same_as links, {secs:.1f}s")


DRIFT_TARGETS = {"relisting": 0.98, "two_scrapes": 0.995}


def drift_sets(data: Path, halves=("calibration", "test")) -> list[str]:
    """Each re-listing development set, with and without URLs, through ``credcat dedupe --truth``; returns
    the targets missed."""
    short = []
    for half in halves:
        for name, frame in relisting.development_sets(data / "mooc_catalogs", half=half).items():
            f1 = {}
            for urls in (True, False):
                with tempfile.TemporaryDirectory() as d:
                    inp, truth = relisting.write_set(frame, Path(d), urls=urls)
                    t0 = time.perf_counter()
                    summary = dedupe_files([inp], Path(d) / "out.csv", truth=truth, progress=None)
                    secs = time.perf_counter() - t0
                m = summary["metrics"]
                label = f"{half} half, {name}, {'with' if urls else 'without'} URLs"
                print(format_metrics(f"  {label}", m) + f" | {summary['records']} records, {secs:.1f}s")
                f1[urls] = m["pairwise_f1"]
                if half == "test" and m["pairwise_f1"] < DRIFT_TARGETS[name]:
                    short.append(f"{label}: F1 {m['pairwise_f1']:.4f} < {DRIFT_TARGETS[name]}")
            if half == "test" and f1[True] < f1[False]:
                short.append(f"{half} half, {name}: worse with URLs ({f1[True]:.4f}) than without ({f1[False]:.4f})")
    return short


def real_cross_platform(base: pd.DataFrame) -> None:
    """The real Coursera/edX catalogues deduplicated together, unperturbed.

    Truth used: records with the same normalised title on both platforms are the same course when their
    institutions agree once "The" and case are ignored (a same_as link), and different courses otherwise
    ("Introduction to Psychology" at Yale and at Toronto). No record may be merged across platforms.
    """
    ce = base[base["platform"].isin(["coursera", "edx"])].reset_index(drop=True)
    res = engine.dedupe_frame(ce)
    from pipeline.matching.keys import norm_title

    def inst(s):
        return " ".join(w for w in norm_title(s).split() if w != "the")

    ce = ce.assign(tn=[norm_title(t) for t in ce["title"]], inst=[inst(o) for o in ce["organisation"]])
    c, e = ce[ce["platform"] == "coursera"], ce[ce["platform"] == "edx"]
    j = c.merge(e, on="tn", suffixes=("_c", "_e"))
    true_links = {(x, y) for x, y, a, b in zip(j["id_c"], j["id_e"], j["inst_c"], j["inst_e"]) if a == b}
    negatives = {(x, y) for x, y, a, b in zip(j["id_c"], j["id_e"], j["inst_c"], j["inst_e"]) if a != b}
    cid = dict(zip(res.clusters["id"], res.clusters["cluster_id"]))
    linked = set()
    for _, r in res.links.iterrows():
        linked.add((r["left_id"], r["right_id"]))
        linked.add((r["right_id"], r["left_id"]))
    cross_merged = sum(cid[x] == cid[y] for x, y in true_links | negatives)
    tl = sum((x, y) in linked for x, y in true_links)
    fl = sum((x, y) in linked for x, y in negatives)
    print(f"  real coursera+edx ({len(ce)} listings): same-title pairs {len(j)}: same institution {len(true_links)} "
          f"-> same_as linked {tl}/{len(true_links)}; different institution {len(negatives)} -> linked {fl}, "
          f"merged across platforms {cross_merged}; largest cluster {res.stats['largest_cluster']}")


def within_source_repeats(base: pd.DataFrame) -> None:
    """Real title repeats inside one source (mostly Udemy: two instructors' courses with one title).

    Truth used: each listing with its own id and URL is its own course; a merge is a false merge."""
    from pipeline.matching.keys import norm_title
    b = base.assign(tn=[norm_title(t) for t in base["title"]])
    rep = b[b.duplicated(["platform", "tn"], keep=False)]
    res = engine.dedupe_frame(base)
    cid = dict(zip(res.clusters["id"], res.clusters["cluster_id"]))
    merged = 0
    groups = 0
    for _, g in rep.groupby(["platform", "tn"]):
        groups += 1
        merged += len({cid[i] for i in g["id"]}) == 1
    print(f"  real within-source title repeats: {groups} groups ({len(rep)} listings with distinct ids and URLs; "
          f"truth: different courses, e.g. two Udemy instructors): merged {merged}, kept apart {groups - merged}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calibrate", action="store_true", help="refit the parameter files before evaluating")
    ap.add_argument("--skip-er", action="store_true")
    ap.add_argument("--drift-only", action="store_true", help="only the re-listing development sets")
    args = ap.parse_args(argv)
    data = synth.shared_data_dir()
    if data is None:
        print("shared data (../shared/data) not found; set CREDCAT_SHARED_DATA", file=sys.stderr)
        return 2
    base = synth.load_mooc_listings(data / "mooc_catalogs")
    if args.calibrate:
        p = calibrate_course(base)
        p.save(PARAMS_DIR / "course.json")
        print(f"calibrated course.json: threshold {p.threshold} (F1 {p.meta['threshold_f1']} on held-out pairs)")
        if not args.skip_er:
            for name in ER_COLUMNS:
                p = calibrate_er(name, data)
                p.save(PARAMS_DIR / f"{name}.json")
                print(f"calibrated {name}.json: threshold {p.threshold} (valid F1 {p.meta['threshold_f1']})")

    print("== Re-listing drift (evaluation.relisting, generated from mooc_catalogs; credcat dedupe --truth)")
    short = drift_sets(data)
    print("   targets (test half): " + ("all met" if not short else "SHORT: " + "; ".join(short)))
    if args.drift_only:
        return 0
    print("== Course data (mooc_catalogs; calibration half never used below)")
    _, test_base = synth.split_base(base)
    for seed in (2, 5):
        dedupe_and_score(synth.make_labelled_set(test_base, seed=seed), f"perturbed test set seed {seed}")
    real_cross_platform(base)
    within_source_repeats(base)

    if not args.skip_er:
        print("== ER benchmarks in link mode (weights: train, threshold: valid, figures: test)")
        for name in ER_COLUMNS:
            r = eval_er(name, data)
            pub = ", ".join(f"{k} {v}" for k, v in PUBLISHED[name].items())
            target = " (target >= 97.0: " + ("met" if r["test_f1"] >= 0.97 else "NOT met") + ")" if name == "dblp_acm" else ""
            print(f"  {name}: test P={r['test_precision']:.4f} R={r['test_recall']:.4f} F1={100 * r['test_f1']:.1f}"
                  f"{target} | published F1: {pub}")
            fl = r["full_link"]
            print(f"    full link mode over both tables: {r['candidate_pairs']} candidate pairs, blocking recall "
                  f"{r['blocking_recall']:.4f} of all labelled matches, links P={fl['precision']:.4f} "
                  f"R={fl['recall']:.4f} F1={fl['f1']:.4f} vs all labelled matches, {r['full_link_seconds']:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
