"""The build's DuckDB memory cap: 4GB by default (at 1M listings 1500MB failed in the survivorship and no cap
grew the process until the kernel killed it, issue 16), set or lifted by CREDCAT_DUCKDB_MEMORY."""

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
        assert _limit(con) == "3.7 GiB" != own_default  # 4GB
    monkeypatch.setenv("CREDCAT_DUCKDB_MEMORY", "512MB")
    with warehouse.connect(path) as con:
        assert _limit(con) == "488.2 MiB"
    monkeypatch.setenv("CREDCAT_DUCKDB_MEMORY", "default")
    with warehouse.connect(path) as con:
        assert _limit(con) == own_default
