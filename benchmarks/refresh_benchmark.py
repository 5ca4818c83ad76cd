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

Printed per scale: wall seconds and peak RSS of each refresh (and the process tree's peak PSS, sampled each second:
with ``CREDCAT_SKILL_WORKERS`` the forked workers count too), records/s, the incremental/full time ratio and
the change counts, then the growth from one scale to the next. Targets (issue 16, 2 cores): 1M in at most
5 minutes with peak RSS at most 4 GB; the incremental refresh in at most 10% of the full time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

from pipeline import paths

PROVIDERS = 20
TARGET_1M_SECONDS = 300
TARGET_RSS_MB = 4096
TARGET_INCREMENTAL = 0.10
TYPES = ["course"] * 8 + ["learning_program", "certificate"]
# the stages, by the producer (pipeline.registry) that does the work; any other producer is "marts"
STAGES = {
    "staging": ("raw_feeds", "stg_listings", "stg_quarantine", "int_listings", "quarantine", "credential_type_seed",
                "credential_types", "previous_seen"),
    "normalisation": ("reuse_listings", "parse_values", "int_listings_normalised", "listings", "organisations",
                      "profile_prices", "credential_profiles", "credential_runs"),
    "matching": ("match_listings", "int_credential_facts", "credentials", "credential_sources", "credential_links"),
    "skills": ("skill_taxonomy", "map_skills"),
    "pathways": ("int_stack_references", "ctdl_pathways", "int_step_figures", "int_stack_edges_explicit",
                 "int_stack_edges_inferred", "int_stack_edges", "stack_cycles", "stack_edges",
                 "int_pathway_requirements", "pathway_steps", "pathways", "skill_pathways"),
}
STAGE_ORDER = [*STAGES, "marts", "build metadata", "checks", "publish", "exports", "process"]


def stage_seconds(result: dict, producers: str = "producers") -> dict[str, float]:
    """Seconds per stage of one refresh: the build's producers grouped by stage, then the Dagster steps around
    them (the build step's own metadata, the checks, the publish, the exports) and what the process spent
    outside any step (start-up, Dagster's run set-up). ``producers`` names the producers' wall seconds
    (``producers``) or their CPU seconds (``producers_cpu``)."""
    stage_of = {name: stage for stage, names in STAGES.items() for name in names}
    out = dict.fromkeys(STAGE_ORDER, 0.0)
    for name, seconds in result.get(producers, {}).items():
        out[stage_of.get(name, "marts")] += seconds
    steps = dict(result["steps"])
    out["build metadata"] = max(0.0, steps.pop("build_catalogue", 0.0) - sum(result["producers"].values()))
    out["publish"] = steps.pop("catalogue", 0.0)
    out["exports"] = steps.pop("exports", 0.0)
    out["checks"] = sum(steps.values())
    out["process"] = max(0.0, result["seconds"] - sum(result["steps"].values()))
    return out


def print_stage_table(results: list[dict]) -> None:
    """Seconds per stage (full refresh) for every scale measured, with the total and the peak RSS."""
    head = f"  {'stage':<16}" + "".join(f"{r['records']:>12,}" for r in results)
    print(head)
    per = [stage_seconds(r["full"]) for r in results]
    for stage in STAGE_ORDER:
        print(f"  {stage:<16}" + "".join(f"{p[stage]:>12.1f}" for p in per))
    print(f"  {'total':<16}" + "".join(f"{r['full']['seconds']:>12.1f}" for r in results))
    print(f"  {'peak RSS (MB)':<16}" + "".join(f"{r['full']['peak_rss_mb']:>12,}" for r in results))
    print(f"  {'tree PSS (MB)':<16}" + "".join(f"{r['full'].get('peak_tree_pss_mb', 0):>12,}" for r in results))
    # CPU seconds do not grow with the machine's load as wall seconds do: the figures to extrapolate from
    print("  CPU seconds (the refresh process, its threads and reaped children; build stages, then the whole process)")
    cpu = [stage_seconds(r["full"], "producers_cpu") for r in results]
    for stage in STAGES:
        print(f"  {stage:<16}" + "".join(f"{c[stage]:>12.1f}" for c in cpu))
    print(f"  {'marts':<16}" + "".join(f"{c['marts']:>12.1f}" for c in cpu))
    for label in ("publish", "fts index", "exports"):
        print(f"  {label:<16}" + "".join(f"{r['full'].get('calls_cpu', {}).get(label, 0.0):>12.1f}" for r in results))
    print(f"  {'whole process':<16}" + "".join(f"{r['full'].get('cpu', 0.0):>12.1f}" for r in results))


