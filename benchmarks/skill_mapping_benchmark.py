"""Skill mapping benchmark (issue 16): ``map_credential_skills`` and its description mining, before and after,
side by side in one process on the same generated credentials.

    python -m benchmarks.skill_mapping_benchmark                       # 10k and 100k credentials
    python -m benchmarks.skill_mapping_benchmark --scales 10000 --before-sample 2000
    python -m benchmarks.skill_mapping_benchmark --after-only --workers 1   # no reference; one process

The credentials are the refresh benchmark's generated listings (``benchmarks.refresh_benchmark.feed_records``:
real MOOC titles and descriptions when ``../shared/data/mooc_catalogs`` is present, a subject tag per title),
one credential each. "before" is the straightforward mapping of ``tests/skill_text_reference.py`` (every
n-gram of a text tried, each credential on its own; session 4's code over today's lexical helpers); it is
measured on the first ``--before-sample`` credentials and scaled linearly to the whole set (it takes ~2 ms a
description; 100k would take minutes), plus every distinct tag mapped once, so its figures are estimates and
say so. "after" runs
over every credential, its distinct strings answered by ``CREDCAT_SKILL_WORKERS`` forked processes (``--workers``;
default one; "auto": the usable cores). Both start from an empty answer cache. CPU seconds (this process and the workers it
reaped) are the ones to compare on a shared machine; wall seconds and the load average are printed too.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import duckdb
import pandas as pd

from benchmarks import cpu_seconds


def credentials(n: int, seed: int) -> pd.DataFrame:
    from benchmarks.refresh_benchmark import feed_records

    recs = feed_records(n, seed)
    return pd.DataFrame({"uid": [r["uid"] for r in recs], "title": [r["title"] for r in recs],
                         "skills": [r["skills"] for r in recs],
                         "learning_outcomes": [r["learning_outcomes"] for r in recs],
                         "description": [r["description"] for r in recs]})


def catalogue(frame: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    from pipeline.skills.taxonomy import load_taxonomy

    con = duckdb.connect()
    con.execute("CREATE TABLE credentials AS SELECT uid, title, skills, learning_outcomes, "
                "CAST(NULL AS JSON) AS alignments, description FROM frame")
    load_taxonomy(con)
    return con


def timed(fn) -> tuple[float, float, object]:
    """(CPU seconds, wall seconds, result)."""
    c, w = cpu_seconds(), time.perf_counter()
    out = fn()
    return cpu_seconds() - c, time.perf_counter() - w, out


def bench(n: int, seed: int, sample: int, after_only: bool = False) -> dict:
    from pipeline.skills.mapping import SkillMapper, map_credential_skills
    from tests.skill_text_reference import reference_match_text, reference_rows

    frame = credentials(n, seed)
    con = catalogue(frame)
    mapper = SkillMapper.from_vendored()
    descs = [d[:4000] for d in frame["description"] if isinstance(d, str) and d]
    k = min(sample, len(frame))
    scale = len(frame) / k
    rows = con.execute("SELECT uid, title, skills, learning_outcomes, alignments, description FROM credentials "
                       "ORDER BY uid").fetchall()
    by_uri = {uri.rstrip("/"): (sid, fw, label) for sid, fw, label, uri in con.execute(
        "SELECT skill_id, framework, label, uri FROM skills WHERE uri IS NOT NULL").fetchall()}
    sample_descs = descs[: max(1, round(len(descs) * k / len(frame)))]
    out: dict = {"n": len(frame), "descriptions": len(descs), "sample": k,
                 "distinct": {"descriptions": len(set(descs)), "titles": frame["title"].nunique(),
                              "tags": len({t for ts in frame["skills"] for t in ts})}}

    mapper.match.cache_clear()
    if not after_only:
        cpu, wall, _ = timed(lambda: [reference_match_text(mapper, d, "description") for d in sample_descs])
        out["desc_before"] = (cpu * len(descs) / len(sample_descs), wall * len(descs) / len(sample_descs))
    cpu, wall, _ = timed(lambda: [mapper.match_text(d, "description") for d in descs])
    out["desc_after"] = (cpu, wall)

    # before: every distinct tag once (the mapper's own answer cache, as before), then the sample's credentials
    # with their tags answered from that cache, scaled: the sample alone would repeat fewer tags than the set
    mapper.match.cache_clear()
    if not after_only:
        tags = list(dict.fromkeys(t for ts in frame["skills"] for t in ts if t and t.strip()))
        tag_cpu, tag_wall, _ = timed(lambda: [mapper.match_all(t) for t in tags])
        cpu, wall, _ = timed(lambda: reference_rows(mapper, rows[:k], by_uri))
        out["map_before"] = (tag_cpu + cpu * scale, tag_wall + wall * scale)
    mapper.match.cache_clear()
    cpu, wall, result = timed(lambda: map_credential_skills(con))
    out["map_after"] = (cpu, wall)
    out["rows"] = result["credential_skills"]
    con.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scales", default="10000,100000", help="comma-separated numbers of credentials")
    ap.add_argument("--before-sample", type=int, default=5000,
                    help="credentials the 'before' mapping runs over (scaled to the whole set)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--after-only", action="store_true", help="skip the reference ('before') mapping")
    ap.add_argument("--workers", type=int, help="processes answering the distinct strings (CREDCAT_SKILL_WORKERS)")
    args = ap.parse_args(argv)
    if args.workers is not None:
        os.environ["CREDCAT_SKILL_WORKERS"] = str(args.workers)
    from pipeline.skills.mapping import SkillMapper, _vendored, skill_workers

    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    _vendored.cache_clear()
    cpu, wall, mapper = timed(SkillMapper.from_vendored)
    print(f"mapper load (cached index): {cpu:.2f} CPU s, {wall:.2f} s")
    cpu, wall, _ = timed(mapper._text_index)
    print(f"match_text label index (once per process): {cpu:.2f} CPU s, {wall:.2f} s")
    results = [bench(int(s), args.seed, args.before_sample, args.after_only) for s in args.scales.split(",")]
    whens = ("after",) if args.after_only else ("before", "after")
    print(f"\nworkers answering the distinct strings: {skill_workers()}")

    print("\nCPU seconds (wall in brackets); before on the first --before-sample credentials, scaled:")
    print(f"  {'':<44}" + "".join(f"{r['n']:>32,}" for r in results))
    for label, key in (("match_text over descriptions", "desc"), ("map_credential_skills", "map")):
        for when in whens:
            name = f"{label} {when}" + (" (est.)" if when == "before" else "")
            cells = "".join(f"{r[f'{key}_{when}'][0]:>20.1f} ({r[f'{key}_{when}'][1]:>7.1f} wall)" for r in results)
            print(f"  {name:<44}{cells}")
        if not args.after_only:
            print(f"  {'  ratio before / after':<44}" + "".join(
                f"{r[f'{key}_before'][0] / r[f'{key}_after'][0]:>31.1f}x" for r in results))
    for r in results:
        d = r["distinct"]
        print(f"  {r['n']:,} credentials: {r['descriptions']:,} descriptions ({d['descriptions']:,} distinct), "
              f"{d['titles']:,} distinct titles, {d['tags']:,} distinct tags; {r['rows']:,} credential_skills rows; "
              f"before measured on {r['sample']:,}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024:,} MB "
          f"(largest worker {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024:,} MB, mostly shared); "
          f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
