"""The BM25 index side by side on one catalogue's ``search_documents``: the extension's ``create_fts_index``
against ``pipeline.search.build_index``, full, then with 1% of the documents changed (the update from the
index just built), with the tables of both compared.

    python -m benchmarks.fts_index_benchmark CATALOGUE [--workdir /tmp/fts-bench]

CATALOGUE: any catalogue with ``search_documents``, e.g. one the refresh benchmark published.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

import duckdb

from benchmarks import cpu_seconds
from pipeline import search

S = "fts_main_search_documents"
TABLES = {"docs": f"select name, len from {{db}}.{S}.docs",
          "terms": f"select t.docid, t.fieldid, d.term from {{db}}.{S}.terms t join {{db}}.{S}.dict d using (termid)",
          "dict": f"select term, df from {{db}}.{S}.dict", "stats": f"select * from {{db}}.{S}.stats"}



def _run(work: Path, name: str, fn, base: Path, *args) -> None:
    dst = work / f"{name}.duckdb"
    shutil.copyfile(base, dst)
    con = duckdb.connect(str(dst))
    con.execute("set enable_progress_bar = false")
    c0, t0 = cpu_seconds(), time.time()
    result = fn(con, *args)
    con.execute("checkpoint")
    print(f"{name:22} {cpu_seconds() - c0:6.2f} CPU s {time.time() - t0:6.2f} s  {result or ''}  "
          f"load {os.getloadavg()[0]:.1f}", flush=True)
    con.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("catalogue")
    ap.add_argument("--workdir", default="/tmp/fts-bench")
    args = ap.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    docs, changed = work / "documents.duckdb", work / "changed.duckdb"
    for p in (docs, changed):
        p.unlink(missing_ok=True)
    con = duckdb.connect(str(docs))
    con.execute(f"attach '{args.catalogue}' as src (read_only)")
    con.execute("create table search_documents as select * from src.search_documents")
    con.close()
    shutil.copyfile(docs, changed)
    con = duckdb.connect(str(changed))  # 1% changed: every 100th document gets a longer description
    con.execute("create or replace table search_documents as select * replace (case when hash(uid) % 100 = 0 then "
                "coalesce(description, '') || ' revised edition with new material' else description end "
                "as description) from search_documents")
    con.close()
    _run(work, "extension_full", search.extension_index, docs)
    _run(work, "build_index_full", search.build_index, docs)
    _run(work, "extension_changed", search.extension_index, changed)
    _run(work, "build_index_changed", search.build_index, changed, work / "build_index_full.duckdb")
    con = duckdb.connect(str(work / "extension_changed.duckdb"))
    search.install_fts(con)
    con.execute(f"attach '{work / 'build_index_changed.duckdb'}' as ours")
    for table, q in TABLES.items():
        ref, ours = q.format(db="extension_changed"), q.format(db="ours")
        print(f"{table}: {con.execute(f'select count(*) from ({ref})').fetchone()[0]} rows, differing "
              f"{con.execute(f'select count(*) from (({ref}) except all ({ours}))').fetchone()[0]} / "
              f"{con.execute(f'select count(*) from (({ours}) except all ({ref}))').fetchone()[0]}")


if __name__ == "__main__":
    main()
