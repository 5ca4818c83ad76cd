"""Pair scoring: comparison signals computed with rapidfuzz's vectorised ``process.cpdist``, a logistic model
whose weights are fitted on labelled pairs (never guessed), and a per-pair explanation.

A signal is either a level indicator (``title_exact``, ``org_diff``...) or a similarity in [0, 1]
(``title_sim``...). The score of a pair is ``sigmoid(intercept + sum(weight_i * x_i))``; the explanation lists
every signal that fired with its value and its contribution ``weight_i * x_i`` (log-odds), so a reader sees
why two records were matched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

PARAMS_DIR = Path(__file__).resolve().parent / "params"
DEFAULT_PARAMS = PARAMS_DIR / "course.json"

FEATURES = [
    # title
    "title_exact", "title_subtitle_cut", "title_high", "title_mid", "title_core_only", "title_sim",
    # numbers in the title (Part 1 / Part 2, Calculus I / II) and run markers (2023 / 2024, 1T2024)
    "numbers_match", "numbers_conflict", "numbers_one_side", "run_conflict",
    # codes that mix letters and digits (CS50, model numbers)
    "codes_match", "codes_conflict",
    # organisation after alias resolution
    "org_exact", "org_fuzzy", "org_diff", "org_sim",
    # URL and slug
    "url_exact", "slug_exact", "url_same_host_other_path",
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
    def load(cls, path: str | Path | None = None) -> "MatchParams":
        data = json.loads(Path(path or DEFAULT_PARAMS).read_text(encoding="utf-8"))
        return cls(weights=data["weights"], intercept=data["intercept"], threshold=data["threshold"],
                   meta=data.get("meta", {}))

    def save(self, path: str | Path) -> None:
        payload = {"intercept": self.intercept, "threshold": self.threshold, "weights": self.weights, "meta": self.meta}
        Path(path).write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n", encoding="utf-8")

    def vector(self) -> np.ndarray:
        return np.array([self.weights.get(f, 0.0) for f in FEATURES], dtype=np.float64)


def _cpdist(a: np.ndarray, b: np.ndarray, scorer, workers: int) -> np.ndarray:
    if len(a) == 0:
        return np.zeros(0, dtype=np.float64)
    return process.cpdist(list(a), list(b), scorer=scorer, workers=workers, dtype=np.float32).astype(np.float64) / 100.0


def _present(x: np.ndarray) -> np.ndarray:
    return np.array([bool(v) for v in x], dtype=bool) if x.dtype == object else x != ""


def _str_eq(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray(a == b, dtype=bool)


def _coded_similarity(codes_l, codes_r, uniques, scorer, workers) -> np.ndarray:
    """Similarity of columns with few distinct values (organisations): score each distinct pair once."""
    pair_codes = codes_l.astype(np.int64) * (len(uniques) + 1) + codes_r.astype(np.int64)
    upairs, inverse = np.unique(pair_codes, return_inverse=True)
    ul = uniques[upairs // (len(uniques) + 1)]
    ur = uniques[upairs % (len(uniques) + 1)]
    return _cpdist(ul, ur, scorer, workers)[inverse]


def compute_signals(keys: pd.DataFrame, rid_l: np.ndarray, rid_r: np.ndarray, *, workers: int = 2) -> pd.DataFrame:
    """The signal matrix for candidate pairs. ``keys`` is the ``match_keys`` table indexed by position = rid."""
    n = len(rid_l)
    X = {}
    col = {c: keys[c].to_numpy() for c in keys.columns}

    def pick(name):
        return col[name][rid_l], col[name][rid_r]

    # --- title
    tl, tr = pick("title_norm")
    cl, cr = pick("title_core")
    exact = _str_eq(tl, tr)
    cut = ~exact & (_str_eq(tl, cr) | _str_eq(tr, cl))
    tsim = _cpdist(tl, tr, fuzz.token_sort_ratio, workers)
    tset = _cpdist(tl, tr, fuzz.token_set_ratio, workers)
    high = ~exact & ~cut & (tsim >= 0.92)
    mid = ~exact & ~cut & ~high & ((tsim >= 0.80) | (tset >= 0.95))
    core_only = ~exact & ~cut & ~high & ~mid & _str_eq(cl, cr)
    X["title_exact"], X["title_subtitle_cut"], X["title_high"] = exact, cut, high
    X["title_mid"], X["title_core_only"], X["title_sim"] = mid, core_only, tsim

    # --- numbers and runs
    nl, nr = pick("title_nums")
    pl, pr = nl != "", nr != ""
    X["numbers_match"] = pl & pr & _str_eq(nl, nr)
    X["numbers_conflict"] = pl & pr & ~_str_eq(nl, nr)
    X["numbers_one_side"] = pl ^ pr
    kl, kr = pick("title_codes")
    both = np.flatnonzero((kl != "") & (kr != ""))
    shared = np.zeros(n, dtype=bool)
    if len(both):
        shared[both] = [bool(set(a.split()) & set(b.split())) for a, b in zip(kl[both], kr[both])]
    X["codes_match"] = shared
    X["codes_conflict"] = (kl != "") & (kr != "") & ~shared
    rl, rr = pick("run_key")
    # different run markers, or a marker on one side only ("Course (2025)" vs "Course"): another run
    X["run_conflict"] = ((rl != "") | (rr != "")) & ~_str_eq(rl, rr)

    # --- organisation (scored once per distinct pair of organisation keys)
    org_codes, org_uniques = pd.factorize(keys["org_key"], sort=False)
    org_uniques = np.asarray(org_uniques, dtype=object)
    ol, orr = pick("org_key")
    al, ar = pick("org_acr")
    opresent = (ol != "") & (orr != "")
    osim = _coded_similarity(org_codes[rid_l], org_codes[rid_r], org_uniques, fuzz.token_set_ratio, workers)
    osim = np.where(opresent, osim, 0.0)
    oexact = opresent & _str_eq(ol, orr)
    acronym = opresent & (((al != "") & _str_eq(al, orr)) | ((ar != "") & _str_eq(ar, ol)))
    ofuzzy = opresent & ~oexact & ((osim >= 0.9) | acronym)
    X["org_exact"], X["org_fuzzy"] = oexact, ofuzzy
    X["org_diff"] = opresent & ~oexact & ~ofuzzy
    X["org_sim"] = osim

    # --- url and slug
    ul, ur = pick("url_canon")
    upresent = (ul != "") & (ur != "")
    uexact = upresent & _str_eq(ul, ur)
    sl, sr = pick("slug")
    X["url_exact"] = uexact
    X["slug_exact"] = ~uexact & (sl != "") & _str_eq(sl, sr)
    hl, hr = pick("platform_key")
    host_l, host_r = pick("url_host")
    X["url_same_host_other_path"] = upresent & ~uexact & ~X["slug_exact"] & _str_eq(host_l, host_r)

    # --- platform
    ppresent = pd.notna(hl) & pd.notna(hr)
    psame = ppresent & _str_eq(hl, hr)
    X["platform_same"], X["platform_diff"] = psame, ppresent & ~psame

    # --- duration
    dl, dr = pick("duration")
    dl = dl.astype(np.float64)
    dr = dr.astype(np.float64)
    dpresent = ~np.isnan(dl) & ~np.isnan(dr)
    with np.errstate(invalid="ignore", divide="ignore"):
        big = np.maximum(np.abs(dl), np.abs(dr))
        rel = np.abs(dl - dr) / np.where(big > 0, big, 1.0)
    X["duration_close"] = dpresent & (rel <= 0.15)
    X["duration_far"] = dpresent & (rel > 0.5)

    # --- level, language
    for name, key in (("level", "level_key"), ("language", "language_key")):
        a, b = pick(key)
        present = pd.notna(a) & pd.notna(b)
        same = present & _str_eq(a, b)
        X[f"{name}_same"], X[f"{name}_diff"] = same, present & ~same

    # --- description
    xl, xr = pick("desc_norm")
    xpresent = (xl != "") & (xr != "")
    idx = np.flatnonzero(xpresent)
    xsim = np.zeros(n)
    if len(idx):
        xsim[idx] = _cpdist(xl[idx], xr[idx], fuzz.token_set_ratio, workers)
    X["desc_high"] = xpresent & (xsim >= 0.9)
    X["desc_mid"] = xpresent & (xsim >= 0.7) & (xsim < 0.9)
    X["desc_low"] = xpresent & (xsim < 0.5)
    X["desc_sim"] = xsim

    out = pd.DataFrame({f: np.asarray(X[f], dtype=np.float32) for f in FEATURES})
    return out


def predict_proba(signals: pd.DataFrame, params: MatchParams) -> np.ndarray:
    z = signals[FEATURES].to_numpy(dtype=np.float64) @ params.vector() + params.intercept
    return 1.0 / (1.0 + np.exp(-z))


def explain(signals: pd.DataFrame, params: MatchParams, rows: np.ndarray | None = None) -> list[str]:
    """One line per pair: each signal that fired, its value and its contribution in log-odds."""
    S = signals[FEATURES].to_numpy(dtype=np.float64)
    if rows is not None:
        S = S[rows]
    w = params.vector()
    out = []
    for row in S:
        parts = []
        for j in np.flatnonzero(row):
            contrib = w[j] * row[j]
            if FEATURES[j].endswith("_sim"):
                parts.append(f"{FEATURES[j]}={row[j]:.2f}({contrib:+.2f})")
            else:
                parts.append(f"{FEATURES[j]}({contrib:+.2f})")
        out.append("; ".join(parts))
    return out


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
