"""Labelled development sets of real re-listing drift, generated from the real MOOC catalogues at run time.

The catalogues in ``../shared/data/mooc_catalogs/`` (Coursera, edX, Udemy) carry no licence: they are read in
place and the sets are generated when evaluating, never committed. This generator is separate from the
benchmark generator (``pipeline/matching/synth.py``) on purpose: the benchmark measures speed at scale, these
sets measure whether the matcher holds on the drift aggregators and re-crawls really produce.

Two kinds of set, each built from a disjoint half of the catalogues (calibration / held-out test):

* ``relisting``: every provider listing, plus re-listings of a share of them by aggregators (title affixes
  such as "Free course:", "| Udemy", "(edX)", "- edX Course", "[100% OFF]", "by <org> | Coursera"; subtitles
  cut; titles truncated at a word boundary with or without an ellipsis; case, spacing, "&"/"and", accents,
  HTML entities, dropped punctuation, typos; the provider with or without "The", in capitals, without accents,
  abbreviated, missing; the aggregator's own URL, the provider's URL with tracking parameters, mangled
  separators, encoded slashes, a homepage, none; descriptions cut or missing), within-source repeats (the
  provider lists one course twice), and siblings made from real listings (the next number, "Part II", another
  level, another last segment of a series) that are different courses with their own re-listings.
* ``two_scrapes``: one catalogue scraped twice independently: each scrape misses a few listings, and the
  second differs as re-crawls do (spacing, entities, mangled or tracked URLs, a homepage URL for a few
  listings of one provider, organisation spelling, cut descriptions, rounded durations).

Truth: ``cluster_id`` = the offering. Every set is written as ``input.csv`` + ``truth.csv`` so
``credcat dedupe input.csv --out out.csv --truth truth.csv`` runs on it, with and without the ``url`` column.
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.matching import synth

PLATFORM_NAMES = {"coursera": "Coursera", "edx": "edX", "udemy": "Udemy"}
# title affixes seen on aggregator and coupon pages ({P}: the platform's name, {O}: the provider)
PREFIXES = ["Free course: ", "Online course: ", "Course: ", "Free Online Course: ", "[100% OFF] ", "[Free] ",
            "{P} Course: ", "{P} - ", "MOOC: ", "Free {P} Course: ", "(FREE) "]
SUFFIXES = [" | {P}", " ({P})", " Online", " Course", " - {P} Course", " | Free Online Course", " - Online Course", " on {P}",
            " | {P} Free Download", " [{P}]", " (Self-Paced)", " | MOOC List", " - {P} Coupon", " by {O} | {P}",
            " | Class Central", " - Free Course with Certificate", " | Coursesity", " course | Alison"]
AGGREGATOR_HOSTS = ["https://www.classcentral.com/course/", "https://www.mooc-list.com/course/",
                    "https://coursesity.com/course-detail/", "https://www.coursehero.com/courses/",
                    "https://freecoursesite.com/", "https://www.real.discount/offer/"]
HOMEPAGES = {"coursera": "https://www.coursera.org/", "edx": "https://www.edx.org/", "udemy": "https://www.udemy.com/"}
LEVEL_WORDS = ["Beginner", "Intermediate", "Advanced"]
# spellings one site uses and another does not (either direction)
SPELLING_SWAPS = [(r"\bIntroduction to\b", "Intro to"), (r"ization\b", "isation"), (r"izations\b", "isations"),
                  (r"\bBehavior\b", "Behaviour"), (r"\bCenter\b", "Centre"), (r"\bModeling\b", "Modelling"),
                  (r"\bAnalyze\b", "Analyse"), (r"\bProgram\b", "Programme")]
ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}


def _plain(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _plain(s).lower()).strip("-")[:60]


# ------------------------------------------------------------------------------------------------ drift
def drift_title(title: str, org: str | None, platform: str, rng: np.random.Generator, *, strong: bool) -> str:
    """A title as an aggregator (strong) or a re-crawl (not strong) shows it: first what happens to the text
    (subtitle cut, truncation at the site's length limit, punctuation, typos), then the site's own label,
    then presentation (case, spacing, HTML entities)."""
    t = title
    # a re-crawl reads the same source text: no typos, cuts or truncations, only what encoding and markup do
    content = ["amp", "accents", "punct"] + (["typo", "subtitle", "truncate", "subtitle", "truncate", "spelling"]
                                             if strong else [])
    for op in rng.choice(content, size=int(rng.integers(0 if strong else 1, 3)), replace=False):
        if op == "amp":
            t = t.replace(" and ", " & ") if " and " in t else t.replace("&", "and")
        elif op == "accents":
            t = _plain(t)
        elif op == "punct":
            t = re.sub(r"[^\w\s]", "", t) if rng.random() < 0.5 else re.sub(r"\s*[-\u2013\u2014:|]\s*", " ", t)
        elif op == "typo" and rng.random() < 0.5:
            words = [i for i, w in enumerate(t.split(" ")) if len(w) >= 6 and w.isalpha()]
            if words:
                parts = t.split(" ")
                i = int(rng.choice(words))
                w = parts[i]
                j = int(rng.integers(1, len(w) - 2))
                parts[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
                t = " ".join(parts)
        elif op == "spelling":  # another site's spelling: "Intro to", British or American forms
            for a, b in SPELLING_SWAPS:
                t = re.sub(a, b, t) if rng.random() < 0.5 else re.sub(b, a, t)
        elif op == "subtitle":
            head = re.split(r"\s*(?::|\||\s[-\u2013\u2014]\s|\(|\[)", t, maxsplit=1)[0]
            t = head if len(head.split()) >= 2 else t
        elif op == "truncate":
            limit = int(rng.choice([30, 40, 50, 60]))
            if len(t) > limit + 3:
                cut = t[:limit].rsplit(" ", 1)[0].rstrip(",;:-| ")
                if len(cut.split()) >= 2:
                    t = cut + str(rng.choice(["", "...", "\u2026", " ..."]))
    if strong:
        r = rng.random()
        if r < 0.35:
            t = str(rng.choice(PREFIXES)).format(P=PLATFORM_NAMES[platform]) + t
        elif r < 0.75:
            sfx = str(rng.choice(SUFFIXES))
            if "{O}" in sfx and not org:
                sfx = " | {P}"
            t = t + sfx.format(P=PLATFORM_NAMES[platform], O=org)
        elif r < 0.85:
            t = str(rng.choice(PREFIXES)).format(P=PLATFORM_NAMES[platform]) + t + str(rng.choice(SUFFIXES[:6])).format(P=PLATFORM_NAMES[platform])
    for op in rng.choice(["case", "spaces", "entities", "none"], size=int(rng.integers(1, 3)), replace=False):
        if op == "case":
            t = [str.upper, str.lower, str.title][int(rng.integers(3))](t)
        elif op == "spaces":
            t = ("  " if rng.random() < 0.5 else "") + re.sub(r" ", lambda _: " " * int(rng.integers(1, 3)), t) + (" " if rng.random() < 0.5 else "")
        elif op == "entities":
            t = html.escape(t) if rng.random() < 0.7 else t.replace("'", "&#39;")
    return t if t.strip() else title


def drift_org(org: str | None, rng: np.random.Generator, *, strong: bool) -> str | None:
    if not org or rng.random() < (0.4 if strong else 0.75):
        return org
    r = rng.random()
    if r < 0.3:
        return org[4:] if org.startswith("The ") else "The " + org
    if r < 0.5:
        return org.upper() if rng.random() < 0.5 else org.lower()
    if r < 0.65:
        return _plain(org)
    if r < 0.8:
        return org.replace("University", "Univ.") if "University" in org else org.replace(" and ", " & ")
    return None if strong else org


def mangle_url(url: str, rng: np.random.Generator) -> str:
    """The same URL as broken feeds and re-crawls print it."""
    r = rng.random()
    if r < 0.25:  # spaces around separators
        return re.sub(r"/", " / ", url).replace("https:", "https: ") if rng.random() < 0.5 else url.replace("/", " /  ")
    head, _, path = url.partition("://")
    host, _, rest = path.partition("/")
    if r < 0.4:  # path separators printed as commas
        return f"{head}://{host}," + rest.rstrip("/").replace("/", ",")
    if r < 0.55:  # percent-encoded slashes
        return f"{head}://{host}/" + rest.replace("/", "%2F")
    if r < 0.75:
        return url.rstrip("/") + "/?utm_source=newsletter&utm_medium=email&utm_campaign=" + str(int(rng.integers(1e6)))
    if r < 0.9:
        return url.replace("https://www.", "http://").upper() if rng.random() < 0.2 else url.replace("https://www.", "http://")
    return url.rstrip("/") + "/#reviews"


def drift_description(d, rng, *, strong: bool):
    if not isinstance(d, str) or not d:
        return d
    r = rng.random()
    if r < (0.4 if strong else 0.7):
        return d
    if r < 0.85:
        return d[: max(40, int(len(d) * rng.uniform(0.2, 0.8)))].rstrip() + "..."
    return None


# ------------------------------------------------------------------------------------------------ siblings
def sibling_title(title: str, rng: np.random.Generator, series_tails: list[str]) -> str | None:
    """The title of another course of the same series: the next number, another level, another last segment."""
    m = re.search(r"\b(\d)\b(?!.*\b\d\b)", title)
    if m and rng.random() < 0.6:
        n = str(int(m.group(1)) + 1)
        return title[: m.start(1)] + n + title[m.end(1):]
    m = re.search(r"\b(I|II|III)\b", title)
    if m:
        nxt = {"I": "II", "II": "III", "III": "IV"}[m.group(1)]
        return title[: m.start(1)] + nxt + title[m.end(1):]
    for i, lv in enumerate(LEVEL_WORDS):
        if re.search(rf"\b{lv}\b", title, re.I):
            return re.sub(rf"\b{lv}\b", LEVEL_WORDS[(i + 1) % 3], title, flags=re.I)
    r = rng.random()
    if ":" in title and r < 0.5 and series_tails:
        head = title.split(":", 1)[0]
        tail = str(rng.choice(series_tails))
        if tail.lower() != title.split(":", 1)[1].strip().lower():
            return f"{head}: {tail}"
        return None
    if r < 0.7:
        k = int(rng.integers(1, 3))
        return f"{title}, Part {ROMAN[str(k + 1)] if rng.random() < 0.5 else k + 1}"
    if r < 0.85:
        return f"{title} - Level {int(rng.integers(2, 5))}"
    return f"{LEVEL_WORDS[int(rng.integers(1, 3))]} {title}"


def _records(base: pd.DataFrame) -> list[dict]:
    return [{k: (None if (isinstance(v, float) and np.isnan(v)) else v) for k, v in r.items()}
            for r in base.to_dict("records")]


def _markers(title: str) -> str:
    from pipeline.matching.keys import norm_title, title_numbers
    return title_numbers(norm_title(title))


def _relist(rec: dict, rng: np.random.Generator, k: int) -> dict:
    out = dict(rec)
    out["id"] = f"{rec['id']}~agg{k}"
    # a cut that loses "Part 2" or "Level 4" makes a listing nobody can tell from Part 1: drawn again
    for _ in range(5):
        out["title"] = drift_title(rec["title"], rec["organisation"], rec["platform"], rng, strong=True)
        if _markers(out["title"]) == _markers(rec["title"]):
            break
    out["organisation"] = drift_org(rec["organisation"], rng, strong=True)
    u = rec["url"]
    r = rng.random()
    if u and r < 0.3:
        out["url"] = str(rng.choice(AGGREGATOR_HOSTS)) + _slug(rec["title"]) + (f"-{int(rng.integers(100, 99999))}" if rng.random() < 0.5 else "")
    elif u and r < 0.55:
        out["url"] = mangle_url(u, rng)
    elif u and r < 0.7:
        out["url"] = u
    elif r < 0.8:
        out["url"] = str(rng.choice(AGGREGATOR_HOSTS)).rsplit("/", 2)[0] + "/"  # the aggregator's homepage
    else:
        out["url"] = None
    out["description"] = drift_description(rec["description"], rng, strong=True)
    if rng.random() < 0.4:
        out["duration_hours"] = None
    for f in ("level", "language"):
        if rng.random() < 0.4:
            out[f] = None
    return out


def make_relisting_set(base: pd.DataFrame, *, seed: int = 0, relist_rate: float = 0.5, repeat_rate: float = 0.03,
                       sibling_rate: float = 0.12) -> pd.DataFrame:
    """Provider listings, their aggregator re-listings, within-source repeats and siblings (truth: cluster_id)."""
    rng = np.random.default_rng(seed)
    recs = _records(base)
    tails = [t.split(":", 1)[1].strip() for t in base["title"].dropna() if ":" in t and len(t.split(":", 1)[1].split()) <= 3]
    out: list[dict] = []

    def emit(rec: dict, cid: str):
        out.append(dict(rec, cluster_id=cid))
        if rng.random() < relist_rate:
            for k in range(int(rng.choice([1, 1, 2, 2, 3]))):
                out.append(dict(_relist(rec, rng, k + 1), cluster_id=cid))
        if rng.random() < repeat_rate:  # the provider lists the course twice
            rep = dict(rec, id=f"{rec['id']}~repeat", title=drift_title(rec["title"], rec["organisation"], rec["platform"], rng, strong=False))
            if rec["url"] and rng.random() < 0.5:
                rep["url"] = rec["url"].rstrip("/") + "/?ref=listing"
            out.append(dict(rep, cluster_id=cid))

    for rec in recs:
        emit(rec, rec["id"])
        if rng.random() < sibling_rate:
            t = sibling_title(rec["title"], rng, tails)
            if t and t != rec["title"]:
                sib = dict(rec, id=f"{rec['id']}~sib", title=t,
                           url=(rec["url"].rstrip("/") + "-2") if rec["url"] else None,
                           description=None if rng.random() < 0.5 else rec["description"],
                           duration_hours=rec["duration_hours"] if rng.random() < 0.5 else None)
                emit(sib, sib["id"])
    return pd.DataFrame(out).sample(frac=1.0, random_state=seed).reset_index(drop=True)


def _rescrape(rec: dict, rng: np.random.Generator, homepage_orgs: set) -> dict:
    out = dict(rec)
    out["title"] = drift_title(rec["title"], rec["organisation"], rec["platform"], rng, strong=False) if rng.random() < 0.3 else rec["title"]
    out["organisation"] = drift_org(rec["organisation"], rng, strong=False)
    u = rec["url"]
    if u:
        if (rec["organisation"] or rec["platform"]) in homepage_orgs and rng.random() < 0.5:
            out["url"] = HOMEPAGES[rec["platform"]]
        elif rng.random() < 0.35:
            out["url"] = mangle_url(u, rng)
    out["description"] = drift_description(rec["description"], rng, strong=False)
    if rec["duration_hours"] is not None and rng.random() < 0.3:
        out["duration_hours"] = round(float(rec["duration_hours"]))
    for f in ("level", "language"):
        if rng.random() < 0.1:
            out[f] = None
    return out


def make_two_scrapes(base: pd.DataFrame, *, seed: int = 0, coverage: float = 0.93) -> pd.DataFrame:
    """One catalogue scraped twice: each scrape misses a few listings; the second drifts as re-crawls do."""
    rng = np.random.default_rng(seed)
    recs = _records(base)
    orgs = sorted({r["organisation"] or r["platform"] for r in recs})
    homepage_orgs = set(rng.choice(orgs, size=max(1, len(orgs) // 20), replace=False).tolist())
    out = []
    for rec in recs:
        in_a, in_b = rng.random() < coverage, rng.random() < coverage
        if in_a:
            out.append(dict(rec, id=f"A:{rec['id']}", cluster_id=rec["id"]))
        if in_b or not in_a:
            out.append(dict(_rescrape(rec, rng, homepage_orgs), id=f"B:{rec['id']}", cluster_id=rec["id"]))
    return pd.DataFrame(out).sample(frac=1.0, random_state=seed).reset_index(drop=True)


def distinguishable(base: pd.DataFrame) -> pd.DataFrame:
    """The listings that some field other than the URL tells apart from every other listing.

    A few real listings repeat another's title on the same platform with no organisation (two Udemy
    instructors' "Learn PHP from Scratch"): without URLs nothing can separate them, so a set "without URLs"
    would measure a coin toss. They are left out here and measured on their own
    (evaluate_dedupe.within_source_repeats)."""
    from pipeline.matching.keys import norm_title
    key = pd.Series([norm_title(t) for t in base["title"]], index=base.index)
    noorg = base["organisation"].isna() | (base["organisation"].astype(str).str.strip() == "")
    rep = key.duplicated(keep=False) & noorg & base.assign(k=key).duplicated(["platform", "k"], keep=False)
    return base[~rep].reset_index(drop=True)


def development_sets(data_dir: Path | None = None, *, half: str = "test", seed: int = 2) -> dict[str, pd.DataFrame]:
    """The labelled sets of one half of the catalogues ("calibration" or "test", split by listing)."""
    base = distinguishable(synth.load_mooc_listings(data_dir))
    cal, test = synth.split_base(base)
    b = test if half == "test" else cal
    return {"relisting": make_relisting_set(b, seed=seed), "two_scrapes": make_two_scrapes(b, seed=seed + 100)}


INPUT_COLUMNS = ["id", "title", "organisation", "platform", "url", "description", "duration_hours", "level", "language"]


def write_set(frame: pd.DataFrame, directory: Path, *, urls: bool = True) -> tuple[Path, Path]:
    """``input.csv`` (without the url column when ``urls`` is false) and ``truth.csv`` (id, cluster_id)."""
    directory.mkdir(parents=True, exist_ok=True)
    cols = [c for c in INPUT_COLUMNS if urls or c != "url"]
    inp, truth = directory / "input.csv", directory / "truth.csv"
    frame[cols].to_csv(inp, index=False)
    frame[["id", "cluster_id"]].to_csv(truth, index=False)
    return inp, truth


if __name__ == "__main__":  # write the sets for `credcat dedupe ... --truth ...`
    import argparse

    ap = argparse.ArgumentParser(description="Write the re-listing development sets (generated, never committed).")
    ap.add_argument("--out", required=True, help="directory outside the repository")
    ap.add_argument("--half", default="test", choices=["test", "calibration"])
    ap.add_argument("--seed", type=int, default=2)
    a = ap.parse_args()
    for name, f in development_sets(half=a.half, seed=a.seed).items():
        for urls in (True, False):
            d = Path(a.out) / f"{name}_{'with' if urls else 'without'}_urls"
            i, t = write_set(f, d, urls=urls)
            print(f"{name} ({len(f)} records, {f['cluster_id'].nunique()} offerings) -> {i} {t}")
