"""Pair scoring: comparison signals computed with rapidfuzz's vectorised ``process.cpdist``, a logistic model
whose weights are fitted on labelled pairs (never guessed), and a per-pair explanation.

A signal is either a level indicator (``title_exact``, ``org_diff``...) or a similarity in [0, 1]
(``title_sim``...). The score of a pair is ``sigmoid(intercept + sum(weight_i * x_i))``; the explanation lists
every signal that fired with its value and its contribution ``weight_i * x_i`` (log-odds), so a reader sees
why two records were matched.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

PARAMS_DIR = Path(__file__).resolve().parent / "params"
DEFAULT_PARAMS = PARAMS_DIR / "course.json"

FEATURES = [
    # title
    "title_exact", "title_subtitle_cut", "title_high", "title_mid", "title_core_only", "title_sim", "title_set_sim",
    # one title the other's head or tail at a word boundary (cut, truncated, behind an unknown label), when the
    # shorter is specific; each title has words the other lacks ("...: Dogs" / "...: Cats")
    "title_prefix", "title_tail", "title_vague", "title_words_differ", "title_words_inserted", "title_both_seen",
    # numbers and level words in the title (Part 1 / Part 2, Calculus I / II, Beginner / Advanced) and run
    # markers (2023 / 2024, 1T2024)
    "numbers_match", "numbers_conflict", "numbers_one_side", "run_conflict",
    # codes that mix letters and digits (CS50, model numbers)
    "codes_match", "codes_conflict",
    # organisation after alias resolution
    "org_exact", "org_fuzzy", "org_diff", "org_sim",
    # URL and slug
    "url_exact", "slug_exact", "url_same_host_other_path", "slug_number_diff",
    # platform
    "platform_same", "platform_diff",
    # duration, level, language
    "duration_close", "duration_far", "level_same", "level_diff", "language_same", "language_diff",
    # description
    "desc_high", "desc_mid", "desc_low", "desc_sim",
]


@dataclass
class MatchParams:
    """Calibrated model: weights per signal, intercept and the decision threshold on the probability."""

    weights: dict[str, float]
    intercept: float
    threshold: float
    meta: dict = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None = None) -> MatchParams:
        data = json.loads(Path(path or DEFAULT_PARAMS).read_text(encoding="utf-8"))
        return cls(weights=data["weights"], intercept=data["intercept"], threshold=data["threshold"],
                   meta=data.get("meta", {}))

    def save(self, path: str | Path) -> None:
        payload = {"intercept": self.intercept, "threshold": self.threshold, "weights": self.weights, "meta": self.meta}
        Path(path).write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n", encoding="utf-8")

    def vector(self) -> np.ndarray:
        return np.array([self.weights.get(f, 0.0) for f in FEATURES], dtype=np.float64)


CPDIST_CHUNK = 200_000


def _cpdist(a: np.ndarray, b: np.ndarray, scorer, workers: int, processor=None) -> np.ndarray:
    """Element-wise similarity in [0, 1] of two equally long string arrays (rapidfuzz, multi-threaded), in
    chunks: rapidfuzz converts all strings of a call up front, which at millions of pairs costs gigabytes."""
    out = np.zeros(len(a), dtype=np.float64)
    for i in range(0, len(a), CPDIST_CHUNK):
        j = min(len(a), i + CPDIST_CHUNK)
        out[i:j] = process.cpdist(list(a[i:j]), list(b[i:j]), scorer=scorer, processor=processor, workers=workers,
                                  dtype=np.float32) / 100.0
    return out


_DIGITS = re.compile(r"\D+")
_STOP = {"a", "an", "and", "the", "of", "for", "to", "in", "on", "with", "at", "by", "your", "you"}


def _near(w: str, v: str) -> bool:
    """A near spelling: one edit (a swap counts as one) in a word, two in a long word, the first letter kept;
    never another number ("p1" / "p2", "cs5" / "cs6" are two courses)."""
    if w[0] != v[0] or _DIGITS.sub("", w) != _DIGITS.sub("", v):  # "jquery" / "xquery"
        return False
    return OSA.distance(w, v, score_cutoff=2) <= (1 if max(len(w), len(v)) < 8 else 2)


def title_relations(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per pair of normalised titles: (contained, differ, inserted, a_is_shorter, continuation, at_tail).

    Words of the shorter title are matched to the longer one's exactly or as near spellings. ``contained``:
    every word of the shorter (at least 3 words) is matched and the longer one's other words form one run at
    its start or end (a cut, a truncation, an unknown listing label). ``inserted``: every word is matched but
    the other words sit inside ("XML DTD Basics" / "XML Basics": drift adds words at the ends, a sibling
    qualifies inside). ``differ``: each title has words the other lacks that are no near spelling of the
    other's: another part of a series ("...: Dogs" / "...: Cats", "P1" / "P2"), not drift. ``continuation``:
    for a contained pair, a hash of the longer one's word next to the shorter (a short title continued in two
    ways is not specific). ``at_tail``: the shorter is the longer one's end (the longer has an unknown label
    or a qualifier in front).
    """
    n = len(a)
    contained = np.zeros(n, dtype=bool)
    differ = np.zeros(n, dtype=bool)
    inserted = np.zeros(n, dtype=bool)
    a_short = np.zeros(n, dtype=bool)
    cont = np.zeros(n, dtype=np.int64)
    tail = np.zeros(n, dtype=bool)
    for i, (x, y) in enumerate(zip(a.tolist(), b.tolist())):
        if not x or not y:
            continue
        a_short[i] = len(x) <= len(y)
        s, t = (x, y) if a_short[i] else (y, x)
        if t.startswith(s + " "):
            contained[i] = s.count(" ") >= 2
            cont[i] = hash(">" + t[len(s) + 1:].split(" ", 1)[0])
            continue
        if t.endswith(" " + s):
            contained[i] = s.count(" ") >= 2
            tail[i] = True
            cont[i] = hash("<" + t[: -len(s) - 1].rsplit(" ", 1)[-1])
            continue
        sw, tw = [w for w in s.split() if w not in _STOP], [w for w in t.split() if w not in _STOP]
        if not sw or not tw:
            continue
        ws, wt = set(sw), set(tw)
        ds, dt = ws - wt, wt - ws
        us = [w for w in sw if w in ds and not any(_near(w, v) for v in dt)]
        ut = [v for v in tw if v in dt and not any(_near(w, v) for w in ds)]
        if us and ut:
            # "asp net" / "aspnet": the same letters split otherwise
            differ[i] = "".join(us) != "".join(ut)
        elif ut and not us:
            free = [j for j, v in enumerate(tw) if v in ut]
            run = free == list(range(free[0], free[-1] + 1))
            if run and (free[0] == 0 or free[-1] == len(tw) - 1) and len(sw) >= 3:
                contained[i] = True
                tail[i] = free[0] == 0
                cont[i] = hash(">" + tw[free[0]]) if free[0] > 0 else hash("<" + tw[free[-1]])
            else:
                inserted[i] = True
    return contained, differ, inserted, a_short, cont, tail


