"""Deduplication benchmark: credcat's matcher and Splink on the same generated catalogues.

    python -m benchmarks.dedupe_benchmark                       # 10k, 100k and 1M records
    python -m benchmarks.dedupe_benchmark --scales 10000,100000 --splink-max 100000

For each scale a catalogue with known truth is generated (pipeline.matching.synth.generate_catalogue: real
listing shapes from ../shared/data/mooc_catalogs when present, a built-in vocabulary otherwise) and written
to Parquet once (cached in --workdir). Each engine then runs in its own subprocess, so that its peak RSS
(VmHWM, read from /proc at the end of the run) is its own. Printed per scale and engine: records/s end to end
(reading the Parquet file to cluster ids), candidate pairs, blocking recall, peak RSS, pairwise P/R/F1 and
cluster F1 from contingency counts (no pair listing), the largest predicted cluster beside the largest true one,
and the credcat/Splink throughput ratio.

Splink (a benchmark-only dependency: ``pip install -e .[bench]``) gets the same normalised keys credcat
computes (title, title without subtitle, organisation key, canonical URL, platform) and equivalent blocking
rules; it trains its own model (u by random sampling, m by EM) as it must without labels.
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
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TARGETS = {"seconds_1m": 60.0, "rss_gb": 3.5, "f1": 0.98, "cluster_ratio": 2.0, "splink_ratio": 2.0}


def peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dataset(n: int, workdir: Path, seed: int) -> Path:
    from pipeline.matching import synth

    path = workdir / f"catalogue_{n}_{seed}.parquet"
    if not path.exists():
        t0 = time.perf_counter()
        df, source = synth.generate_catalogue(n, seed=seed)
        df.to_parquet(path, index=False)
        print(f"  generated {n} records from {source} in {time.perf_counter() - t0:.0f}s -> {path}", flush=True)
    return path


def _truth_metrics(pred_labels: np.ndarray, true_labels: np.ndarray) -> dict:
    from pipeline.matching.metrics import evaluate_labels

    return evaluate_labels(pred_labels, true_labels)


def run_credcat(path: Path) -> dict:
    from pipeline.matching import engine

    t0 = time.perf_counter()
    df = pd.read_parquet(path)
    truth = pd.factorize(df["dup_id"])[0]
    data = df.drop(columns=["dup_id", "course_id"])
    res = engine.dedupe_frame(data, truth=truth, progress=sys.stderr)
    secs = time.perf_counter() - t0
    pred = pd.factorize(res.clusters["cluster_id"])[0]
    m = _truth_metrics(pred, truth)
    return {"engine": "credcat", "records": len(df), "seconds": secs, "candidate_pairs": res.stats["candidate_pairs"],
            "blocking_recall": res.stats["blocking_recall"], "stage_seconds": res.stats["seconds"], **m}


def run_splink(path: Path) -> dict:
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from pipeline.matching import engine

    t0 = time.perf_counter()
    df = pd.read_parquet(path)
    truth = pd.factorize(df["dup_id"])[0]
    # the same normalised keys credcat compares, computed by credcat's own SQL model
    std = engine.standardise(df.drop(columns=["dup_id", "course_id"]))
    m = engine.Matcher([std], keep_keys=True)
    keys = m.con.execute("""
        select k.rid as unique_id, nullif(k.title_norm, '') as title, nullif(k.title_core, '') as title_core,
               nullif(o.org_key, '') as org, nullif(k.url_canon, '') as url, nullif(k.platform_key, '') as platform,
               nullif(k.slug, '') as slug, left(replace(k.title_norm, ' ', ''), 10) as title_prefix
        from match_keys k left join (select unnest(?) as org_key, unnest(range(?)) as code) o on o.code = k.org_code
    """, [list(m.org_keys), len(m.org_keys)]).df()
    m.close()
    t_keys = time.perf_counter() - t0
    con = duckdb.connect()
    db_api = DuckDBAPI(connection=con)
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("title", [0.95, 0.88]),
            cl.ExactMatch("title_core"),
            cl.JaroWinklerAtThresholds("org", [0.9]),
            cl.ExactMatch("url"),
            cl.ExactMatch("platform"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("url"), block_on("title"), block_on("title_core"), block_on("slug"),
            block_on("org", "title_prefix"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    sdf = db_api.register(keys, source_dataset_name="catalogue") if "source_dataset_name" in db_api.register.__code__.co_varnames else db_api.register(keys)
    linker = Linker(sdf, settings, log_level=40)
    linker.training.estimate_probability_two_random_records_match([block_on("url"), block_on("title", "org")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("title"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("org", "title_prefix"))
    pred = linker.inference.predict(threshold_match_probability=0.5)
    n_pairs = int(con.execute(f"select count(*) from {pred.physical_name}").fetchone()[0])
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, threshold_match_probability=0.9)
    cdf = con.execute(f"select unique_id, cluster_id from {clusters.physical_name}").df()
    secs = time.perf_counter() - t0
    lab = pd.Series(pd.factorize(cdf["cluster_id"])[0], index=cdf["unique_id"].to_numpy()).reindex(np.arange(len(df)))
    m2 = _truth_metrics(lab.to_numpy(dtype=np.int64), truth)
    return {"engine": "splink", "records": len(df), "seconds": secs, "candidate_pairs": None,
            "pairs_above_0.5": n_pairs, "key_seconds": t_keys, **m2}


def child(args) -> int:
    path = Path(args.child_path)
    res = run_credcat(path) if args.child == "credcat" else run_splink(path)
    res["peak_rss_mb"] = peak_rss_mb()
    import resource
    ru = resource.getrusage(resource.RUSAGE_SELF)
    res["cpu_seconds"] = ru.ru_utime + ru.ru_stime  # on a shared machine, what the run itself consumed
    print("RESULT " + json.dumps(res, default=float), flush=True)
    return 0


def run_child(engine_name: str, path: Path, timeout: float) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.dedupe_benchmark", "--child", engine_name, "--child-path", str(path)]
    try:
        out = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"engine": engine_name, "error": f"timed out after {timeout:.0f}s"}
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    tail = (out.stderr or "").strip().splitlines()[-3:]
    return {"engine": engine_name, "error": f"exit {out.returncode}: " + " | ".join(tail)}


def show(r: dict) -> None:
    if "error" in r:
        print(f"  {r['engine']:8s} FAILED: {r['error']}")
        return
    cand = f"{r['candidate_pairs']:,}" if r.get("candidate_pairs") is not None else f"n/a ({r.get('pairs_above_0.5', 0):,} pairs >= 0.5)"
    br = f"{r['blocking_recall']:.4f}" if r.get("blocking_recall") is not None else "n/a"
    print(f"  {r['engine']:8s} {r['records']:>9,} records in {r['seconds']:7.1f}s = {r['records'] / r['seconds']:>9,.0f} records/s"
          f" | candidate pairs {cand} | blocking recall {br} | peak RSS {r['peak_rss_mb']:,.0f} MB"
          f" | CPU {r.get('cpu_seconds', 0):.1f}s")
    print(f"  {'':8s} pairwise P={r['pairwise_precision']:.4f} R={r['pairwise_recall']:.4f} F1={r['pairwise_f1']:.4f}"
          f" | cluster F1={r['cluster_f1']:.4f} | largest predicted cluster {r['largest_predicted_cluster']}"
          f" vs largest true {r['largest_true_cluster']}")
    if r.get("stage_seconds"):
        st = r["stage_seconds"]
        print(f"  {'':8s} stages: " + ", ".join(f"{k} {v:.1f}s" for k, v in st.items() if k != "total"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="10000,100000,1000000")
    ap.add_argument("--splink-max", type=int, default=100000, help="largest scale Splink runs at (time and memory)")
    ap.add_argument("--no-splink", action="store_true")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--workdir", default=os.environ.get("CREDCAT_BENCH_DIR", "/tmp/credcat-bench"))
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--child-path", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child(args)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"dedupe benchmark on {os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f} at start)")
    short = []
    for n in [int(s) for s in args.scales.split(",") if s]:
        print(f"== {n:,} records")
        path = dataset(n, workdir, args.seed)
        ours = run_child("credcat", path, args.timeout)
        show(ours)
        if "error" in ours:
            short.append(f"{n:,}: credcat failed")
            continue
        rate = ours["records"] / ours["seconds"]
        ratio_cluster = ours["largest_predicted_cluster"] / max(1, ours["largest_true_cluster"])
        if ours["pairwise_f1"] < TARGETS["f1"]:
            short.append(f"{n:,}: pairwise F1 {ours['pairwise_f1']:.4f} < {TARGETS['f1']}")
        if ratio_cluster > TARGETS["cluster_ratio"]:
            short.append(f"{n:,}: largest predicted cluster {ours['largest_predicted_cluster']} > 2x true")
        if n >= 1_000_000:
            if ours["seconds"] > TARGETS["seconds_1m"]:
                short.append(f"{n:,}: {ours['seconds']:.1f}s > {TARGETS['seconds_1m']:.0f}s")
            if ours["peak_rss_mb"] > TARGETS["rss_gb"] * 1024:
                short.append(f"{n:,}: peak RSS {ours['peak_rss_mb']:.0f} MB > {TARGETS['rss_gb']} GB")
        if args.no_splink or n > args.splink_max:
            print(f"  splink   not run at this scale (--splink-max {args.splink_max})")
            continue
        theirs = run_child("splink", path, args.timeout)
        show(theirs)
        if "error" not in theirs:
            ratio = rate / (theirs["records"] / theirs["seconds"])
            better = ours["pairwise_f1"] >= theirs["pairwise_f1"]
            print(f"  ratio    credcat/Splink throughput {ratio:.1f}x (target >= 2x) at F1 {ours['pairwise_f1']:.4f} vs "
                  f"{theirs['pairwise_f1']:.4f} ({'equal or better' if better else 'WORSE'})")
            if ratio < TARGETS["splink_ratio"] or not better:
                short.append(f"{n:,}: vs Splink {ratio:.1f}x, F1 {'ok' if better else 'worse'}")
    print("== targets: " + ("all met" if not short else "SHORT: " + "; ".join(short)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