def print_growth_table(results: list[dict]) -> None:
    """One row per scale: seconds, seconds per 1k listings (flat when growth is linear), peak RSS, and the
    growth of each against the previous scale; then the time without the process's fixed start-up."""
    print(f"  {'listings':>10}{'seconds':>10}{'s/1k':>8}{'peak RSS MB':>13}{'x listings':>12}{'x time':>8}"
          f"{'x RSS':>7}{'s/1k w/o process':>18}")
    for i, r in enumerate(results):
        full, k = r["full"], r["records"] / 1000
        variable = full["seconds"] - stage_seconds(full)["process"]
        grow = ""
        if i:
            a = results[i - 1]
            grow = (f"{r['records'] / a['records']:>12.0f}{full['seconds'] / a['full']['seconds']:>8.1f}"
                    f"{full['peak_rss_mb'] / max(1, a['full']['peak_rss_mb']):>7.1f}")
        print(f"  {r['records']:>10,}{full['seconds']:>10.1f}{full['seconds'] / k:>8.2f}{full['peak_rss_mb']:>13,}"
              + (grow or " " * 27) + f"{variable / k:>18.3f}")


def providers_toml(names: list[str]) -> str:
    """A provider configuration naming the generated providers (their feeds exist; nothing is crawled)."""
    out = ["[defaults]", "min_row_ratio = 0.5", ""]
    for name in names:
        out += [f"[providers.{name}]", 'spider = "jsonld"', f'title = "Benchmark provider {name}"',
                f'base_url = "https://{name}.example.org"', ""]
    return "\n".join(out)


def subject_tag(title: str) -> list[str]:
    """The skill tag a real feed gives a generated title: its subject, without the generator's prefix
    ("Introduction to ") and subtitle (" for Beginners"); those words are no skill any source tags."""
    from pipeline.matching.synth import PREFIXES, SUBTITLES

    text = " ".join(str(title or "").split())
    for prefix in sorted({p.strip() for p in PREFIXES if p.strip()}, key=len, reverse=True):
        if text.lower().startswith(prefix.lower() + " "):
            text = text[len(prefix) + 1:]
            break
    for subtitle in sorted({t.strip(" :-") for t in SUBTITLES if t.strip(" :-")}, key=len, reverse=True):
        if text.lower().endswith(subtitle.lower()):
            text = text[: -len(subtitle)].rstrip(" :-")
            break
    return [text] if text else []


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
        # the matcher's drift drops some duplicates' URLs, but a crawled listing always has its own page
        url = r.url or f"https://{provider}.example.org/listings/{sid}"
        out.append({
            "source": provider, "source_id": sid, "uid": f"{provider}:{sid}", "title": r.title, "url": url,
            "credential_type": TYPES[int(rng.integers(len(TYPES)))], "description": r.description,
            "organisation": r.organisation, "platform": r.platform, "duration_text": f"{r.duration_hours:g} hours" if r.duration_hours is not None else None,
            "level_text": r.level, "language_text": r.language,
            "cost_text": "Audit: USD 0; Verified certificate: USD 49" if rng.random() < 0.5 else None,
            "skills": subject_tag(r.title),
            "part_of": [], "has_part": [], "prepares_for": [], "prepared_by": [], "alignments": [],
            "learning_outcomes": [], "fetched_at": now, "source_url": url, "raw": {"id": r.id},
        })
    return out


