"""`credcat dedupe`: deduplicate or link users' own files (CSV, JSON Lines, Parquet).

    credcat dedupe INPUT --out OUT.csv                 # one input: id,cluster_id
    credcat dedupe LEFT RIGHT --out OUT.csv            # two inputs: left_id,right_id,score
    credcat dedupe INPUT --out OUT.csv --truth T.csv   # also print precision/recall/F1 against a truth file

Inputs need columns id, title, provider and may have url, description, duration_hours, level, language,
platform; ``--title-col NAME`` (etc.) maps other column names. Progress goes to stderr, a summary at the end.
The CLI module of the package wires :func:`run_dedupe_cli` as the ``dedupe`` sub-command.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

import duckdb
import pandas as pd

from pipeline.matching import engine
from pipeline.matching.metrics import evaluate, evaluate_links, format_metrics
from pipeline.matching.scoring import MatchParams

READERS = {".csv": "read_csv", ".tsv": "read_csv", ".txt": "read_csv", ".jsonl": "read_json", ".ndjson": "read_json",
           ".json": "read_json", ".parquet": "read_parquet", ".pq": "read_parquet"}
OPTIONAL = ["url", "description", "duration_hours", "level", "language", "platform"]


class DedupeInputError(Exception):
    """A user-facing problem with an input, output or truth file."""


def read_table(path: str | Path) -> pd.DataFrame:
    """Read CSV / TSV, JSON Lines / JSON, or Parquet with DuckDB; every column as text except in Parquet."""
    p = Path(path)
    if not p.exists():
        raise DedupeInputError(f"{p}: no such file")
    if p.is_dir():
        raise DedupeInputError(f"{p}: is a directory, expected a CSV, JSON Lines or Parquet file")
    reader = READERS.get(p.suffix.lower())
    if reader is None:
        raise DedupeInputError(f"{p}: unknown file type {p.suffix!r}; use .csv, .tsv, .jsonl, .json or .parquet")
    con = duckdb.connect()
    try:
        if reader == "read_csv":
            rel = con.execute("select * from read_csv(?, all_varchar = true, header = true)", [str(p)])
        elif reader == "read_json":
            rel = con.execute("select * from read_json_auto(?)", [str(p)])
        else:
            rel = con.execute("select * from read_parquet(?)", [str(p)])
        return rel.df()
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0]
        raise DedupeInputError(f"{p}: cannot read as {reader.removeprefix('read_')}: {first}") from None
    finally:
        con.close()


def write_table(df: pd.DataFrame, path: str | Path) -> None:
    p = Path(path)
    suffix = p.suffix.lower()
    if p.parent and not p.parent.exists():
        raise DedupeInputError(f"{p}: directory {p.parent} does not exist")
    if suffix in (".parquet", ".pq"):
        df.to_parquet(p, index=False)
    elif suffix in (".jsonl", ".ndjson"):
        df.to_json(p, orient="records", lines=True, force_ascii=False)
    else:
        df.to_csv(p, index=False)


def dedupe_files(inputs: list[str | Path], out: str | Path, *, column_map: dict[str, str] | None = None,
                 truth: str | Path | None = None, progress: TextIO | None = sys.stderr,
                 params: MatchParams | None = None) -> dict:
    """The behaviour of ``credcat dedupe``; returns the summary it prints. Raises DedupeInputError."""
    if len(inputs) not in (1, 2):
        raise DedupeInputError("give one input (deduplicate) or two inputs (link)")
    t0 = time.perf_counter()
    frames = []
    for path in inputs:
        df = read_table(path)
        if progress:
            print(f"[dedupe] read {len(df)} rows from {path}", file=progress, flush=True)
        try:
            frames.append(engine.standardise(df, column_map))
        except (engine.MissingColumnsError, ValueError) as exc:
            raise DedupeInputError(f"{path}: {exc}") from None
    summary: dict = {"inputs": [str(p) for p in inputs], "out": str(out)}
    if len(frames) == 1:
        res = engine.dedupe_frame(frames[0], params=params, progress=progress)
        write_table(res.clusters[["id", "cluster_id"]], out)
        summary.update(mode="dedupe", records=res.stats["records"], candidate_pairs=res.stats["candidate_pairs"],
                       clusters=res.stats["clusters"], merged_records=int(res.stats["records"] - res.stats["clusters"]),
                       largest_cluster=res.stats["largest_cluster"], same_as_links=res.stats["same_as_links"])
        if truth:
            t = read_table(truth)
            if not {"id", "cluster_id"} <= set(t.columns):
                raise DedupeInputError(f"{truth}: a dedupe truth file needs columns id,cluster_id")
            summary["metrics"] = evaluate(res.clusters, t)
    else:
        links = engine.link_frames(frames[0], frames[1], params=params, progress=progress)
        write_table(links[["left_id", "right_id", "score"]], out)
        summary.update(mode="link", left_records=len(frames[0]), right_records=len(frames[1]), links=len(links))
        if truth:
            t = read_table(truth)
            if not {"left_id", "right_id"} <= set(t.columns):
                raise DedupeInputError(f"{truth}: a link truth file needs columns left_id,right_id")
            summary["metrics"] = evaluate_links(links[["left_id", "right_id"]], t[["left_id", "right_id"]])
    summary["seconds"] = round(time.perf_counter() - t0, 2)
    if progress:
        if summary["mode"] == "dedupe":
            print(f"[dedupe] done: {summary['records']} records -> {summary['clusters']} clusters "
                  f"({summary['merged_records']} records merged, largest cluster {summary['largest_cluster']}, "
                  f"{summary['same_as_links']} same_as links) in {summary['seconds']}s -> {out}", file=progress)
        else:
            print(f"[dedupe] done: {summary['links']} links between {summary['left_records']} and "
                  f"{summary['right_records']} records in {summary['seconds']}s -> {out}", file=progress)
        if "metrics" in summary:
            print(format_metrics("[dedupe] against truth", summary["metrics"]), file=progress)
    return summary


def build_parser(prog: str = "credcat dedupe") -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog=prog, description="Deduplicate one file or link two files of listings.")
    ap.add_argument("inputs", nargs="+", metavar="INPUT", help="CSV, JSON Lines or Parquet; one (dedupe) or two (link)")
    ap.add_argument("--out", required=True, help="output file (.csv, .jsonl or .parquet)")
    ap.add_argument("--truth", help="truth file: id,cluster_id (dedupe) or left_id,right_id (link)")
    ap.add_argument("--params", help="a calibrated parameter file (default: the course model)")
    for col in ["id", "title", "provider"] + OPTIONAL:
        ap.add_argument(f"--{col.replace('_', '-')}-col", dest=f"col_{col}", metavar="NAME",
                        help=f"input column holding {col}")
    return ap


def run_dedupe_cli(argv: list[str] | None = None, *, stderr: TextIO = sys.stderr) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    column_map = {("organisation" if k == "provider" else k): v for k, v in
                  ((name.removeprefix("col_"), val) for name, val in vars(args).items() if name.startswith("col_")) if v}
    try:
        params = MatchParams.load(args.params) if args.params else None
        summary = dedupe_files(args.inputs, args.out, column_map=column_map, truth=args.truth, progress=stderr,
                               params=params)
    except DedupeInputError as exc:
        print(f"credcat dedupe: error: {exc}", file=stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"credcat dedupe: error: {exc}", file=stderr)
        return 2
    return 0 if summary else 1


if __name__ == "__main__":
    sys.exit(run_dedupe_cli())
