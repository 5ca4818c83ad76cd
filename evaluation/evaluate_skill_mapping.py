"""Measure the lexical skill mapper against the hand-labelled sample in skill_mapping_labels.csv.

Each row is one (raw string, framework) pair with the concept a careful human would pick, or NONE when the
framework has no concept for it. A prediction is correct when it names the expected concept (or a concept
with the same preferred label: ESCO repeats a label down its hierarchy, e.g. S5 / S5.0 / S5.0.0).

    precision = correct predictions / all predictions        (a wrong concept counts against precision)
    recall    = correct predictions / pairs with an expected concept

Run:  python -m evaluation.evaluate_skill_mapping [--errors] [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

LABELS = Path(__file__).with_name("skill_mapping_labels.csv")


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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true", help="list every wrong or missed pair")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    res = evaluate()
    if args.json:
        if not args.errors:
            res.pop("errors")
        print(json.dumps(res, indent=2))
        return 0
    print(f"skill mapping evaluation on {res['pairs']} labelled pairs ({LABELS.name})")
    print(f"{'framework':<10}{'precision':>10}{'recall':>10}{'f1':>8}{'tp':>6}{'fp':>6}{'fn':>6}{'tn':>6}")
    for key in ("esco", "onet", "all"):
        s = res[key]
        print(f"{key:<10}{s['precision']:>10.3f}{s['recall']:>10.3f}{s['f1']:>8.3f}"
              f"{s['tp']:>6}{s['fp']:>6}{s['fn']:>6}{s['tn']:>6}")
    if args.errors:
        for e in res["errors"]:
            print(f"  {e['framework']}: {e['raw']!r}: expected {e['expected']}, got {e['predicted']} "
                  f"({e['method']}, {e['score']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