def compute_signals(K: dict[str, np.ndarray], rid_l: np.ndarray, rid_r: np.ndarray, *, org_keys: np.ndarray,
                    org_acronyms: np.ndarray, workers: int = 2, skip_org_diff: bool = False,
                    context: dict | None = None) -> pd.DataFrame:
    """The signal matrix for pairs (rid_l[i], rid_r[i]).

    ``K`` holds per-record arrays from :func:`pipeline.matching.blocking.build_match_keys` (hashed keys,
    org_code, duration, title/description strings); ``org_keys``/``org_acronyms`` are indexed by org_code.
    With ``skip_org_diff``, pairs whose organisations differ (a cannot-link in dedupe mode) get no string
    similarity computed (their title and description signals stay 0): that saves most of the work on
    "same title, other institution" pairs. The returned frame has a boolean column ``scored``.

    ``context`` carries what the first call learns from all candidate pairs into later calls (pairs completed
    during clustering): ``ambiguous`` (records whose title is the head of several different titles: not
    specific, so a cut or prefix is no evidence) and ``junk_urls`` (URLs shared within one provider by records
    whose titles conflict, e.g. a homepage: treated as no URL) and ``title_seen`` (records whose title
    another record carries verbatim).
    """
    context = {} if context is None else context
    n = len(rid_l)
    X: dict[str, np.ndarray] = {}

    def eq(name):
        a, b = K[name][rid_l], K[name][rid_r]
        return (a == b) & (a != 0)

    def present(name):
        return (K[name][rid_l] != 0) & (K[name][rid_r] != 0)

    # --- organisation first (scored once per distinct pair of organisation codes)
    ocl, ocr = K["org_code"][rid_l].astype(np.int64), K["org_code"][rid_r].astype(np.int64)
    opresent = (ocl >= 0) & (ocr >= 0)
    oexact = opresent & (ocl == ocr)
    osim = np.zeros(n)
    acronym = np.zeros(n, dtype=bool)
    cand = np.flatnonzero(opresent & ~oexact)
    if len(cand):
        base = len(org_keys) + 1
        codes = ocl[cand] * base + ocr[cand]
        upairs, inverse = np.unique(codes, return_inverse=True)
        ul, ur = upairs // base, upairs % base
        usim = _cpdist(org_keys[ul], org_keys[ur], fuzz.token_set_ratio, workers)
        al, ar = org_acronyms[ul], org_acronyms[ur]
        uacr = np.array([(x != "" and x == org_keys[j]) or (y != "" and y == org_keys[i])
                         for x, y, i, j in zip(al, ar, ul, ur)], dtype=bool)
        osim[cand] = usim[inverse]
        acronym[cand] = uacr[inverse]
    osim[oexact] = 1.0
    ofuzzy = opresent & ~oexact & ((osim >= 0.9) | acronym)
    odiff = opresent & ~oexact & ~ofuzzy
    X["org_exact"], X["org_fuzzy"], X["org_diff"], X["org_sim"] = oexact, ofuzzy, odiff, osim
    scored = ~odiff if skip_org_diff else np.ones(n, dtype=bool)

    # --- title
    exact = eq("h_title_norm") | eq("h_title_compact")  # spaces are no identity: "FrontEnd" / "Front-End"
    cut_l = (K["h_title_norm"][rid_l] == K["h_title_core"][rid_r]) & (K["h_title_norm"][rid_l] != 0)
    cut_r = (K["h_title_norm"][rid_r] == K["h_title_core"][rid_l]) & (K["h_title_norm"][rid_r] != 0)
    cut = ~exact & (cut_l | cut_r)
    tsim = np.where(exact, 1.0, 0.0)
    tset = tsim.copy()
    idx = np.flatnonzero(~exact & scored)
    if len(idx):
        tl, tr = K["title_norm"][rid_l[idx]], K["title_norm"][rid_r[idx]]
        tsim[idx] = _cpdist(tl, tr, fuzz.token_sort_ratio, workers)
        # token-set similarity: one title's words inside the other's (model numbers, extra words)
        tset[idx] = _cpdist(tl, tr, fuzz.token_set_ratio, workers)
    contained = np.zeros(n, dtype=bool)
    differ = np.zeros(n, dtype=bool)
    inserted = np.zeros(n, dtype=bool)
    # the shorter title's record: for a cut, the one whose title is the other's core (pairs whose strings are
    # not compared are still cuts, and must not name record 0); compared pairs by their words below
    short = np.where(cut_l, rid_l, rid_r).astype(np.int64)
    cont = np.zeros(n, dtype=np.int64)
    at_tail = np.zeros(n, dtype=bool)
    if len(idx):
        c, d, ins, a_short, co, tl = title_relations(K["title_norm"][rid_l[idx]], K["title_norm"][rid_r[idx]])
        contained[idx], differ[idx], inserted[idx], cont[idx], at_tail[idx] = c, d, ins, co, tl
        short[idx] = np.where(a_short, rid_l[idx], rid_r[idx])
    # a short title is specific when its candidates continue it in one way only ("English for Career
    # Development" continued by "Speaking" and by "Writing" is not)
    if "ambiguous" not in context:
        sel = np.flatnonzero(contained | cut)
        other = np.where(short[sel] == rid_l[sel], rid_r[sel], rid_l[sel])
        how = np.where(cont[sel] != 0, cont[sel], K["h_title_norm"][other].astype(np.int64))
        sp = np.unique(np.stack([short[sel], how], axis=1), axis=0) if len(sel) else np.zeros((0, 2), dtype=np.int64)
        amb = np.zeros(len(K["h_title_norm"]), dtype=bool)
        if len(sp):
            heads, counts = np.unique(sp[:, 0], return_counts=True)
            amb[heads[counts > 1]] = True
        context["ambiguous"] = amb
    vague = (contained | cut) & context["ambiguous"][short]
    contained &= ~vague
    cut &= ~vague
    high = ~exact & ~cut & (tsim >= 0.92)
    mid = ~exact & ~cut & ~high & (tsim >= 0.80)
    core_only = ~exact & ~cut & ~contained & ~high & ~mid & eq("h_title_core")
    X["title_exact"], X["title_subtitle_cut"], X["title_high"] = exact, cut, high
    X["title_mid"], X["title_core_only"], X["title_sim"] = mid, core_only, tsim
    X["title_set_sim"] = tset
    X["title_prefix"], X["title_tail"] = contained & ~cut & ~at_tail, contained & ~cut & at_tail
    X["title_vague"], X["title_words_differ"] = vague, differ
    X["title_words_inserted"] = inserted
    # two different titles each seen verbatim on several records are two names, not a name and its cut
    if "title_seen" not in context:
        h = K["h_title_norm"]
        _, inverse, counts = np.unique(h, return_inverse=True, return_counts=True)
        context["title_seen"] = (counts[inverse] >= 2) & (h != 0)
    X["title_both_seen"] = ~exact & context["title_seen"][rid_l] & context["title_seen"][rid_r]

    # --- numbers, codes, runs
    pn = (K["h_title_nums"][rid_l] != 0, K["h_title_nums"][rid_r] != 0)
    X["numbers_match"] = eq("h_title_nums")
    X["numbers_conflict"] = pn[0] & pn[1] & ~X["numbers_match"]
    X["numbers_one_side"] = pn[0] ^ pn[1]
    both = np.flatnonzero(present("h_title_codes"))
    shared = np.zeros(n, dtype=bool)
    if len(both):
        kl, kr = K["title_codes"][rid_l[both]], K["title_codes"][rid_r[both]]
        shared[both] = [bool(set(a.split()) & set(b.split())) for a, b in zip(kl, kr)]
    X["codes_match"] = shared
    X["codes_conflict"] = present("h_title_codes") & ~shared
    rl, rr = K["h_run_key"][rid_l], K["h_run_key"][rid_r]
    # different run markers, or a marker on one side only ("Course (2025)" vs "Course"): another run
    X["run_conflict"] = ((rl != 0) | (rr != 0)) & (rl != rr)

    # --- url, slug, platform
    uexact = eq("h_url_canon")
    hu = K["h_url_canon"][rid_l].astype(np.int64)
    if "junk_urls" not in context:
        # one URL for records of one provider whose titles conflict: a homepage or a catalogue page
        conflict = scored & uexact & (X["numbers_conflict"] | differ | ((tsim < 0.5) & ~contained & ~cut))
        context["junk_urls"] = np.unique(hu[conflict])
    junk = np.isin(hu, context["junk_urls"]) | np.isin(K["h_url_canon"][rid_r].astype(np.int64), context["junk_urls"])
    uexact &= ~junk
    X["url_exact"] = uexact
    # the full slug is the evidence: slugs that differ by a trailing number are two courses of one site
    X["slug_exact"] = ~uexact & ~junk & eq("h_slug_full")
    X["url_same_host_other_path"] = present("h_url_canon") & ~junk & ~uexact & ~X["slug_exact"] & eq("h_url_host")
    X["slug_number_diff"] = X["url_same_host_other_path"] & eq("h_slug") & ~eq("h_slug_full")
    psame = eq("h_platform_key")
    X["platform_same"], X["platform_diff"] = psame, present("h_platform_key") & ~psame

    # --- duration, level, language
    dl, dr = K["duration"][rid_l], K["duration"][rid_r]
    dpresent = ~np.isnan(dl) & ~np.isnan(dr)
    with np.errstate(invalid="ignore", divide="ignore"):
        big = np.maximum(np.abs(dl), np.abs(dr))
        rel = np.abs(dl - dr) / np.where(big > 0, big, 1.0)
    X["duration_close"] = dpresent & (rel <= 0.15)
    X["duration_far"] = dpresent & (rel > 0.5)
    for name, key in (("level", "h_level_key"), ("language", "h_language_key")):
        same = eq(key)
        X[f"{name}_same"], X[f"{name}_diff"] = same, present(key) & ~same

    # --- description: Indel similarity of the first 200 characters (lower-cased in SQL); a truncated copy
    # of a description keeps its beginning
    xl_all, xr_all = K["desc_text"][rid_l], K["desc_text"][rid_r]
    xsim = np.zeros(n)
    xpresent = np.zeros(n, dtype=bool)
    cand = np.flatnonzero(scored)
    if len(cand):
        nonempty = np.array([bool(a) and bool(b) for a, b in zip(xl_all[cand], xr_all[cand])], dtype=bool)
        idx = cand[nonempty]
        xpresent[idx] = True
        if len(idx):
            xsim[idx] = _cpdist(xl_all[idx], xr_all[idx], fuzz.ratio, workers)
    X["desc_high"] = xpresent & (xsim >= 0.9)
    X["desc_mid"] = xpresent & (xsim >= 0.7) & (xsim < 0.9)
    X["desc_low"] = xpresent & (xsim < 0.5)
    X["desc_sim"] = xsim

    out = pd.DataFrame({f: np.asarray(X[f], dtype=np.float32) for f in FEATURES})
    out["scored"] = scored
    return out


