"""benchmarks.compare_catalogues: what backs the "identical tables" claims of docs/scaling.md."""

import duckdb

from benchmarks.compare_catalogues import compare


def _catalogue(path, rows, refreshed="2026-12-01"):
    con = duckdb.connect(str(path))
    con.execute("create table credentials (uid varchar, title varchar)")
    con.executemany("insert into credentials values (?, ?)", rows)
    con.execute("create table refreshes as select ?::varchar as refreshed_at, 3 as credentials", [refreshed])
    con.close()
    return str(path)


def test_run_times_are_ignored_and_any_row_difference_is_found(tmp_path):
    rows = [("a", "Python"), ("b", "SQL"), ("b", "SQL")]
    first = _catalogue(tmp_path / "a.duckdb", rows)
    assert compare(first, _catalogue(tmp_path / "b.duckdb", rows[::-1], refreshed="2026-12-02")) == []
    assert compare(first, _catalogue(tmp_path / "c.duckdb", rows[:2])) == ["credentials"]  # a duplicate less