def write_feeds(data: Path, records: list[dict], run: str) -> int:
    """Each provider's feed as its crawl lands it: a record the spiders' item pipeline would refuse
    (``spiders.record.validate``, e.g. a real title that is empty) goes to ``quarantine.jsonl`` with its
    reason, the rest to ``listings.jsonl``. Returns the number quarantined."""
    from spiders.record import validate

    by_provider: dict[str, list[dict]] = {}
    for rec in records:
        by_provider.setdefault(rec["source"], []).append(rec)
    quarantined = 0
    for provider, recs in by_provider.items():
        run_dir = paths.raw_dir(provider, data) / run
        run_dir.mkdir(parents=True, exist_ok=True)
        listed = 0
        with (run_dir / "listings.jsonl").open("w") as fh, (run_dir / "quarantine.jsonl").open("w") as qh:
            for rec in recs:
                problems = validate(rec)
                if not problems:
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                    listed += 1
                    continue
                quarantined += 1
                qh.write(json.dumps({"source": provider, "source_id": rec["source_id"], "source_url": rec["source_url"],
                                     "fetched_at": rec["fetched_at"], "reason": problems[0].split(":", 1)[0],
                                     "message": "; ".join(problems), "raw": json.dumps(rec["raw"])},
                                    ensure_ascii=False) + "\n")
        (run_dir / "stats.json").write_text(json.dumps({"finish_reason": "finished", "credcat/complete": True,
                                                        "item_scraped_count": len(recs), "credcat/listings": listed}))
        (run_dir.parent / "LATEST").write_text(run)
    return quarantined