def predict_proba(signals: pd.DataFrame, params: MatchParams) -> np.ndarray:
    """Match probability per pair; pairs not scored (cannot-link short-cut) get 0."""
    z = signals[FEATURES].to_numpy(dtype=np.float64) @ params.vector() + params.intercept
    p = 1.0 / (1.0 + np.exp(-z))
    if "scored" in signals:
        p = np.where(signals["scored"].to_numpy(), p, 0.0)
    return p


def explain(signals: pd.DataFrame | np.ndarray, params: MatchParams, rows: np.ndarray | None = None) -> list[str]:
    """One line per pair: each signal that fired, its value and its contribution in log-odds.

    ``signals``: the frame of :func:`compute_signals` or its FEATURES matrix. Vectorised (each distinct value
    of a signal formatted once, the parts joined by Arrow), so every matched pair of a million records can
    carry its explanation."""
    import pyarrow as pa
    import pyarrow.compute as pc

    S = signals if isinstance(signals, np.ndarray) else signals[FEATURES].to_numpy(dtype=np.float64)
    if rows is not None:
        S = S[rows]
    if len(S) == 0:
        return []
    w = params.vector()
    parts = []
    for j, f in enumerate(FEATURES):
        fired = np.flatnonzero(S[:, j])
        if not len(fired):
            continue
        values, inverse = np.unique(S[fired, j], return_inverse=True)
        if f.endswith("_sim"):
            text = [f"{f}={v:.2f}({w[j] * v:+.2f})" for v in values.tolist()]
        else:
            text = [f"{f}({w[j] * v:+.2f})" for v in values.tolist()]
        col = np.full(len(S), None, dtype=object)
        col[fired] = np.asarray(text, dtype=object)[inverse.ravel()]
        parts.append(pa.array(col, pa.string()))
    if not parts:
        return [""] * len(S)
    if len(parts) == 1:
        return parts[0].fill_null("").to_pylist()
    return pc.binary_join_element_wise(*parts, "; ", null_handling="skip").to_pylist()


