"""Exports of one catalogue: a first export, then 1% of ``credentials`` and ``listings`` changed, a second
(CPU seconds of each). Run it with each branch's venv to compare.

    python -m benchmarks.exports_benchmark CATALOGUE [--workdir /tmp/exports-bench]
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

import duckdb

from benchmarks import cpu_seconds
from pipeline import exports



def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("catalogue")
    ap.add_argument("--workdir", default="/tmp/exports-bench")
    args = ap.parse_args()
    work = Path(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    cat = work / "catalogue.duckdb"
    shutil.copyfile(args.catalogue, cat)

    def export(refresh_id: str) -> None:
        con = duckdb.connect(str(cat), read_only=True)
        c0, t0, load = cpu_seconds(), time.time(), os.getloadavg()[0]
        exports.export_catalogue(con, work / "exports", refresh_id)
        con.close()
        print(f"{refresh_id}: {cpu_seconds() - c0:.2f} CPU s, {time.time() - t0:.2f} s (load {load:.1f})", flush=True)

    export("r1")
    con = duckdb.connect(str(cat))
    for table in ("credentials", "listings"):
        con.execute(f"update {table} set description = coalesce(description, '') || ' (revised)' "
                    "where hash(uid) % 100 = 0")
    con.close()
    export("r2")


if __name__ == "__main__":
    main()
