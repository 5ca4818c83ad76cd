"""Every published table of two catalogues compared row for row (``EXCEPT ALL`` both ways), for claims that
a change keeps the catalogue identical (docs/scaling.md):

    python -m benchmarks.compare_catalogues main/catalogue.duckdb branch/catalogue.duckdb

Refresh ids and times (which name the run, not the data) are left out; exit status 1 when any table differs.
"""

from __future__ import annotations

import sys

import duckdb

RUN_COLUMNS = {"refresh_id", "refreshed_at", "refresh_from", "refresh_to", "valid_from", "versions"}


def compare(a: str, b: str) -> list[str]:
    """Print one line per table; return the tables that differ (columns, types or rows)."""
    con = duckdb.connect()
    for alias, path in (("a", a), ("b", b)):  # ATTACH takes no parameters: the paths quoted
        con.execute(f"attach '{path.replace(chr(39), chr(39) * 2)}' as {alias} (read_only)")

    def columns(db: str) -> dict[str, list[tuple[str, str]]]:
        rows = con.execute("select table_name, column_name, data_type from information_schema.columns "
                           "where table_catalog = ? and table_schema = 'main' order by table_name, ordinal_position",
                           [db]).fetchall()
        out: dict[str, list[tuple[str, str]]] = {}
        for table, column, dtype in rows:
            out.setdefault(table, []).append((column, dtype))
        return out

    ca, cb = columns("a"), columns("b")
    differ = sorted(set(ca) ^ set(cb))
    for table in sorted(set(ca) & set(cb)):
        if ca[table] != cb[table]:
            print(f"{table:32s} columns differ")
            differ.append(table)
            continue
        sel = ", ".join(f'"{c}"' for c, _ in ca[table] if c not in RUN_COLUMNS)
        counts = [con.execute(f'select count(*) from (select {sel} from {x}.main."{table}" except all '
                              f'select {sel} from {y}.main."{table}")').fetchone()[0] for x, y in (("a", "b"), ("b", "a"))]
        rows = con.execute(f'select count(*) from a.main."{table}"').fetchone()[0]
        print(f"{table:32s} {rows:>9,} rows   only in the first {counts[0]}, only in the second {counts[1]}")
        if any(counts):
            differ.append(table)
    print("identical" if not differ else "DIFFERENT: " + ", ".join(differ))
    return differ


if __name__ == "__main__":
    sys.exit(1 if compare(sys.argv[1], sys.argv[2]) else 0)
