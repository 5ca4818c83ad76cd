"""End-to-end refresh benchmark: generated listings across 20 providers, through everything after the crawl.

    python -m benchmarks.refresh_benchmark                          # 10k, 100k and 1M listings
    python -m benchmarks.refresh_benchmark --scales 10000,100000    # smaller

For each scale, listings are generated (``pipeline.matching.synth.generate_catalogue``: real listing shapes
from ``../shared/data/mooc_catalogs`` when present, a built-in vocabulary otherwise; duplicates and drift
included), spread over 20 providers and written as each provider's latest good crawl feed, in the crawl's
own on-disk format. Then ``credcat refresh --no-crawl`` runs in a subprocess, exactly as the nightly publish
does after its crawls: staging, normalisation, matching, skills, pathways, the blocking checks, publish and
exports. Then 1% of the listings change (a new description) and the refresh runs again: the incremental
case, whose changes ``credcat changes`` must report.

Printed per scale: wall seconds and peak RSS of each refresh, records/s, the incremental/full time ratio and
the change counts, then the growth from one scale to the next. Targets (issue 16, 2 cores): 1M in at most
5 minutes with peak RSS at most 4 GB; the incremental refresh in at most 10% of the full time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from pipeline import paths

PROVIDERS = 20
TARGET_1M_SECONDS = 300
TARGET_RSS_MB = 4096
TARGET_INCREMENTAL = 0.10
TYPES = ["course"] * 8 + ["learning_program", "certificate"]


def providers_toml(names: list[str]) -> str:
    """A provider configuration naming the generated providers (their feeds exist; nothing is crawled)."""
    out = ["[defaults]", "min_row_ratio = 0.5", ""]
    for name in names:
        out += [f"[providers.{name}]", 'spider = "jsonld"', f'title = "Benchmark provider {name}"',
                f'base_url = "https://{name}.example.org"', ""]
    return "\n".join(out)


def feed_records(n: int, seed: int) -> list[dict]:
    """About ``n`` raw feed records (spiders/record.py's contract: the source's text, no typed values)."""
    from pipeline.matching.synth import generate_catalogue

    df, _ = generate_catalogue(n, seed=seed)
    rng = np.random.default_rng(seed)
    now = "2026-12-01T00:00:00+00:00"
    out = []
    df = df.astype(object).where(df.notna(), None)
    for i, r in enumerate(df.itertuples(index=False)):
        provider = f"bench-{i % PROVIDERS:02d}"
        sid = str(r.id).replace(":", "-")
        out.append({
            "source": provider, "source_id": sid, "uid": f"{provider}:{sid}", "title": r.title, "url": r.url,
            "credential_type": TYPES[int(rng.integers(len(TYPES)))], "description": r.description,
            "organisation": r.organisation, "platform": r.platform, "duration_text": f"{r.duration_hours:g} hours" if r.duration_hours is not None else None,
            "level_text": r.level, "language_text": r.language,
            "cost_text": "Audit: USD 0; Verified certificate: USD 49" if rng.random() < 0.5 else None,
            "skills": [w for w in str(r.title).split(":")[0].split(" ") if len(w) > 5][:3],
            "part_of": [], "has_part": [], "prepares_for": [], "prepared_by": [], "alignments": [],
            "learning_outcomes": [], "fetched_at": now, "source_url": r.url, "raw": {"id": r.id},
        })
    return out


def write_feeds(data: Path, records: list[dict], run: str) -> None:
    by_provider: dict[str, list[dict]] = {}
    for rec in records:
        by_provider.setdefault(rec["source"], []).append(rec)
    for provider, recs in by_provider.items():
        run_dir = paths.raw_dir(provider, data) / run
        run_dir.mkdir(parents=True, exist_ok=True)
        with (run_dir / "listings.jsonl").open("w") as fh:
            for rec in recs:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        (run_dir / "quarantine.jsonl").write_text("")
        (run_dir / "stats.json").write_text(json.dumps({"finish_reason": "finished", "credcat/complete": True,
                                                        "item_scraped_count": len(recs)}))
        (run_dir.parent / "LATEST").write_text(run)


def run_refresh(data: Path, config: Path, timeout: float) -> dict:
    """``credcat refresh --no-crawl`` in a subprocess: wall seconds, peak RSS (MB) and whether it published."""
    env = {**os.environ, "CREDCAT_DATA_DIR": str(data), "CREDCAT_PROVIDERS": str(config)}
    env.pop("CREDCAT_CATALOGUE", None)
    code = ("import resource, sys; from pipeline.cli import main; rc = main(['refresh', '--no-crawl']); "
            "print('PEAK_RSS_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
            "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(rc)")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=timeout,
                          cwd=paths.PROJECT_ROOT)
    seconds = time.perf_counter() - t0
    peak = 0
    for line in proc.stderr.splitlines():
        if line.startswith("PEAK_RSS_KB"):
            peak = max(int(v) for v in line.split()[1:]) // 1024
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        print(f"    refresh failed (exit {proc.returncode}):\n{tail}", file=sys.stderr)
    return {"seconds": seconds, "peak_rss_mb": peak, "published": proc.returncode == 0}


def changes(data: Path, config: Path) -> dict:
    env = {**os.environ, "CREDCAT_DATA_DIR": str(data), "CREDCAT_PROVIDERS": str(config)}
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "changes", "--json"], env=env, capture_output=True,
                          text=True, cwd=paths.PROJECT_ROOT)
    return json.loads(proc.stdout)["counts"] if proc.returncode == 0 else {"error": proc.stderr.strip()[-200:]}


def bench(n: int, workdir: Path, seed: int, changed: float, timeout: float) -> dict:
    data = workdir / f"data-{n}"
    if data.exists():
        import shutil
        shutil.rmtree(data)
    data.mkdir(parents=True)
    config = workdir / "providers.toml"
    config.write_text(providers_toml([f"bench-{i:02d}" for i in range(PROVIDERS)]))
    t0 = time.perf_counter()
    records = feed_records(n, seed)
    write_feeds(data, records, "20261201T000000000000Z")
    print(f"  generated {len(records):,} listings over {PROVIDERS} providers in {time.perf_counter() - t0:.0f}s")
    full = run_refresh(data, config, timeout)
    print(f"  full refresh:        {full['seconds']:7.1f}s  peak RSS {full['peak_rss_mb']:,} MB  "
          f"{len(records) / full['seconds']:,.0f} listings/s  published={full['published']}")
    rng = np.random.default_rng(seed + 1)
    for i in rng.choice(len(records), size=max(1, int(len(records) * changed)), replace=False):
        records[i] = dict(records[i], description=(records[i]["description"] or "") + " Updated syllabus.",
                          fetched_at="2026-12-02T00:00:00+00:00")
    write_feeds(data, records, "20261202T000000000000Z")
    inc = run_refresh(data, config, timeout)
    counts = changes(data, config)
    print(f"  {changed:.0%} changed refresh: {inc['seconds']:7.1f}s  peak RSS {inc['peak_rss_mb']:,} MB  "
          f"= {inc['seconds'] / full['seconds']:.2f} of the full time; changes reported: {counts}")
    return {"records": len(records), "full": full, "incremental": inc, "changes": counts}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="10000,100000,1000000")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--changed", type=float, default=0.01, help="share of listings changed for the incremental run")
    ap.add_argument("--workdir", default="/tmp/credcat-refresh-bench")
    ap.add_argument("--timeout", type=float, default=3600)
    args = ap.parse_args(argv)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"refresh benchmark on {os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f} at start)")
    results = []
    for n in [int(s) for s in args.scales.split(",") if s]:
        print(f"== {n:,} listings")
        results.append(bench(n, workdir, args.seed, args.changed, args.timeout))
    print("== growth (full refresh)")
    for a, b in zip(results, results[1:]):
        print(f"  {a['records']:,} -> {b['records']:,}: x{b['records'] / a['records']:.0f} listings, "
              f"x{b['full']['seconds'] / a['full']['seconds']:.1f} time, "
              f"x{b['full']['peak_rss_mb'] / max(1, a['full']['peak_rss_mb']):.1f} memory")
    short = []
    for r in results:
        if r["records"] >= 1_000_000 and r["full"]["seconds"] > TARGET_1M_SECONDS:
            short.append(f"1M full refresh {r['full']['seconds']:.0f}s > {TARGET_1M_SECONDS}s")
        if r["records"] >= 1_000_000 and r["full"]["peak_rss_mb"] > TARGET_RSS_MB:
            short.append(f"1M peak RSS {r['full']['peak_rss_mb']} MB > {TARGET_RSS_MB} MB")
        if r["incremental"]["seconds"] > TARGET_INCREMENTAL * r["full"]["seconds"]:
            short.append(f"{r['records']:,}: incremental {r['incremental']['seconds'] / r['full']['seconds']:.2f} "
                         f"of full > {TARGET_INCREMENTAL}")
    print("== targets: " + ("all met" if not short else "SHORT: " + "; ".join(short)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
