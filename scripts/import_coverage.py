"""Import the real catalogue exports with their saved mappings and print how many rows that state a workload
or an offer have it parsed (issue 14's done-when figure).

    .venv/bin/python scripts/import_coverage.py [/path/to/mooc_catalogs]

Runs `credcat import` for each file into a temporary data folder (nothing of yours is touched, the mapping
is not re-saved) and reads the published catalogue."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

FILES = {"edx_courses.csv": "edx", "coursera_courses.csv": "coursera", "udemy_courses.csv": "udemy"}


def main(folder: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="credcat-import-") as tmp:
        os.environ["CREDCAT_DATA_DIR"] = tmp
        os.environ.pop("CREDCAT_CATALOGUE", None)
        import duckdb

        from pipeline.cli import main as credcat

        for name, provider in FILES.items():
            if credcat(["import", str(folder / name), "--as", provider, "--no-save"]) != 0:
                print(f"import of {name} failed", file=sys.stderr)
                return 1
        con = duckdb.connect(str(Path(tmp) / "catalogue.duckdb"), read_only=True)
        rows = con.execute("""
            select source, count(*),
                   count(duration_text), count(duration_text) filter (where duration_hours is not null),
                   count(cost_text), count(cost_text) filter (where cost_amount is not null)
            from listings group by 1 order by 1""").fetchall()
        con.close()
    print(f"{'source':<10}{'rows':>6}{'workload stated':>17}{'parsed':>8}{'offer stated':>14}{'parsed':>8}")
    for source, n, ws, wp, cs, cp in rows:
        share = lambda p, s: f"{100 * p / s:.1f}%" if s else "-"  # noqa: E731
        print(f"{source:<10}{n:>6}{ws:>17}{share(wp, ws):>8}{cs:>14}{share(cp, cs):>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/mooc_catalogs")))
