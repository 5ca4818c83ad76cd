"""Measure the skill mapper against labelled (raw string, framework) pairs; fit its scorer on the tuning set.

Each row is one (raw string, framework) pair drawn from real published skill tags, with the concept(s) a
careful human would accept (``|``-separated skill_ids) or NONE when the framework has nothing that fits, and
the kind of string:

    exact       the string is a concept's preferred label
    synonym     an alternative label, or the same words in another form ("Active Listening")
    paraphrase  other words for a concept ("Data-driven Decision Making")
    product     a product standing for a skill ("Tableau", "Power BI")
    broad       a field or subject that only a broader concept covers ("Computer Science")
    not_skill   a string that names no skill (a course title, "Success")
    false_friend  a string whose short or everyday word is also a product or acronym ("First Aid",
                "Power Apps", "Spark"): a match on that word alone is a false-friend match

    precision = correct predictions / all predictions; recall = correct predictions / pairs with a concept

Two label sets (columns raw, framework, expected, expected_label, kind, source):

    skill_mapping_labels.csv   the TUNING set: the rules were developed and the scorer fitted (``--fit``) on it,
                               so it is optimistic. It holds the earlier sessions' held-out rows too (marked in
                               ``source``): once looked at, a held-out row is tuning data.
    skill_mapping_heldout.csv  the HELD-OUT set: labelled by someone who never ran the mapper, merged only after
                               the mapper was frozen (commit "skills: freeze mapper"); never tuned on.

Run:  python -m evaluation.evaluate_skill_mapping [--labels PATH [PATH ...]] [--errors] [--json] [--fit] [--cv K] [--semantic DIR]

Several ``--labels`` files are merged in memory (session 9 fits and cross-validates on the tuning set plus
session 7's held-out file, which sessions 8 and 9 looked at). ``--cv K`` refits the scorer K times, each time without one fold of the tuning strings, and scores the mapper on
that fold: the honest estimate of what the fitted scorer adds (the rules were still written on these strings).
``--semantic DIR`` measures with the optional semantic matching on (a local ONNX sentence encoder, see
``pipeline/skills/semantic.py``); the default figures are those of the shipped default, lexical only.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

LABELS = Path(__file__).with_name("skill_mapping_labels.csv")
HELDOUT = Path(__file__).with_name("skill_mapping_heldout.csv")
LABEL_SETS = (
    ("tuning", LABELS, "tuning set: the rules and the scorer were fitted on it (optimistic)"),
    ("heldout", HELDOUT, "held-out set: labelled without running the mapper, merged after it was frozen"),
)
KINDS = ("exact", "synonym", "paraphrase", "product", "broad", "not_skill", "false_friend")


def read_labels(path: Path | list[Path]) -> list[dict]:
    """The rows of one label file, or of several merged in memory (``--labels A B``: e.g. the tuning set and an
    earlier held-out file that has since become tuning data)."""
    if isinstance(path, (list, tuple)):
        return [r for p in path for r in read_labels(p)]
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        if r["kind"] not in KINDS:
            raise ValueError(f"{path.name}: unknown kind {r['kind']!r} for {r['raw']!r}")
        r["accept"] = set() if r["expected"] == "NONE" else set(r["expected"].split("|"))
    return rows


def _ratios(s: dict) -> dict:
    p = s["tp"] / (s["tp"] + s["fp"]) if s["tp"] + s["fp"] else 1.0
    r = s["tp"] / (s["tp"] + s["fn"]) if s["tp"] + s["fn"] else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {**s, "precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)}


def evaluate(mapper=None, labels_path: Path = LABELS, rows: list[dict] | None = None) -> dict:
    from pipeline.skills.mapping import SkillMapper

    mapper = mapper or SkillMapper.from_vendored()
    rows = read_labels(labels_path) if rows is None else rows
    groups = ["esco", "onet", "all"] + [f"kind:{k}" for k in KINDS]
    stats = {g: {"tp": 0, "fp": 0, "fn": 0, "tn": 0} for g in groups}
    errors, false_friend_matches = [], 0
    for row in rows:
        fw = row["framework"]
        m = mapper.best(row["raw"], fw)
        pred = m.skill_id if m else "NONE"
        ok = pred in row["accept"] if m else not row["accept"]
        for g in (fw, "all", f"kind:{row['kind']}"):
            s = stats[g]
            if ok:
                s["tp" if m else "tn"] += 1
            else:
                s["fp"] += 1 if m else 0
                s["fn"] += 1 if row["accept"] else 0
        if row["kind"] == "false_friend" and m and not ok:
            false_friend_matches += 1
        if not ok:
            errors.append({"raw": row["raw"], "framework": fw, "kind": row["kind"], "expected": row["expected"],
                           "predicted": pred, "label": m.label if m else None, "score": m.score if m else None,
                           "evidence": m.evidence if m else None})
    out = {"pairs": len(rows), "false_friend_matches": false_friend_matches}
    for g, s in stats.items():
        if sum(s.values()):
            out[g] = _ratios(s)
    out["errors"] = errors
    return out


# -- fitting the scorer on the tuning set --------------------------------------------------------------------
def _logistic(X, y, lam: float = 1.0):
    """L2-penalised logistic regression (no penalty on the bias, column 0) by Newton steps."""
    import numpy as np

    w = np.zeros(X.shape[1])
    pen = lam * np.r_[0.0, np.ones(len(w) - 1)]
    for _ in range(100):
        p = 1 / (1 + np.exp(-X @ w))
        grad = X.T @ (p - y) + pen * w
        hess = (X * (p * (1 - p))[:, None]).T @ X + np.diag(pen)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-7:
            break
    return w


def fit(labels_path: Path = LABELS, min_precision: float = 0.92, mapper=None, rows: list[dict] | None = None) -> dict:
    """Fit the scorer on the tuning set's pairs that the label rules leave open: (1) the ranking model over every candidate (y = it is an accepted
    concept), (2) the acceptance model over each pair's best candidate (y = it is right), (3) the lowest
    threshold on the acceptance probability whose top-1 precision stays at ``min_precision`` (best F1).
    With an encoder on the mapper (``--semantic``), its similarity features join both models."""
    import numpy as np

    from pipeline.skills.mapping import FEATURES, SEMANTIC_FEATURES, SkillMapper

    mapper = mapper or SkillMapper.from_vendored()
    names_w = FEATURES + (SEMANTIC_FEATURES if mapper.semantic is not None else ())
    mapper.use_scorer({"weights": {}, "threshold": 0.5})  # features only
    # the scorer decides only what the label rules leave open (no whole, part, phrase or product match)
    rows = read_labels(labels_path) if rows is None else rows
    rows = [r for r in rows if not mapper.rule_matches(r["raw"], r["framework"])]
    X, y = [], []
    for row in rows:
        for e, f, _ in mapper.ranked(row["raw"], row["framework"]):
            X.append([f[n] for n in names_w])
            y.append(float(mapper.concepts[e.concept].skill_id in row["accept"]))
    w = _logistic(np.array(X), np.array(y))
    scorer = {"weights": {n: round(float(v), 4) for n, v in zip(names_w, w)}}
    mapper.use_scorer({**scorer, "threshold": 0.5})
    A, ya, tops = [], [], []
    names = None
    for row in rows:
        ranked = mapper.ranked(row["raw"], row["framework"])
        if not ranked:
            tops.append((row, None, None))
            continue
        a = mapper.accept_features(ranked, 0)
        names = list(a)
        A.append([a[k] for k in names])
        sid = mapper.concepts[ranked[0][0].concept].skill_id
        ya.append(float(sid in row["accept"]))
        tops.append((row, sid, len(A) - 1))
    wa = _logistic(np.array(A), np.array(ya))
    probs = 1 / (1 + np.exp(-np.array(A) @ wa))
    scorer["accept"] = {k: round(float(v), 4) for k, v in zip(names, wa)}
    best = None
    for t in np.arange(0.05, 0.96, 0.01):
        tp = fp = fn = 0
        for row, sid, ai in tops:
            pred = sid if ai is not None and probs[ai] >= t else None
            if pred is not None and pred in row["accept"]:
                tp += 1
            else:
                fp += pred is not None
                fn += bool(row["accept"])
        s = _ratios({"tp": tp, "fp": fp, "fn": fn, "tn": 0})
        key = (s["precision"] >= min_precision, s["f1"], -t)
        if best is None or key > best[0]:
            best = (key, round(float(t), 2), s)
    scorer["threshold"] = best[1]
    scorer["fitted_on"] = f"{_names(labels_path)}: {len(rows)} open pairs, {len(y)} candidates" + (
        f", encoder {mapper.semantic.path.parent.name}" if mapper.semantic is not None else "")
    scorer["tuning_figures"] = {k: best[2][k] for k in ("precision", "recall", "f1")}
    return scorer


def cross_validate(mapper, labels_path: Path = LABELS, k: int = 5, seed: int = 13) -> dict:
    """k-fold estimate of the fitted scorer on strings it was not fitted on: the folds split the tuning set by
    raw string (both framework rows of a string stay together); each fold's scorer is fitted on the other folds
    and the whole mapper is scored on the fold. The label rules were written on these strings, so it is still
    optimistic for them; it is honest for what ``--fit`` adds."""
    import random

    rows = read_labels(labels_path)
    strings = sorted({r["raw"].casefold() for r in rows})
    random.Random(seed).shuffle(strings)
    fold_of = {s: i % k for i, s in enumerate(strings)}
    kept = mapper.scorer
    stats = {}
    ff, errors = 0, []
    try:
        for i in range(k):
            train = [r for r in rows if fold_of[r["raw"].casefold()] != i]
            test = [r for r in rows if fold_of[r["raw"].casefold()] == i]
            mapper.use_scorer(fit(labels_path, mapper=mapper, rows=train))
            res = evaluate(mapper, labels_path, rows=test)
            ff += res["false_friend_matches"]
            errors += res["errors"]
            for g, v in res.items():
                if isinstance(v, dict):
                    acc = stats.setdefault(g, {"tp": 0, "fp": 0, "fn": 0, "tn": 0})
                    for key in acc:
                        acc[key] += v[key]
    finally:
        mapper.use_scorer(kept)
    return {"pairs": len(rows), "false_friend_matches": ff, **{g: _ratios(s) for g, s in stats.items()},
            "errors": errors}


def _names(paths: Path | list[Path]) -> str:
    return " + ".join(p.name for p in paths) if isinstance(paths, (list, tuple)) else paths.name


def _print(res: dict, labels_path: Path | list[Path], title: str | None, errors: bool) -> None:
    head = f"skill mapping evaluation on {res['pairs']} labelled pairs ({_names(labels_path)})"
    print(f"{head}: {title}" if title else head)
    print(f"{'group':<20}{'precision':>10}{'recall':>10}{'f1':>8}{'tp':>6}{'fp':>6}{'fn':>6}{'tn':>6}")
    for key in ["esco", "onet", "all"] + [f"kind:{k}" for k in KINDS]:
        if key not in res:
            continue
        s = res[key]
        print(f"{key:<20}{s['precision']:>10.3f}{s['recall']:>10.3f}{s['f1']:>8.3f}"
              f"{s['tp']:>6}{s['fp']:>6}{s['fn']:>6}{s['tn']:>6}")
    print(f"false-friend matches: {res['false_friend_matches']}")
    if errors:
        for e in res["errors"]:
            print(f"  {e['framework']} [{e['kind']}] {e['raw']!r}: expected {e['expected']}, got {e['predicted']} "
                  f"({e['label']}, {e['score']}{'; ' + e['evidence'] if e['evidence'] else ''})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", type=Path, nargs="+", default=None, metavar="PATH",
                    help=f"labelled pairs to score (default: both {LABELS.name} and {HELDOUT.name}, each on its "
                         "own); several files are merged in memory (for --cv and --fit too)")
    ap.add_argument("--errors", action="store_true", help="list every wrong or missed pair")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--semantic", type=Path, default=None, metavar="DIR",
                    help="turn on semantic matching with the encoder in DIR (model.onnx + tokenizer.json)")
    ap.add_argument("--semantic-threshold", type=float, default=None, metavar="T")
    ap.add_argument("--fit", action="store_true",
                    help="fit the scorer on the tuning set and write pipeline/skills/data/scorer.json "
                         "(scorer_semantic.json with --semantic)")
    ap.add_argument("--cv", type=int, default=0, metavar="K",
                    help="K-fold cross-validation of the fitted scorer on the tuning set (by raw string)")
    args = ap.parse_args(argv)
    if args.labels is not None and len(args.labels) == 1:
        args.labels = args.labels[0]
    from pipeline.skills.mapping import SCORER_PATH, SEMANTIC_SCORER_PATH, SkillMapper

    mapper = SkillMapper.from_vendored()
    if args.semantic is not None:
        from pipeline.skills.semantic import Encoder

        mapper.use_semantic(Encoder(args.semantic), args.semantic_threshold)
    if args.fit:
        scorer = fit(args.labels or LABELS, mapper=mapper)
        out = SEMANTIC_SCORER_PATH if args.semantic is not None else SCORER_PATH
        out.write_text(json.dumps(scorer, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {out}: {scorer['fitted_on']}; tuning {scorer['tuning_figures']}")
        return 0
    if args.cv:
        res = cross_validate(mapper, args.labels or LABELS, args.cv)
        if args.json:
            if not args.errors:
                res.pop("errors")
            print(json.dumps(res, indent=2))
        else:
            _print(res, args.labels or LABELS, f"{args.cv}-fold cross-validation of the fitted scorer", args.errors)
        return 0
    sets = [(None, args.labels, None)] if args.labels is not None else list(LABEL_SETS)
    results = []
    for key, path, desc in sets:
        res = evaluate(mapper, path)
        if args.json and not args.errors:
            res.pop("errors")
        results.append((key, path, desc, res))
    if args.json:
        if args.labels is not None:
            print(json.dumps(results[0][3], indent=2))
        else:
            print(json.dumps({key: {"labels": path.name, "description": desc, **res}
                              for key, path, desc, res in results}, indent=2))
        return 0
    for i, (_key, path, desc, res) in enumerate(results):
        if i:
            print()
        _print(res, path, desc, args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