def fit_logistic(signals: pd.DataFrame, labels: np.ndarray, *, l2: float = 1.0, iters: int = 50,
                 sample_weight: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method (numpy only)."""
    X = signals[FEATURES].to_numpy(dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    sw = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    Xb = np.hstack([X, np.ones((len(X), 1))])
    beta = np.zeros(Xb.shape[1])
    reg = np.full(Xb.shape[1], l2)
    reg[-1] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(Xb @ beta)))
        g = Xb.T @ (sw * (p - y)) + reg * beta
        H = (Xb * (sw * p * (1 - p))[:, None]).T @ Xb + np.diag(reg + 1e-9)
        step = np.linalg.solve(H, g)
        beta -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return beta[:-1], float(beta[-1])


def best_threshold(proba: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """The probability threshold that maximises pairwise F1 on labelled pairs: (threshold, F1)."""
    y = np.asarray(labels, dtype=bool)
    best = (0.5, -1.0)
    for t in np.round(np.arange(0.05, 0.991, 0.01), 2):
        pred = proba >= t
        tp = np.count_nonzero(pred & y)
        fp = np.count_nonzero(pred & ~y)
        fn = np.count_nonzero(~pred & y)
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 > best[1] + 1e-12:
            best = (float(t), f1)
    return best


def calibrate(signals: pd.DataFrame, labels: np.ndarray, *, threshold_signals: pd.DataFrame | None = None,
              threshold_labels: np.ndarray | None = None, l2: float = 1.0, meta: dict | None = None) -> MatchParams:
    """Fit weights on (signals, labels); choose the threshold on the held-out set when given, else on the same."""
    w, b = fit_logistic(signals, labels, l2=l2)
    params = MatchParams(weights={f: round(float(v), 4) for f, v in zip(FEATURES, w)}, intercept=round(b, 4),
                         threshold=0.5, meta=dict(meta or {}))
    ts, tl = (threshold_signals, threshold_labels) if threshold_signals is not None else (signals, labels)
    t, f1 = best_threshold(predict_proba(ts, params), tl)
    params.threshold = t
    params.meta["threshold_f1"] = round(float(f1), 4)
    return params