def child_refresh() -> int:
    """The refresh subprocess: ``credcat refresh --no-crawl`` (``pipeline.refresh.refresh``), with the seconds
    of every producer of the build (``pipeline.warehouse.run_producer``) and of every Dagster step (from the
    run's events) printed to stderr as one ``BENCH_JSON`` line, with the peak RSS."""
    import resource

    import dagster as dg

    from pipeline import warehouse
    from pipeline.refresh import refresh

    producers: dict[str, float] = {}
    producers_cpu: dict[str, float] = {}
    peak_after: dict[str, int] = {}  # peak RSS (MB) of the process once each producer has run: who raised it
    peak_during: dict[str, int] = {}  # the highest RSS (MB) sampled while each producer ran: what it holds
    rss_start: dict[str, int] = {}  # the RSS (MB) as each producer started: what earlier steps left behind
    sampled = [0]
    run_producer = warehouse.run_producer

    def hwm_kb() -> int:
        """This process's own peak RSS (VmHWM). Not ``ru_maxrss``: across ``exec`` it keeps the parent's
        high-water mark, so it reported the benchmark parent's generated listings (4.3 GB at 1M) as the
        refresh's ``raw_feeds``."""
        with open("/proc/self/status") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))

    def rss_mb() -> int:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 2**20

    def tree_pss_mb() -> int:
        """The proportional set size of this process and its children (the skill mapper's forked workers):
        what the refresh holds of the machine's memory, pages shared through the fork counted once. RSS would
        count each shared page in every process; the parent's VmHWM alone misses the workers."""
        me, total = os.getpid(), 0
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                if entry.name != str(me):
                    with open(f"/proc/{entry.name}/stat") as fh:  # "pid (comm) state ppid ...": comm may hold spaces
                        if int(fh.read().rsplit(")", 1)[1].split()[1]) != me:
                            continue
                with open(f"/proc/{entry.name}/smaps_rollup") as fh:
                    total += next(int(line.split()[1]) for line in fh if line.startswith("Pss:"))
            except (OSError, ValueError, IndexError, StopIteration):
                continue  # gone meanwhile, or not readable
        return total // 1024

    tree_peak = [0]

    def sample() -> None:  # every 50 ms: the RSS now, not the process's high-water mark; the tree's PSS each second
        ticks = 0
        while True:
            sampled[0] = max(sampled[0], rss_mb())
            if ticks % 20 == 0:
                tree_peak[0] = max(tree_peak[0], tree_pss_mb())
            ticks += 1
            time.sleep(0.05)

    threading.Thread(target=sample, daemon=True).start()

    def cpu() -> float:  # with the reaped children: the skill mapper's forked workers
        usage, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime

    def timed(con, producer, inputs):
        t0, c0 = time.perf_counter(), cpu()
        sampled[0] = rss_start[producer.name] = rss_mb()
        try:
            return run_producer(con, producer, inputs)
        finally:
            peak_during[producer.name] = max(sampled[0], rss_mb())
            producers[producer.name] = round(time.perf_counter() - t0, 2)
            producers_cpu[producer.name] = round(cpu() - c0, 2)
            peak_after[producer.name] = hwm_kb() // 1024

    warehouse.run_producer = timed
    calls_cpu: dict[str, float] = {}  # CPU seconds of the publish (the FTS index inside it) and of the exports

    def cpu_of(module, name: str, label: str) -> None:
        function = getattr(module, name)

        def wrapped(*args, **kwargs):
            c0 = cpu()
            sampled[0] = rss_start[label] = rss_mb()
            try:
                return function(*args, **kwargs)
            finally:
                calls_cpu[label] = round(calls_cpu.get(label, 0.0) + cpu() - c0, 2)
                peak_during[label] = max(peak_during.get(label, 0), sampled[0], rss_mb())

        setattr(module, name, wrapped)

    import pipeline.exports
    import pipeline.search

    cpu_of(warehouse, "publish", "publish")
    cpu_of(pipeline.search, "build_index", "fts index")
    cpu_of(pipeline.exports, "export_catalogue", "exports")
    inst = dg.DagsterInstance.ephemeral()
    report = refresh(crawl=False, dagster_instance=inst)
    print(report.render())
    steps: dict[str, float] = {}
    for run in inst.get_runs():
        started: dict[str, float] = {}
        for entry in inst.all_logs(run.run_id):
            event = entry.dagster_event
            if event is None or not event.step_key:
                continue
            if event.event_type_value == "STEP_START":
                started[event.step_key] = entry.timestamp
            elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and event.step_key in started:
                steps[event.step_key] = round(entry.timestamp - started[event.step_key], 2)
    # with the skill mapper's forked workers, if any (their ru_maxrss starts at this process's at the fork)
    peak = max(hwm_kb(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print("BENCH_JSON " + json.dumps({"peak_rss_kb": peak, "peak_tree_pss_mb": tree_peak[0], "steps": steps,
                                      "producers": producers, "producers_cpu": producers_cpu, "calls_cpu": calls_cpu, "cpu": round(cpu(), 1),
                                      "peak_after": peak_after, "peak_during": peak_during,
                                      "rss_start": rss_start}),
          file=sys.stderr)
    return 0 if report.published else 1


def run_refresh(data: Path, config: Path, timeout: float) -> dict:
    """The refresh in a subprocess (:func:`child_refresh`): wall seconds, peak RSS (MB), whether it published,
    and the seconds of each Dagster step and of each producer of the build."""
    env = {**os.environ, "CREDCAT_DATA_DIR": str(data), "CREDCAT_PROVIDERS": str(config)}
    env.pop("CREDCAT_CATALOGUE", None)
    env.pop("DAGSTER_HOME", None)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "benchmarks.refresh_benchmark", "--child"], env=env,
                          capture_output=True, text=True, timeout=timeout, cwd=paths.PROJECT_ROOT)
    seconds = time.perf_counter() - t0
    found = {"peak_rss_kb": 0, "steps": {}, "producers": {}, "producers_cpu": {}, "calls_cpu": {}, "cpu": 0.0,
             "peak_after": {}, "peak_during": {}, "rss_start": {}}
    for line in proc.stderr.splitlines():
        if line.startswith("BENCH_JSON "):
            found = json.loads(line.split(" ", 1)[1])
    if proc.returncode != 0:
        lines = [x for x in (proc.stdout + proc.stderr).strip().splitlines() if not x.startswith("BENCH_JSON ")]
        tail = "\n".join(lines[-15:])  # the traceback's last lines name the error
        print(f"    refresh failed (exit {proc.returncode}):\n{tail}", file=sys.stderr)
    return {"seconds": seconds, "peak_rss_mb": found["peak_rss_kb"] // 1024,
            "peak_tree_pss_mb": found.get("peak_tree_pss_mb", 0), "published": proc.returncode == 0,
            "steps": found["steps"], "producers": found["producers"], "producers_cpu": found["producers_cpu"],
            "calls_cpu": found["calls_cpu"], "cpu": found["cpu"], "peak_after": found["peak_after"],
            "peak_during": found["peak_during"], "rss_start": found.get("rss_start", {})}


