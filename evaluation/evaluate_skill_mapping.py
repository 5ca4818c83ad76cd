"""Measure the lexical skill mapper against hand-labelled (raw string, framework) pairs.

Each row is one (raw string, framework) pair with the concept a careful human would pick, or NONE when the
framework has no concept for it. A prediction is correct when it names the expected concept (or a concept
with the same preferred label: ESCO repeats a label down its hierarchy, e.g. S5 / S5.0 / S5.0.0).

    precision = correct predictions / all predictions        (a wrong concept counts against precision)
    recall    = correct predictions / pairs with an expected concept

Two label sets (same columns: raw, framework, expected_skill_id, expected_label; NONE = no match):

    skill_mapping_labels.csv   the TUNING set: the mapper's rules and curated labels were developed on it,
                               so its figures are optimistic.
    skill_mapping_heldout.csv  the HELD-OUT set: written after the mapper was frozen (2026-11-29), labelled
                               by looking concepts up in the taxonomy, never tuned on.

Run:  python -m evaluation.evaluate_skill_mapping [--labels PATH] [--errors] [--json]
      (no --labels: both sets, tuning first; --labels PATH: that file only)
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

LABELS = Path(__file__).with_name("skill_mapping_labels.csv")
HELDOUT = Path(__file__).with_name("skill_mapping_heldout.csv")
# (key, path, description) of the sets printed when no --labels is given.
LABEL_SETS = (
    ("tuning", LABELS, "tuning set: the mapper's rules and curated labels were tuned on it (optimistic)"),
    ("heldout", HELDOUT, "held-out set: written after the mapper was frozen, never tuned on"),
)


def evaluate(mapper=None, labels_path: Path = LABELS) -> dict:
    from pipeline.skills.mapping import SkillMapper

    mapper = mapper or SkillMapper.from_vendored()
    with open(labels_path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    stats = {fw: {"tp": 0, "fp": 0, "fn": 0, "tn": 0} for fw in ("esco", "onet", "all")}
    errors = []
    for row in rows:
        fw, expected = row["framework"], row["expected_skill_id"]
        m = mapper.match(row["raw"], fw)
        pred = m.skill_id if m else "NONE"
        same = pred == expected or (
            m is not None and expected != "NONE" and m.label.lower() == row["expected_label"].lower()
        )
        for key in (fw, "all"):
            s = stats[key]
            if pred == "NONE" and expected == "NONE":
                s["tn"] += 1
            elif same:
                s["tp"] += 1
            else:
                if pred != "NONE":
                    s["fp"] += 1
                if expected != "NONE":
                    s["fn"] += 1
        if not same:
            errors.append({"raw": row["raw"], "framework": fw, "expected": expected,
                           "predicted": pred, "method": m.method if m else None,
                           "score": m.score if m else None})
    out = {"pairs": len(rows)}
    for key, s in stats.items():
        p = s["tp"] / (s["tp"] + s["fp"]) if s["tp"] + s["fp"] else 0.0
        r = s["tp"] / (s["tp"] + s["fn"]) if s["tp"] + s["fn"] else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        out[key] = {**s, "precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)}
    out["errors"] = errors
    return out


def _print(res: dict, labels_path: Path, title: str | None, errors: bool) -> None:
    head = f"skill mapping evaluation on {res['pairs']} labelled pairs ({labels_path.name})"
    print(f"{head}: {title}" if title else head)
    print(f"{'framework':<10}{'precision':>10}{'recall':>10}{'f1':>8}{'tp':>6}{'fp':>6}{'fn':>6}{'tn':>6}")
    for key in ("esco", "onet", "all"):
        s = res[key]
        print(f"{key:<10}{s['precision']:>10.3f}{s['recall']:>10.3f}{s['f1']:>8.3f}"
              f"{s['tp']:>6}{s['fp']:>6}{s['fn']:>6}{s['tn']:>6}")
    if errors:
        for e in res["errors"]:
            print(f"  {e['framework']}: {e['raw']!r}: expected {e['expected']}, got {e['predicted']} "
                  f"({e['method']}, {e['score']})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", type=Path, default=None, metavar="PATH",
                    help=f"labelled pairs to score (default: both {LABELS.name} and {HELDOUT.name})")
    ap.add_argument("--errors", action="store_true", help="list every wrong or missed pair")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    from pipeline.skills.mapping import SkillMapper

    mapper = SkillMapper.from_vendored()
    if args.labels is not None:
        sets = [(None, args.labels, None)]
    else:
        sets = list(LABEL_SETS)
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
