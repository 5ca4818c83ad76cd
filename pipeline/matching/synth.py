"""Labelled data for calibration, evaluation and benchmarking: real listings and the drift real crawls show.

* :func:`load_mooc_listings` reads the MOOC catalogues in ``../shared/data/mooc_catalogs/`` (Coursera, edX,
  Udemy). Those CSVs carry no licence: they are read in place, never copied into the repository.
* :func:`perturb` makes a duplicate of a listing the way real sources drift: case and diacritics lost,
  punctuation and dashes dropped, subtitle cut, organisation alias, URL variants (tracking parameters,
  aggregator page, a provider's second page), truncated description, missing fields.
* :func:`make_labelled_set` builds a labelled catalogue from base listings: duplicates (same offering),
  re-runs and cross-platform copies (equivalent: same course, other offering), and hard negatives
  (same title at another institution, "Part 2" of the same course).
* :func:`generate_catalogue` builds a catalogue of any size with known truth from listing shapes (real
  vocabulary when the shared data is present, a built-in vocabulary otherwise).

Truth columns: ``dup_id`` (records of one offering: the clusters deduplication must find) and ``course_id``
(records of one course: duplicates plus same_as equivalents).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.normalise import parse_duration, parse_language, parse_level



def shared_data_dir() -> Path | None:
    """``../shared/data`` as seen from the repository (or from a worktree further down), or
    ``$CREDCAT_SHARED_DATA``; None when absent."""
    import os

    env = os.environ.get("CREDCAT_SHARED_DATA")
    if env:
        return Path(env) if Path(env).is_dir() else None
    for parent in Path(__file__).resolve().parents[2:]:
        cand = parent / "shared" / "data"
        if cand.is_dir():
            return cand
    return None

PLATFORM_HOSTS = {"coursera": "https://www.coursera.org/learn/", "edx": "https://www.edx.org/course/",
                  "udemy": "https://www.udemy.com/course/", "futurelearn": "https://www.futurelearn.com/courses/",
                  "mslearn": "https://learn.microsoft.com/training/paths/"}


def _rounded(hours: float | None) -> float | None:
    return None if hours is None else round(hours, 1)


def _slugify(text: str) -> str:
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-")[:60]


def load_mooc_listings(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Real listings from the shared MOOC catalogues, one row per listing (empty frame if absent)."""
    if data_dir:
        d = Path(data_dir)
    else:
        shared = shared_data_dir()
        if shared is None:
            return pd.DataFrame(columns=["id", "title", "organisation", "platform", "url", "description",
                                         "duration_hours", "level", "language"])
        d = shared / "mooc_catalogs"
    rows = []
    if (d / "coursera_courses.csv").exists():
        with open(d / "coursera_courses.csv", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                rows.append({"id": f"coursera:{r['course_id']}", "title": r["name"], "organisation": r["institution"],
                             "platform": "coursera", "url": r["course_url"], "description": None,
                             "duration_hours": None, "level": None, "language": "en"})
    if (d / "edx_courses.csv").exists():
        with open(d / "edx_courses.csv", encoding="utf-8") as f:
            for i, r in enumerate(csv.DictReader(f)):
                rows.append({"id": f"edx:{i}", "title": r["title"], "organisation": r["institution"],
                             "platform": "edx", "url": r["course_url"],
                             "description": (r["summary"] + " " + r["course_description"]).strip()[:1000] or None,
                             "duration_hours": _rounded(parse_duration(r["course_effort"], r["course_length"]).hours),
                             "level": parse_level(r["Level"]).level, "language": parse_language(r["language"]).tag})
    if (d / "udemy_courses.csv").exists():
        with open(d / "udemy_courses.csv", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                rows.append({"id": f"udemy:{r['course_id']}", "title": r["course_title"], "organisation": None,
                             "platform": "udemy", "url": r["url"], "description": None,
                             "duration_hours": float(r["content_duration"]) if r["content_duration"] else None,
                             "level": parse_level(r["level"]).level, "language": "en"})
    return pd.DataFrame(rows, columns=["id", "title", "organisation", "platform", "url", "description",
                                       "duration_hours", "level", "language"])


# ---------------------------------------------------------------------------------------------- drift
def _strip_diacritics(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def drift_title(title: str, rng: np.random.Generator) -> str:
    ops = rng.choice(["lower", "upper", "diacritics", "punct", "dashes", "subtitle", "amp", "spaces", "suffix"],
                     size=rng.integers(1, 3), replace=False)
    t = title
    for op in ops:
        if op == "lower":
            t = t.lower()
        elif op == "upper":
            t = t.upper()
        elif op == "diacritics":
            t = _strip_diacritics(t)
        elif op == "punct":
            t = re.sub(r"[^\w\s]", "", t)
        elif op == "dashes":
            t = re.sub(r"\s*[-\u2013\u2014:|]\s*", " ", t)
        elif op == "subtitle":
            cut = re.split(r"\s*(?::|\||\s[-\u2013\u2014]\s|\()", t, maxsplit=1)[0]
            t = cut if cut.strip() else t
        elif op == "amp":
            t = t.replace(" and ", " & ") if " and " in t else t.replace("&", "and")
        elif op == "spaces":
            t = "  " + t.replace(" ", "  ") + " "
        elif op == "suffix":
            t = t + rng.choice([" | Online Course", " - Free Course", " (Self-paced)"])
    return t


def drift_org(org: str | None, rng: np.random.Generator) -> str | None:
    if not org:
        return org
    r = rng.random()
    if r < 0.45:
        return org
    if r < 0.6:
        return org[4:] if org.startswith("The ") else "The " + org
    if r < 0.72:
        return org.replace("University", "Univ.") if "University" in org else org.upper()
    if r < 0.82:
        words = [w for w in re.findall(r"[A-Za-z]+", org) if w.lower() not in {"the", "of", "and", "at", "for"}]
        return "".join(w[0].upper() for w in words) if len(words) >= 3 else _strip_diacritics(org).lower()
    if r < 0.92:
        return _strip_diacritics(org).lower()
    return None


def drift_url(url: str | None, title: str, rng: np.random.Generator, n: int) -> str | None:
    if not url:
        return url
    r = rng.random()
    if r < 0.5:  # cosmetic: same canonical URL
        u = url
        if rng.random() < 0.5:
            u = u.rstrip("/") + "/"
        if rng.random() < 0.5:
            u = u + ("&" if "?" in u else "?") + "utm_source=newsletter&utm_medium=email"
        if rng.random() < 0.3:
            u = u.replace("https://www.", "http://")
        return u
    if r < 0.75:  # aggregator page for the same course, keeping the provider's slug
        slug = url.rstrip("/").rsplit("/", 1)[-1]
        return f"https://www.classcentral.com/course/{slug}-{n}"
    if r < 0.9:  # the provider's second page for the same offering
        return url.rstrip("/").rsplit("/", 1)[0] + f"/{_slugify(title)[:30]}-{n}"
    return None


def perturb(rec: dict, rng: np.random.Generator, n: int) -> dict:
    """A duplicate of ``rec``: the same offering as another crawl, an aggregator or a second page shows it."""
    out = dict(rec)
    out["title"] = drift_title(rec["title"], rng) if rng.random() < 0.85 else rec["title"]
    out["organisation"] = drift_org(rec["organisation"], rng)
    out["url"] = drift_url(rec["url"], rec["title"], rng, n)
    d = rec.get("description")
    if isinstance(d, str) and d:
        r = rng.random()
        out["description"] = d if r < 0.5 else (d[: max(40, int(len(d) * rng.uniform(0.3, 0.9)))] if r < 0.85 else None)
    if rec.get("duration_hours") is not None and not np.isnan(rec["duration_hours"]) and rng.random() < 0.3:
        out["duration_hours"] = None if rng.random() < 0.5 else round(float(rec["duration_hours"]) * rng.uniform(0.9, 1.1), 1)
    for f in ("level", "language"):
        if rng.random() < 0.2:
            out[f] = None
    return out


def make_labelled_set(base: pd.DataFrame, *, seed: int = 0, dup_rate: float = 0.45, rerun_rate: float = 0.05,
                      cross_rate: float = 0.05, negative_rate: float = 0.08) -> pd.DataFrame:
    """A labelled catalogue from base listings (one distinct course each) with ``dup_id`` and ``course_id``.

    Base listings that share a normalised title and organisation across platforms (a university's course on
    Coursera and edX) are given one ``course_id``: they are equivalent, not duplicates.
    """
    rng = np.random.default_rng(seed)
    recs = [{k: (None if isinstance(v, float) and np.isnan(v) and k != "duration_hours" else v) for k, v in r.items()}
            for r in base.to_dict("records")]
    norm = lambda s: re.sub(r"[^a-z0-9]+", " ", _strip_diacritics(s or "").lower()).strip()  # noqa: E731
    org_norm = lambda s: re.sub(r"\b(the|of)\b", " ", norm(s)).split()  # noqa: E731
    course_of: dict[tuple, str] = {}
    out = []
    for i, r in enumerate(recs):
        key = (norm(r["title"]), " ".join(org_norm(r["organisation"])))
        cid = course_of.setdefault(key, f"c{i}") if key[1] else f"c{i}"
        r = dict(r, dup_id=f"d{i}", course_id=cid)
        out.append(r)
        k = 0
        # duplicates of the same offering
        if rng.random() < dup_rate:
            for _ in range(int(rng.choice([1, 1, 1, 2, 2, 3]))):
                k += 1
                out.append(dict(perturb(r, rng, k), id=f"{r['id']}~dup{k}"))
        # a new run of the course: same platform, other offering
        if rng.random() < rerun_rate:
            year = int(rng.choice([2023, 2024, 2025]))
            run = dict(r, id=f"{r['id']}~run{year}", dup_id=f"d{i}r", title=f"{r['title']} ({year})",
                       url=(r["url"].rstrip("/") + f"-{year}") if r["url"] else None)
            out.append(run)
        # the same course on another platform
        if rng.random() < cross_rate and r["organisation"]:
            plat = str(rng.choice([p for p in PLATFORM_HOSTS if p != r["platform"]]))
            out.append(dict(perturb(r, rng, 99), id=f"{r['id']}~{plat}", dup_id=f"d{i}x", platform=plat,
                            url=PLATFORM_HOSTS[plat] + _slugify(r["title"])))
        # hard negatives: part 2 of the course at the same institution; same title at another institution
        if rng.random() < negative_rate:
            if rng.random() < 0.5:
                t = re.sub(r"\b(1|I)\b", "2", r["title"]) if re.search(r"\b(1|I)\b", r["title"]) else r["title"] + ": Part 2"
                out.append(dict(r, id=f"{r['id']}~part2", dup_id=f"n{i}", course_id=f"n{i}", title=t,
                                url=(r["url"].rstrip("/") + "-part-2") if r["url"] else None,
                                description=None))
            else:
                other = recs[int(rng.integers(len(recs)))]["organisation"] or "Open University"
                if other != r["organisation"]:
                    out.append(dict(r, id=f"{r['id']}~other", dup_id=f"o{i}", course_id=f"o{i}", organisation=other,
                                    url=(r["url"].rstrip("/") + "-0") if r["url"] else None, description=None,
                                    duration_hours=None))
    return pd.DataFrame(out)


def split_base(base: pd.DataFrame, *, fraction: float = 0.5, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Disjoint train/test base listings (by a seeded permutation), so no course is in both."""
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(base))
    cut = int(len(base) * fraction)
    return base.iloc[np.sort(perm[:cut])].reset_index(drop=True), base.iloc[np.sort(perm[cut:])].reset_index(drop=True)


# ----------------------------------------------------------------------------------- scaled generator
BUILTIN_SUBJECTS = """machine learning;data science;python programming;financial accounting;project management;
introduction to psychology;public health;organic chemistry;linear algebra;calculus;cloud computing;
digital marketing;supply chain management;human rights;climate change;web development;cybersecurity;
statistics;negotiation;leadership;genetics;neuroscience;astronomy;microeconomics;macroeconomics;
philosophy;creative writing;graphic design;software engineering;databases;sql;deep learning;
artificial intelligence;blockchain;corporate finance;marketing analytics;user experience design;
data visualization;network security;operating systems;algorithms;quantum computing;renewable energy;
nutrition;epidemiology;international law;music theory;art history;world history;spanish;english grammar""".replace("\n", "").split(";")
BUILTIN_ORG_STEMS = """Michigan;Toronto;Edinburgh;Melbourne;Leiden;Delft;Lausanne;Geneva;Copenhagen;Stanford;Yale;
Harvard;Columbia;Pennsylvania;Virginia;Illinois;Colorado;Washington;California;London;Manchester;Sydney;
Tokyo;Hong Kong;Barcelona;Madrid;Milan;Munich;Zurich;Vienna;Prague;Warsaw;Helsinki;Oslo;Dublin;Glasgow;
Amsterdam;Utrecht;Ghent;Leuven;Lisbon;Porto;Athens;Cape Town;Nairobi;Lagos;Cairo;Delhi;Mumbai;Bangalore;
Singapore;Seoul;Beijing;Tsinghua;Peking;Sao Paulo;Mexico;Bogota;Santiago;Lima;Montreal;Calgary;Alberta""".replace("\n", "").split(";")
PREFIXES = ["", "", "", "Introduction to ", "Foundations of ", "Advanced ", "Applied ", "Fundamentals of ",
            "Principles of ", "Topics in ", "Essentials of ", "Mastering ", "Getting Started with "]
SUBTITLES = ["", "", "", "", ": A Practical Introduction", ": Concepts and Tools", " for Beginners",
             " - Part 1", " - Part 2", ": Theory and Practice", " for Business", " (Self-Paced)",
             ": From Basics to Practice", " in Practice", " for Healthcare", " with Python"]
WORDS = ("learn understand apply analyse model design build evaluate data methods tools practice theory "
         "skills course students module week project case studies research introduction concepts framework "
         "systems process quality management strategy analysis team communication problem solving critical "
         "thinking applications examples exercises assessment knowledge career professional industry global "
         "local policy ethics history future technology science engineering business health society").split()


def _vocab(data_dir: str | Path | None):
    base = load_mooc_listings(data_dir)
    if len(base) >= 500:
        subjects = sorted({re.split(r"\s*(?::|\||\s[-\u2013\u2014]\s|\()", t, maxsplit=1)[0].strip()
                           for t in base["title"].dropna() if 3 <= len(t) <= 80})
        orgs = sorted({o for o in base["organisation"].dropna() if o and o != "edX"})
        descs = [d for d in base["description"].dropna().tolist() if len(d) > 80]
        return subjects, orgs, descs, "shared mooc_catalogs"
    subjects = [s.strip().title() for s in BUILTIN_SUBJECTS]
    orgs = [f"University of {s}" for s in BUILTIN_ORG_STEMS] + [f"{s} Institute of Technology" for s in BUILTIN_ORG_STEMS]
    return subjects, orgs, [], "built-in vocabulary"


def generate_catalogue(n: int, *, seed: int = 42, data_dir: str | Path | None = None) -> tuple[pd.DataFrame, str]:
    """About ``n`` listings with truth columns ``dup_id`` and ``course_id``; returns (frame, vocabulary source).

    Courses are drawn as (organisation, prefix + subject + subtitle) from the vocabulary, so real collisions
    occur: the same title at several institutions, Part 1 and Part 2 at one. Each course is published on one
    platform; 40% of offerings are seen 2-6 times with drift; 3% have a re-run, 3% a copy on another platform.
    """
    rng = np.random.default_rng(seed)
    subjects, orgs, descs, source = _vocab(data_dir)
    n_orgs = max(50, min(len(orgs) * 4, n // 40))
    # more organisations at scale: real names plus campus/department variants
    org_pool = [orgs[i % len(orgs)] + ("" if i < len(orgs) else f" {['Online', 'Global', 'Extension', 'Business School', 'School of Medicine', 'Institute'][i // len(orgs) % 6]}" + ("" if i < 6 * len(orgs) else f" {i}"))
                for i in range(n_orgs)]
    platforms = np.array(list(PLATFORM_HOSTS))
    pweights = np.array([0.4, 0.3, 0.15, 0.1, 0.05])
    rows = []
    cid = 0
    desc_words = np.array(WORDS)
    while len(rows) < n:
        cid += 1
        org = org_pool[int(rng.integers(len(org_pool)))]
        title = (PREFIXES[int(rng.integers(len(PREFIXES)))] + subjects[int(rng.integers(len(subjects)))]
                 + SUBTITLES[int(rng.integers(len(SUBTITLES)))])
        plat = str(platforms[np.searchsorted(np.cumsum(pweights), rng.random())])
        slug = _slugify(title)
        url = PLATFORM_HOSTS[plat] + f"{slug}-{cid}"
        if descs and rng.random() < 0.7:
            desc = descs[int(rng.integers(len(descs)))][:400]
            desc = f"{title}. " + desc
        else:
            desc = f"{title}. " + " ".join(rng.choice(desc_words, size=30))
        base = {"id": f"{plat}:{cid}", "title": title, "organisation": org, "platform": plat, "url": url,
                "description": desc, "duration_hours": float(rng.choice([2, 4, 6, 10, 12, 20, 30, 40])),
                "level": str(rng.choice(["beginner", "intermediate", "advanced", "mixed"])),
                "language": str(rng.choice(["en", "en", "en", "es", "fr"])), "dup_id": f"d{cid}", "course_id": f"c{cid}"}
        rows.append(base)
        if rng.random() < 0.4:
            for k in range(int(rng.choice([1, 1, 1, 2, 2, 3, 4, 5]))):
                rows.append(dict(perturb(base, rng, k + 1), id=f"{base['id']}~{k + 1}"))
        if rng.random() < 0.03:
            year = int(rng.choice([2023, 2024, 2025]))
            rows.append(dict(base, id=f"{base['id']}~run{year}", dup_id=f"d{cid}r", title=f"{title} ({year})",
                             url=f"{url}-{year}"))
        if rng.random() < 0.03:
            other = str(rng.choice([p for p in PLATFORM_HOSTS if p != plat]))
            rows.append(dict(perturb(base, rng, 9), id=f"{other}:{cid}x", dup_id=f"d{cid}x", platform=other,
                             url=PLATFORM_HOSTS[other] + slug))
    df = pd.DataFrame(rows[:n])
    return df, source