def print_timings(result: dict, top: int = 12) -> None:
    """The Dagster steps in run order, then the slowest producers of the build (inside ``build_catalogue``)."""
    steps = result["steps"]
    print("    dagster steps (s): " + ", ".join(f"{k} {v:.1f}" for k, v in steps.items() if v >= 0.05)
          + f"; {sum(1 for v in steps.values() if v < 0.05)} more under 0.05")
    raised, last = [], 0
    for name, mb in result.get("peak_after", {}).items():  # in build order
        if mb > last + 64:
            raised.append(f"{name} {mb:,}")
        last = max(last, mb)
    if raised:
        print("    peak RSS (MB) raised by: " + ", ".join(raised))
    during = sorted(result.get("peak_during", {}).items(), key=lambda kv: -kv[1])
    if during:  # sampled while each producer ran (the high-water mark above only says who raised it first)
        print("    RSS (MB) while running, highest: " + ", ".join(f"{k} {v:,}" for k, v in during[:top]))
        start = result.get("rss_start", {})  # what each step added over the RSS it started with
        added = sorted(((k, v - start.get(k, v)) for k, v in during), key=lambda kv: -kv[1])
        print("    RSS (MB) added while running (highest - at start): "
              + ", ".join(f"{k} {v:+,}" for k, v in added[:top]))
    for label, key in (("s", "producers"), ("CPU s", "producers_cpu")):  # CPU: what load does not inflate
        slow = sorted(result.get(key, {}).items(), key=lambda kv: -kv[1])
        print(f"    build producers ({label}): " + ", ".join(f"{k} {v:.1f}" for k, v in slow[:top])
              + (f"; {len(slow) - top} more, {sum(v for _, v in slow[top:]):.1f} together" if len(slow) > top else ""))


def changes(data: Path, config: Path) -> dict:
    env = {**os.environ, "CREDCAT_DATA_DIR": str(data), "CREDCAT_PROVIDERS": str(config)}
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "changes", "--json"], env=env, capture_output=True,
                          text=True, cwd=paths.PROJECT_ROOT)
    return json.loads(proc.stdout)["counts"] if proc.returncode == 0 else {"error": proc.stderr.strip()[-200:]}


