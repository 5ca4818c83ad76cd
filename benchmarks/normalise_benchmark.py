"""Benchmark: normalise one million realistic raw listing records; print records/s and peak RSS.

    .venv/bin/python benchmarks/normalise_benchmark.py [--rows 1000000] [--noise 0.02] [--seed 4]

Records are drawn from pools of realistic raw strings in the shapes providers publish (edX effort and length,
Coursera workload and "Approx. N hours", MOOChub ISO 8601, Microsoft Learn minutes, edX/Coursera/iversity
prices, Udemy/edX levels, language names and codes, ISO/RSS/epoch dates, organisation spellings), with a
Zipf-like repetition (a few values are very common, most are rare) and a share of unique noise per column
(``--noise``, default 2 %: random numbers, misspellings, unknown organisations). The pools are written here;
with ``--shared-data DIR`` (default: ``$CREDCAT_SHARED_DATA``, else ``../shared/data`` or
``../../shared/data`` if present) the edX and
Coursera catalogue CSVs there widen the organisation, effort, length and price pools (read locally only,
nothing is copied). It works the same without them and says which pools it used.

Timed: one cold call of ``pipeline.normalise.frame.normalise_frame`` (fresh process: empty caches, CLDR
loaded on first use) over the whole DataFrame. Peak RSS is the process's ``ru_maxrss`` (includes the
generated input), measured after the run; the RSS before the call is printed too.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.normalise.frame import normalise_frame  # noqa: E402

ORGS = [
    "Harvard University", "HarvardX", "Massachusetts Institute of Technology", "MITx", "IBM", "Google",
    "Google Cloud", "Microsoft", "University of Michigan", "The University of Michigan", "Università Bocconi",
    "Universita Bocconi", "ETH Zurich", "ETH Zürich", "École Polytechnique Fédérale de Lausanne", "EPFL",
    "Delft University of Technology", "DelftX", "Wageningen University & Research", "Stanford University",
    "University of Pennsylvania", "Duke University", "Yale University", "DeepLearning.AI", "Amazon Web Services",
    "University of London", "Universiteit Leiden", "The University of Edinburgh", "Tsinghua University",
    "Universitat Politècnica de Valencia", "Tecnológico de Monterrey", "KU Leuven University", "SAP",
    "openHPI", "Universität Osnabrück", "Fachhochschule Lübeck", "Technische Universität München",
    "Delft University of Technology-Wageningen University & Research", "Some Training Company Ltd",
    "Acme Learning GmbH", "Coursera Project Network", "LinkedIn Learning", "Udemy Instructor",
]
EFFORTS = [
    "2–4 hours per week", "2–3 hours per week", "3–5 hours per week", "3–4 hours per week", "4–6 hours per week",
    "8–10 hours per week", "1–2 hours per week", "5-10 hours/week", "4-8 hours/week", "10-12 hours/week",
    "Approx. 40 hours to complete", "Approx. 22 hours to complete", "Approximately 6 months to complete",
    "3 months at 10 hours a week", "1 month at 10 hours a week", "PT10H", "PT1H30M", "P6W", "P8W",
    "Duration: 5 weeks (4 - 6 hours per week)", "90 minutes", "1h 30m", "Less than 1 hour", "2 Stunden",
    "3-4 Stunden pro Woche", "2 à 3 heures par semaine", "3 horas por semana", "Self-paced", "",
]
LENGTHS = ["4 Weeks", "6 Weeks", "5 Weeks", "7 Weeks", "8 Weeks", "10 Weeks", "12 Weeks", "6 weeks", "4 weeks",
           "2 Weeks", "3 Weeks", None]
PRICES = [
    "FREE-Add a Verified Certificate for $49 USD", "FREE-Add a Verified Certificate for $99 USD",
    "FREE-Add a Verified Certificate for $199 USD", "Free", "Free (audit)", "Free to audit; certificate $99",
    "$49/month", "$59/month", "$39 per month", "49 €", "149 €", "£1,299", "₹ 3,499", "USD 49.00", "0", "200",
    "Paid", "Kostenlos", "gratuit", "$1,350", None,
]
LEVELS = ["All Levels", "Beginner Level", "Intermediate Level", "Expert Level", "Introductory", "Intermediate",
          "Advanced", "Beginner", "beginner", "Mixed", "Anfänger", "beginner, intermediate", None]
LANGUAGES = ["English", "en", "en-US", "Español", "es", "Deutsch", "de", "German", "Français", "fr", "zh-CN",
             "中文", "Português", "pt-BR", "Italiano", "日本語", "Mandarin", "Spanish; Castilian", "English, Español",
             "en_us", None]
DATES_FIXED = ["2017-02-14T00:00:00Z", "Feb 14, 2017", "14.02.2017", "Tue, 12 Jan 2016 11:52:58 -0500"]
TITLE_WORDS = ("Introduction to|Foundations of|Advanced|Applied|Data|Machine Learning|Python|Cloud|Finance|"
               "Marketing|Leadership|Statistics|Biology|Climate|Design|Programming|Networks|Ethics|Law|Music").split("|")


def shared_pools(path: Path | None) -> dict[str, list[str]]:
    """Extra pool values from the local catalogue CSVs, if present (read only)."""
    extra: dict[str, list[str]] = {"organisation": [], "effort": [], "length": [], "price": []}
    if path is None:
        return extra
    edx = path / "mooc_catalogs" / "edx_courses.csv"
    coursera = path / "mooc_catalogs" / "coursera_courses.csv"
    if edx.exists():
        with edx.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                extra["organisation"].append(row["institution"])
                extra["effort"].append(row["course_effort"])
                extra["length"].append(row["course_length"])
                extra["price"].append(row["price"])
    if coursera.exists():
        with coursera.open(encoding="utf-8") as fh:
            extra["organisation"].extend(row["institution"] for row in csv.DictReader(fh))
    return extra


def zipf_choice(rng: np.random.Generator, pool: list, n: int, s: float = 1.1) -> np.ndarray:
    values = np.empty(len(pool), dtype=object)
    values[:] = pool
    weights = 1.0 / np.arange(1, len(pool) + 1) ** s
    rng.shuffle(weights)
    return values[rng.choice(len(pool), size=n, p=weights / weights.sum())]


def add_noise(rng: np.random.Generator, column: np.ndarray, share: float, make) -> None:
    idx = np.flatnonzero(rng.random(len(column)) < share)
    column[idx] = [make(int(i), int(r)) for i, r in zip(idx, rng.integers(0, 1_000_000, len(idx)))]


def generate(n: int, noise: float, seed: int, extra: dict[str, list[str]]) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    orgs = list(dict.fromkeys(ORGS + extra["organisation"]))
    efforts = list(dict.fromkeys(EFFORTS + extra["effort"]))
    lengths = list(dict.fromkeys(LENGTHS + extra["length"]))
    prices = list(dict.fromkeys(PRICES + extra["price"]))
    base = np.datetime64("2013-01-01T00:00:00")
    date_pool = DATES_FIXED + [str(base + np.timedelta64(int(d), "D")) + "+00:00" for d in range(0, 4000, 3)]
    date_pool += [str(int((base + np.timedelta64(int(d), "D")).astype("datetime64[ms]").astype(np.int64)))
                  for d in range(0, 4000, 7)]
    titles = [f"{a} {b}" for a in TITLE_WORDS for b in TITLE_WORDS if a != b]
    df = pd.DataFrame(
        {
            "title": zipf_choice(rng, titles, n, 0.6),
            "organisation": zipf_choice(rng, orgs, n),
            "duration_text": zipf_choice(rng, efforts, n),
            "length_text": zipf_choice(rng, lengths, n),
            "price_text": zipf_choice(rng, prices, n),
            "level_text": zipf_choice(rng, LEVELS, n),
            "language_text": zipf_choice(rng, LANGUAGES, n),
            "date_text": zipf_choice(rng, date_pool, n, 0.8),
        }
    )
    cols = {c: df[c].to_numpy(dtype=object, copy=True) for c in df.columns}
    add_noise(rng, cols["title"], noise, lambda i, r: f"Course {i}: {TITLE_WORDS[r % len(TITLE_WORDS)]}")
    add_noise(rng, cols["organisation"], noise, lambda i, r: f"Academy {r} of Learning")
    add_noise(rng, cols["duration_text"], noise, lambda i, r: f"{r % 40 + 1}-{r % 40 + 3 + i % 5} hours/week {r}")
    add_noise(rng, cols["price_text"], noise, lambda i, r: f"${r % 500}.{i % 100:02d} USD")
    add_noise(rng, cols["level_text"], noise / 4, lambda i, r: f"level {r}")
    add_noise(rng, cols["language_text"], noise / 4, lambda i, r: f"lang-{r}")
    add_noise(rng, cols["date_text"], noise, lambda i, r: f"{1_400_000_000_000 + r * 997_000 + i}")
    return pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in cols.items()})


def rss_mib() -> float:
    """Peak RSS of this process image. /proc's VmHWM starts afresh at exec, unlike ru_maxrss, which a child
    inherits from the parent that forked it (the benchmark's children would otherwise report its 1 GB input)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def pipeline_child(parquet: str, where: str = "disk") -> int:
    """The refresh's own path over the generated records, in a fresh process (clean peak RSS): raw_listings in
    a DuckDB file -> staging -> distinct values parsed once (pipeline.normalise.lookups) -> intermediate SQL
    (dedupe, content hash, parsed values joined back, stacking references)."""
    import tempfile

    import duckdb

    from pipeline import warehouse
    from pipeline.schema import LISTING_COLUMNS

    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(f"{tmp}/bench.duckdb" if where == "disk" else ":memory:")
        if where == "disk":  # as a refresh with CREDCAT_DUCKDB_MEMORY set: DuckDB spills beyond the cap
            con.execute(f"set memory_limit = '{os.environ.get('CREDCAT_DUCKDB_MEMORY', '1GB')}'")
        cols = ", ".join(f'"{c}" {t}' for c, t in LISTING_COLUMNS.items())
        con.execute(f"create table raw_listings ({cols}, crawl_run VARCHAR, feed_file VARCHAR)")
        con.execute("""
            insert into raw_listings (source, source_id, uid, title, url, credential_type, organisation,
                duration_text, length_text, cost_text, level_text, language_text, fetched_at, source_url, raw, crawl_run,
                feed_file)
            select 'bench', 'r' || row_number() over (), 'bench:r' || row_number() over (), title,
                   'https://example.test/' || row_number() over (), 'course', organisation,
                   duration_text, length_text, price_text, level_text,
                   language_text, now(), 'https://example.test/feed', '{}', 'bench', 'bench'
            from read_parquet(?)""", [parquet])
        con.execute("create table raw_quarantine (source VARCHAR, source_url VARCHAR, reason VARCHAR, "
                    "message VARCHAR, raw VARCHAR, source_id VARCHAR, fetched_at TIMESTAMPTZ, spider VARCHAR, "
                    "crawl_run VARCHAR, feed_file VARCHAR)")
        n = con.execute("select count(*) from raw_listings").fetchone()[0]
        rss_before = rss_mib()
        t0 = time.perf_counter()
        steps = warehouse.build(con, ["int_listings_normalised", "int_stack_references"], given=["raw_listings"])
        parsed = {k: v for k, v in steps["parse_values"].items() if k != "seconds"}
        elapsed = time.perf_counter() - t0
        peak = rss_mib()
        filled = con.execute("select avg((duration_hours is not null)::int), avg((cost_kind is not null)::int), "
                             "avg((level is not null)::int), avg((language is not null)::int) "
                             "from int_listings_normalised").fetchone()
        con.close()
    label = ("pipeline path (working catalogue on disk, as a refresh, DuckDB memory_limit "
             f"{os.environ.get('CREDCAT_DUCKDB_MEMORY', '1GB')})" if where == "disk" else "pipeline path (in-memory DuckDB)")
    print(f"{label}: distinct values parsed per kind: { {k: v for k, v in parsed.items() if v} }")
    print(f"{label}: share of rows with a parsed value: duration_hours {filled[0]:.1%}, cost_kind {filled[1]:.1%}, "
          f"level {filled[2]:.1%}, language {filled[3]:.1%}")
    print(f"{label}: normalised {n:,} records in {elapsed:.2f} s = {n / elapsed:,.0f} records/s")
    print(f"{label}: peak RSS {peak:,.0f} MiB (after loading the raw table: {rss_before:,.0f} MiB)")
    return 0


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--pipeline-child":
        return pipeline_child(sys.argv[2], sys.argv[3])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--noise", type=float, default=0.02)
    ap.add_argument("--seed", type=int, default=4)
    candidates = [os.environ.get("CREDCAT_SHARED_DATA"), REPO.parent / "shared" / "data",
                  REPO.parents[1] / "shared" / "data"]  # main checkout: ../shared; a worktree: ../../shared
    default_shared = next((str(c) for c in candidates if c and Path(c).is_dir()), "")
    ap.add_argument("--shared-data", default=default_shared, help="folder with mooc_catalogs/ ('' = none)")
    ap.add_argument("--pipeline", action="store_true",
                    help="also time the refresh's own path (DuckDB staging + lookups + intermediate SQL) in a child process")
    args = ap.parse_args()

    shared = Path(args.shared_data) if args.shared_data else None
    extra = shared_pools(shared if shared and shared.is_dir() else None)
    used = {k: len(v) for k, v in extra.items() if v}
    print(f"pools: built-in{' + local catalogues at ' + str(shared) + ' ' + str(used) if used else ' only'}")

    t0 = time.perf_counter()
    df = generate(args.rows, args.noise, args.seed, extra)
    gen_s = time.perf_counter() - t0
    distinct = {c: df[c].nunique(dropna=False) for c in df.columns}
    print(f"generated {len(df):,} records in {gen_s:.1f} s; distinct values per column: {distinct}")
    rss_before = rss_mib()

    t0 = time.perf_counter()
    out = normalise_frame(df)
    elapsed = time.perf_counter() - t0
    peak = rss_mib()

    parsed = {
        "duration_hours": out["duration_hours"].notna().mean(),
        "cost_kind": out["cost_kind"].notna().mean(),
        "level": out["level"].notna().mean(),
        "language": out["language"].notna().mean(),
        "date_utc": out["date_utc"].notna().mean(),
        "organisation_known": out["organisation_known"].mean(),
    }
    print("share of rows with a parsed value: " + ", ".join(f"{k} {v:.1%}" for k, v in parsed.items()))
    print(f"output: {out.shape[1]} columns ({out.shape[1] - df.shape[1]} parsed)")
    print(f"normalised {len(df):,} records in {elapsed:.2f} s = {len(df) / elapsed:,.0f} records/s")
    print(f"peak RSS {peak:,.0f} MiB (before normalising: {rss_before:,.0f} MiB)")
    if args.pipeline:
        import subprocess
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            parquet = f"{tmp}/raw.parquet"
            df.to_parquet(parquet)
            del df, out
            for where in ("memory", "disk"):
                subprocess.run([sys.executable, __file__, "--pipeline-child", parquet, where], check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
