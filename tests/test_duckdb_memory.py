"""The build's DuckDB memory cap is on by default (a 1M build spills instead of passing 4 GB, issue 16)."""

import duckdb

from pipeline import warehouse


def _limit(con) -> str:
    return con.execute("select current_setting('memory_limit')").fetchone()[0]


def test_cap_is_the_default_and_can_be_set_or_lifted(tmp_path, monkeypatch):
    monkeypatch.delenv("CREDCAT_DUCKDB_MEMORY", raising=False)
    path = tmp_path / "c.duckdb"
    with duckdb.connect() as bare:
        own_default = _limit(bare)
    with warehouse.connect(path) as con:
        assert _limit(con) == "1.3 GiB" != own_default  # 1500MB
    monkeypatch.setenv("CREDCAT_DUCKDB_MEMORY", "512MB")
    with warehouse.connect(path) as con:
        assert _limit(con) == "488.2 MiB"
    monkeypatch.setenv("CREDCAT_DUCKDB_MEMORY", "default")
    with warehouse.connect(path) as con:
        assert _limit(con) == own_default
