"""The sandboxed query surface (issue #10 item 3): every escape measured on the old `credcat sql` is refused
with a clear message and leaves no trace; limits stop runaway queries; results render as honest JSON."""

from __future__ import annotations

import json
import site
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline import query
from pipeline.cli import main


@pytest.fixture
def cat(tmp_path: Path) -> Path:
    path = tmp_path / "catalogue.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table credentials as select * from (values ('a:1', 'course', ['x'], 2.5), "
                "('a:2', 'badge', [], 'nan'::double)) t(uid, credential_type, skills, hours)")
    con.close()
    return path


@pytest.fixture
def con(cat):
    c = query.connect(cat, limits=query.Limits(timeout=5))
    yield c
    c.close()


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A local file no query may read: a CSV, a Parquet file and a DuckDB database beside the catalogue."""
    d = tmp_path / "private"
    d.mkdir()
    c = duckdb.connect(str(d / "other.duckdb"))
    c.execute("create table s as select 'TOPSECRET' as v")
    c.execute(f"copy s to '{(d / 'secret.parquet').as_posix()}' (format parquet)")
    c.execute(f"copy s to '{(d / 'secret.csv').as_posix()}'")
    c.close()
    return d


# Every statement here must be refused; {d} is the private folder, {out} a path that must never be written.
ESCAPES = {
    # reading files
    "read_csv /etc/passwd": "select * from read_csv('/etc/passwd')",
    "read_csv_auto": "select * from read_csv_auto('{d}/secret.csv')",
    "read_text": "select * from read_text('/etc/hostname')",
    "read_blob": "select * from read_blob('/etc/hostname')",
    "read_json": "select * from read_json_auto('/etc/passwd')",
    "read_parquet local file": "select * from read_parquet('{d}/secret.parquet')",
    "parquet_scan": "select * from parquet_scan('{d}/secret.parquet')",
    "replacement scan of a path": "select * from '{d}/secret.csv'",
    "glob": "select * from glob('/*')",
    "sniff_csv": "select * from sniff_csv('/etc/passwd')",
    "summarize a file": "summarize select * from read_text('/etc/hostname')",
    "file in a subquery": "select (select count(*) from read_text('/etc/hostname')) as n",
    "network": "select * from read_csv('https://example.com/x.csv')",
    "environment": "select getenv('HOME')",
    "secrets": "select * from duckdb_secrets()",
    # writing files
    "copy to": "copy (select 1) to '{out}'",
    "copy a .pth into site-packages": "copy (select 'import os; os.system(\"touch {out}\")') to '{pth}' (header false, quote '')",
    "copy table to": "copy credentials to '{out}'",
    "export database": "export database '{out}'",
    # other databases, settings, extensions
    "attach": "attach '{d}/other.duckdb' as o",
    "attach in-memory": "attach ':memory:' as m",
    "detach": "detach catalogue",
    "use": "use memory",
    "set": "set enable_external_access = true",
    "set memory": "set memory_limit = '100GB'",
    "reset": "reset threads",
    "pragma set": "pragma threads = 64",
    "pragma profiling output": "pragma profiling_output = '{out}'",
    "pragma enable_profiling": "pragma enable_profiling",
    "call": "call pragma_version()",
    "install": "install httpfs",
    "install from file": "install '{d}/x.duckdb_extension'",
    "load": "load httpfs",
    # writes and other statements
    "create table": "create table x (a int)",
    "create temp table": "create temp table x as select 1",
    "create macro": "create macro m(a) as a",
    "create secret": "create secret (type s3, key_id 'k', secret 's')",
    "insert": "insert into credentials values ('z', 'z', [], 0)",
    "delete": "delete from credentials",
    "update": "update credentials set uid = 'x'",
    "drop": "drop table credentials",
    "alter": "alter table credentials add column y int",
    "checkpoint": "checkpoint",
    "vacuum": "vacuum",
    "transaction": "begin transaction",
    "prepare": "prepare p as select 1",
    "explain analyze of a write": "explain analyze copy (select 1) to '{out}'",
    "two statements": "select 1; copy (select 1) to '{out}'",
    "read then attach": "select 1; attach '{d}/other.duckdb'",
    "query() of a write": "select * from query('copy (select 1) to ''{out}''')",
    "query() of a file read": "select * from query('select * from read_text(''/etc/hostname'')')",
    "from-first file read": "from read_csv('/etc/passwd')",
    "read_ndjson": "select * from read_ndjson('/etc/passwd')",
    "import database": "import database '{d}'",
    "copy from database": "copy from database catalogue to memory",
    "create view over a file": "create view v as select * from read_text('/etc/hostname')",
    "set variable": "set variable x = 1",
    "update extensions": "update extensions",
    "load from a path": "load '{d}/x.duckdb_extension'",
    "force install": "force install httpfs",
}


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_every_escape_is_refused_and_leaves_no_trace(name, con, cat, secret, tmp_path):
    out = tmp_path / "escaped.csv"
    pth = Path(site.getsitepackages()[0] if hasattr(site, "getsitepackages") else sys.prefix) / "zz_credcat_escape.pth"
    sql = ESCAPES[name].format(d=secret.as_posix(), out=out.as_posix(), pth=pth.as_posix())
    with pytest.raises(query.QueryError) as err:
        query.run(con, sql)
    message = str(err.value)
    assert message and "\n" not in message
    assert "TOPSECRET" not in message and "root:" not in message
    assert not out.exists() and not pth.exists()
    # the connection is still sandboxed and usable afterwards
    assert query.run(con, "select current_setting('enable_external_access') as e").rows == [(False,)]
    assert query.run(con, "select count(*) from credentials").rows == [(2,)]


def test_refusals_say_why(con):
    def refusal(sql):
        with pytest.raises(query.QueryError) as err:
            query.run(con, sql)
        return str(err.value)

    assert "read-only" in refusal("copy (select 1) to '/tmp/x.csv'") and "COPY" in refusal("copy (select 1) to 'x'")
    assert "only the published catalogue" in refusal("select * from read_text('/etc/hostname')")
    assert "exactly one statement (got 2)" in refusal("select 1; select 2")
    assert "give a statement" in refusal("  ;  ")
    assert "PIVOT ... ON col IN" in refusal("pivot credentials on credential_type using count(*)")
    assert query.run(con, "pivot (select credential_type from credentials) on credential_type in ('course', 'badge') "
                          "using count(*)").rows == [(1, 1)]
    assert refusal("selec 1").startswith("query failed: Parser Error")


def test_configuration_is_locked(con):
    """Even a statement that slipped past the statement check could not change the sandbox."""
    with pytest.raises(duckdb.Error, match="locked"):
        con.execute("set enable_external_access = true")
    with pytest.raises(duckdb.Error, match="locked"):
        con.execute("set memory_limit = '100GB'")


def test_run_refuses_a_connection_that_is_not_sandboxed(cat):
    plain = duckdb.connect(str(cat), read_only=True)
    with pytest.raises(ValueError, match="sandboxed connection"):
        query.run(plain, "select 1")
    plain.close()
    own = query.connect(cat, sandboxed=False)  # credcat's own export connection
    with pytest.raises(ValueError):
        query.run(own, "select 1")
    own.close()


def test_cursors_share_the_sandbox(con):
    """A server gives each request ``con.cursor()``: the cursor is as confined as the connection."""
    cur = con.cursor()
    with pytest.raises(query.QueryError, match="refused"):
        query.run(cur, "select * from read_text('/etc/hostname')")
    with pytest.raises(duckdb.Error, match="locked"):
        cur.execute("set enable_external_access = true")
    assert query.run(cur, "select count(*) from credentials").rows == [(2,)]


def test_reads_still_work(con):
    assert query.run(con, "from credentials select uid order by uid").rows == [("a:1",), ("a:2",)]
    assert query.run(con, "with t as (select 1 as a) select * from t").rows == [(1,)]
    assert [r[0] for r in query.run(con, "describe credentials").rows][:2] == ["uid", "credential_type"]
    assert len(query.run(con, "summarize select uid, credential_type from credentials").rows) == 2
    assert query.run(con, "pragma show_tables").rows == [("credentials",)]  # a read pragma is a SELECT


def test_time_limit_interrupts_a_runaway_query(cat):
    limits = query.Limits(timeout=0.5)
    con = query.connect(cat, limits=limits)
    with pytest.raises(query.QueryError, match=r"longer than 0.5 s .*--timeout"):
        query.run(con, "select count(*) from range(1000000000000::bigint)", limits)
    with pytest.raises(query.QueryError, match="longer than"):
        query.run(con, "select count(*) from range(100000) a, range(100000) b", limits)
    assert query.run(con, "select 42", limits).rows == [(42,)]  # usable after the interrupt
    con.close()


def test_range_1e12_never_runs_unbounded(con):
    with pytest.raises(query.QueryError):
        query.run(con, "select count(*) from range(1e12)", query.Limits(timeout=0.5))


def test_row_limit_refuses_huge_results_without_materialising_them(cat):
    limits = query.Limits(max_rows=100, timeout=5)
    con = query.connect(cat, limits=limits)
    with pytest.raises(query.QueryError, match=r"more than 100 rows: add a LIMIT"):
        query.run(con, "select * from range(1000000000000::bigint)", limits)  # streams: stops after 101 rows
    assert len(query.run(con, "select * from range(100)", limits).rows) == 100
    con.close()


def test_memory_limit_stops_a_query_that_does_not_fit(cat):
    limits = query.Limits(memory="100MB", timeout=20)
    con = query.connect(cat, limits=limits)
    assert con.execute("select current_setting('memory_limit')").fetchone()[0].startswith("95")  # 100 MB in MiB
    with pytest.raises(query.QueryError, match=r"more than 100MB of memory"):
        query.run(con, "select length(string_agg(repeat('x', 1000), '')) from range(10000000)", limits)
    con.close()


def test_threads_are_capped(cat):
    con = query.connect(cat, limits=query.Limits(threads=1))
    assert con.execute("select current_setting('threads')").fetchone()[0] == 1
    con.close()


def test_no_extension_is_installed_or_loaded_behind_the_users_back(con):
    assert con.execute("select current_setting('autoinstall_known_extensions'), "
                       "current_setting('autoload_known_extensions')").fetchone() == (False, False)
    with pytest.raises(query.QueryError):  # would autoload httpfs on an open connection
        query.run(con, "select * from read_parquet('s3://bucket/x.parquet')")


def test_json_records_are_json_not_strings(cat, tmp_path):
    path = tmp_path / "types.duckdb"
    c = duckdb.connect(str(path))
    c.execute("""create table t as select '{"a": [1, {"b": null}]}'::json as j, 'nan'::double as nan_,
                 'inf'::double as inf_, timestamp '2026-01-02 03:04:05' as ts, timestamptz '2026-01-02 03:04:05+00' as tz,
                 date '2026-01-02' as d, interval 90 minute as iv, {'k': [1, 2]} as s, 1.50::decimal(4, 2) as dec,
                 12345678901234567890::decimal(38, 0) as big, ['x', null] as l,
                 ['{"a": 1}'::json] as jl, {'k': '[1]'::json} as js, map {'m': '{}'::json} as jm""")
    c.close()
    con = query.connect(path)
    (record,) = query.run(con, "select * from t").records()
    con.close()
    assert record["j"] == {"a": [1, {"b": None}]}
    assert record["nan_"] is None and record["inf_"] is None
    assert record["ts"] == "2026-01-02T03:04:05" and record["tz"].startswith("2026-01-02T03:04:05+00:00")
    assert record["d"] == "2026-01-02" and record["iv"] == "PT1H30M"
    assert record["s"] == {"k": [1, 2]} and record["dec"] == 1.5 and record["l"] == ["x", None]
    assert record["big"] == 12345678901234567890
    assert record["jl"] == [{"a": 1}] and record["js"] == {"k": [1]} and record["jm"] == {"m": {}}
    json.dumps(record, allow_nan=False)


@pytest.mark.parametrize("delta, iso", [((0,), "PT0S"), ((1, 90), "P1DT1M30S"), ((0, 3600), "PT1H"),
                                        ((0, 1, 500000), "PT1.5S"), ((-1,), "-P1D")])
def test_iso_duration(delta, iso):
    import datetime as dt

    assert query.iso_duration(dt.timedelta(*delta)) == iso


def test_a_write_locked_catalogue_is_a_clear_error(cat, capsys, data_dir, monkeypatch):
    monkeypatch.setenv("CREDCAT_CATALOGUE", str(cat))
    import subprocess

    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, sys, time; c = duckdb.connect({str(cat)!r}); "
                               "print('held', flush=True); time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert main(["sql", "select 1"]) == 2
        err = capsys.readouterr().err.strip()
        assert "\n" not in err and "holds it for writing" in err
    finally:
        holder.kill()
        holder.wait()


# -- the CLI --------------------------------------------------------------------------------------------------
@pytest.fixture
def published_cat(cat, data_dir, monkeypatch):
    monkeypatch.setenv("CREDCAT_CATALOGUE", str(cat))
    return cat


def test_cli_refuses_the_two_done_when_queries(published_cat, capsys, tmp_path):
    assert main(["sql", "select * from read_text('/etc/hostname')"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("credcat: refused") and Path("/etc/hostname").exists()
    target = tmp_path / "x.csv"
    for path in ("/tmp/x.csv", target.as_posix()):
        before = Path(path).stat().st_mtime_ns if Path(path).exists() else None
        assert main(["sql", f"copy (select 1) to '{path}'"]) == 2
        assert "refused" in capsys.readouterr().err
        assert (Path(path).stat().st_mtime_ns if Path(path).exists() else None) == before


def test_cli_sql_json_is_honest_json(published_cat, capsys):
    assert main(["sql", "select uid, hours, skills, '{\"a\": 1}'::json as j, timestamp '2026-01-02 03:04:05' as t "
                        "from credentials order by uid", "--json"]) == 0
    out = capsys.readouterr().out
    assert "NaN" not in out
    rows = json.loads(out)
    assert rows[0] == {"uid": "a:1", "hours": 2.5, "skills": ["x"], "j": {"a": 1}, "t": "2026-01-02T03:04:05"}
    assert rows[1]["hours"] is None


def test_cli_limits_have_flags(published_cat, capsys):
    assert main(["sql", "select * from range(20)", "--max-rows", "10"]) == 2
    assert "--max-rows" in capsys.readouterr().err
    assert main(["sql", "select * from range(20)", "--max-rows", "20"]) == 0
    capsys.readouterr()
    assert main(["sql", "select count(*) from range(1000000000000::bigint)", "--timeout", "0.3"]) == 2
    assert "--timeout" in capsys.readouterr().err
