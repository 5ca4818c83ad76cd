"""The same Dagster definitions beyond one process (issue 16 item 5): provider crawl partitions run as parallel
runs, each on Dagster's multiprocess executor (its step in a child process, as a run launcher on a cluster runs
each run in its own pod), then the publish job (every step its own process), against the offline snapshots;
the published catalogue is identical to a serial in-process run's, table by table, refresh timestamps aside."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import dagster as dg
import duckdb

from pipeline import exports, paths
from pipeline.definitions import defs

PROVIDERS = ["example-university", "futurelearn"]  # two small sites: quick, and enough to overlap
QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
CRAWL_CONFIG = {"ops": {"raw_listings": {"config": {"offline": True}}}, **QUIET}
# when and where a row was fetched or published: differs between any two refreshes of the same sources
RUN_COLUMNS = {"fetched_at", "first_seen", "last_seen", "source_url", "crawl_run", "feed_file", "refresh_id",
               "refreshed_at", "valid_from", "valid_to", "refresh_from", "refresh_to", "seen_at", "rate_date"}


def crawl_job():
    return defs.resolve_job_def("crawl")


def publish_job():
    return defs.resolve_job_def("publish")


def published_tables(path) -> dict[str, list[tuple]]:
    """Every table of the published catalogue's main schema, without the refresh's own columns, sorted."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        for (table,) in con.execute("select table_name from information_schema.tables where table_schema = 'main' "
                                    "and table_type = 'BASE TABLE' order by 1").fetchall():
            cols = [c for (c,) in con.execute("select column_name from information_schema.columns where table_schema "
                                              "= 'main' and table_name = ? order by ordinal_position", [table]).fetchall()
                    if c not in RUN_COLUMNS]
            select = ", ".join(f'"{c}"::varchar' for c in cols)
            out[table] = sorted(con.execute(f'select {select} from "{table}"').fetchall(), key=repr)
        return out
    finally:
        con.close()


def test_parallel_partition_runs_on_the_multiprocess_executor_publish_what_a_serial_run_does(tmp_path, monkeypatch):
    monkeypatch.delenv("CREDCAT_CATALOGUE", raising=False)
    monkeypatch.delenv("CREDCAT_OFFLINE", raising=False)
    monkeypatch.setenv("CREDCAT_CRAWL_WORKERS", "1")

    # serial: one process, one partition after the other, then the publish (what `credcat refresh -p` does)
    serial = tmp_path / "serial"
    monkeypatch.setenv("CREDCAT_DATA_DIR", str(serial))
    started = time.perf_counter()
    local = dg.DagsterInstance.ephemeral()
    for provider in PROVIDERS:
        assert crawl_job().execute_in_process(instance=local, run_config=CRAWL_CONFIG, partition_key=provider).success
    serial_crawl = time.perf_counter() - started
    assert publish_job().execute_in_process(instance=local, run_config=QUIET).success

    # parallel: one run per partition, all at once, each its own `dagster job execute` process on a shared
    # instance (what a run launcher does: a process or a pod per run), each on the multiprocess executor (the
    # step in a child process); then the publish run, every step its own process
    parallel = tmp_path / "parallel"
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(f"storage:\n  sqlite:\n    base_dir: {home}\ntelemetry:\n  enabled: false\n")
    (tmp_path / "crawl.yaml").write_text(json.dumps(CRAWL_CONFIG))
    env = {**os.environ, "CREDCAT_DATA_DIR": str(parallel), "DAGSTER_HOME": str(home)}
    with dg.DagsterInstance.from_config(str(home)) as instance:  # the storage exists before runs share it
        assert instance.get_runs() == []

    def dagster_job(job, *args):
        return subprocess.Popen([sys.executable, "-m", "dagster", "job", "execute", "-m", "pipeline.definitions",
                                 "-j", job, *args], cwd=paths.PROJECT_ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    started = time.perf_counter()
    procs = [dagster_job("crawl", "-c", str(tmp_path / "crawl.yaml"), "--tags", json.dumps({"dagster/partition": p}))
             for p in PROVIDERS]
    outputs = [proc.communicate(timeout=600)[0] for proc in procs]
    parallel_crawl = time.perf_counter() - started
    assert [proc.returncode for proc in procs] == [0] * len(PROVIDERS), [o[-3000:] for o in outputs]
    publish = dagster_job("publish")
    output = publish.communicate(timeout=600)[0]
    assert publish.returncode == 0, output[-3000:]
    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs()
        crawls = [r for r in runs if r.job_name == "crawl"]
        assert {r.tags["dagster/partition"] for r in crawls} == set(PROVIDERS)
        assert all(r.status == dg.DagsterRunStatus.SUCCESS for r in runs) and len(runs) == len(PROVIDERS) + 1

        def events(run):
            return [r.event_log_entry for r in instance.get_records_for_run(run.run_id, limit=10_000).records]

        # each crawl run's step ran in a child process of its own (the multiprocess executor), and they overlapped
        starts = [e for r in crawls for e in events(r) if e.dagster_event_type == dg.DagsterEventType.STEP_START]
        assert len({e.dagster_event.pid for e in starts}) == len(PROVIDERS)
        spans = [(min(e.timestamp for e in events(r)), max(e.timestamp for e in events(r))) for r in crawls]
        assert max(s for s, _ in spans) < min(e for _, e in spans), "the partition runs did not overlap"
        (publish_run,) = [r for r in runs if r.job_name == "publish"]
        steps = {e.step_key: e.dagster_event.pid for e in events(publish_run)
                 if e.dagster_event_type == dg.DagsterEventType.STEP_START}
        assert len(set(steps.values())) == len(steps) > 2  # every publish step in its own process
    print(f"crawl of {len(PROVIDERS)} providers: serial {serial_crawl:.1f} s, parallel runs {parallel_crawl:.1f} s")

    a, b = published_tables(paths.catalogue_path(serial)), published_tables(paths.catalogue_path(parallel))
    assert set(a) == set(b) and a["listings"]
    assert {t: len(rows) for t, rows in a.items()} == {t: len(rows) for t, rows in b.items()}
    assert [t for t in a if a[t] != b[t]] == []
    sources = duckdb.connect(str(paths.catalogue_path(parallel)), read_only=True)
    assert {s for (s,) in sources.execute("select distinct source from listings").fetchall()} == set(PROVIDERS)
    sources.close()
    # the export sets agree too, change sets included (both first refreshes: everything added)
    ea, eb = (exports.latest_export(d / "exports") for d in (serial, parallel))
    assert exports.verify_export(eb) == [] and exports.validate_export(eb) == []
    ma, mb = (json.loads((e / "manifest.json").read_text()) for e in (ea, eb))
    assert {t: m["rows"] for t, m in ma["tables"].items()} == {t: m["rows"] for t, m in mb["tables"].items()}
    assert ma["change_set"]["counts"] == mb["change_set"]["counts"] and mb["change_set"]["counts"]["added"] > 0