def bench(n: int, workdir: Path, seed: int, changed: float, timeout: float, full_only: bool = False) -> dict:
    data = workdir / f"data-{n}"
    if data.exists():
        import shutil
        shutil.rmtree(data)
    data.mkdir(parents=True)
    config = workdir / "providers.toml"
    config.write_text(providers_toml([f"bench-{i:02d}" for i in range(PROVIDERS)]))
    t0 = time.perf_counter()
    records = feed_records(n, seed)
    quarantined = write_feeds(data, records, "20261201T000000000000Z")
    print(f"  generated {len(records):,} listings over {PROVIDERS} providers in {time.perf_counter() - t0:.0f}s "
          f"({quarantined} refused by spiders.record.validate, in the quarantine feeds)")
    full = run_refresh(data, config, timeout)
    print(f"  full refresh:        {full['seconds']:7.1f}s  peak RSS {full['peak_rss_mb']:,} MB  "
          f"(process tree PSS {full['peak_tree_pss_mb']:,} MB)  {len(records) / full['seconds']:,.0f} listings/s  "
          f"published={full['published']}")
    print_timings(full)
    if full_only:
        return {"records": len(records), "full": full, "incremental": None, "changes": None}
    rng = np.random.default_rng(seed + 1)
    for i in rng.choice(len(records), size=max(1, int(len(records) * changed)), replace=False):
        records[i] = dict(records[i], description=(records[i]["description"] or "") + " Updated syllabus.",
                          fetched_at="2026-12-02T00:00:00+00:00")
    write_feeds(data, records, "20261202T000000000000Z")
    inc = run_refresh(data, config, timeout)
    counts = changes(data, config)
    print(f"  {changed:.0%} changed refresh: {inc['seconds']:7.1f}s  peak RSS {inc['peak_rss_mb']:,} MB  "
          f"= {inc['seconds'] / full['seconds']:.2f} of the full time; changes reported: {counts}")
    print_timings(inc)
    return {"records": len(records), "full": full, "incremental": inc, "changes": counts}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="10000,100000,1000000")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--changed", type=float, default=0.01, help="share of listings changed for the incremental run")
    ap.add_argument("--workdir", default="/tmp/credcat-refresh-bench")
    ap.add_argument("--timeout", type=float, default=3600)
    ap.add_argument("--full-only", action="store_true", help="skip the incremental (1%% changed) refresh")
    ap.add_argument("--duckdb-memory", default=os.environ.get("CREDCAT_DUCKDB_MEMORY", ""),
                    help="CREDCAT_DUCKDB_MEMORY for the refresh, e.g. 2GB: DuckDB's memory cap (it spills beyond "
                         "it); default pipeline.warehouse.DEFAULT_DUCKDB_MEMORY, `default` for DuckDB's own (80%% of RAM)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)  # the refresh subprocess itself
    args = ap.parse_args(argv)
    if args.child:
        return child_refresh()
    from pipeline import warehouse

    if args.duckdb_memory:
        os.environ["CREDCAT_DUCKDB_MEMORY"] = args.duckdb_memory
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"refresh benchmark on {os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f} at start), "
          f"DuckDB memory cap {args.duckdb_memory or warehouse.DEFAULT_DUCKDB_MEMORY}")
    results = []
    for n in [int(s) for s in args.scales.split(",") if s]:
        print(f"== {n:,} listings")
        results.append(bench(n, workdir, args.seed, args.changed, args.timeout, args.full_only))
    print("== seconds per stage (full refresh)")
    print_stage_table(results)
    print("== growth (full refresh)")
    print_growth_table(results)
    short = []
    for r in results:
        if r["records"] >= 1_000_000 and r["full"]["seconds"] > TARGET_1M_SECONDS:
            short.append(f"1M full refresh {r['full']['seconds']:.0f}s > {TARGET_1M_SECONDS}s")
        if r["records"] >= 1_000_000 and r["full"]["peak_rss_mb"] > TARGET_RSS_MB:
            short.append(f"1M peak RSS {r['full']['peak_rss_mb']} MB > {TARGET_RSS_MB} MB")
        if r["incremental"] and r["incremental"]["seconds"] > TARGET_INCREMENTAL * r["full"]["seconds"]:
            short.append(f"{r['records']:,}: incremental {r['incremental']['seconds'] / r['full']['seconds']:.2f} "
                         f"of full > {TARGET_INCREMENTAL}")
    print("== targets: " + ("all met" if not short else "SHORT: " + "; ".join(short)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
