"""The writer lock, the working-catalogue claim and the cleanup of leftovers, with real processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from pipeline import lock, paths

HOLDER = textwrap.dedent("""
    import sys, time
    from pipeline import lock
    with lock.writer_lock(sys.argv[1], "holding for a test", run_id="run-1"):
        print("held", flush=True)
        time.sleep(120)
""")


def start_holder(data):
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(data)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_held_lock_waits_a_bounded_time_names_its_holder_and_frees_when_the_holder_is_killed(tmp_path):
    holder = start_holder(tmp_path)
    try:
        started = time.monotonic()
        with pytest.raises(lock.LockBusy) as err:
            with lock.writer_lock(tmp_path, "second", timeout=0.5):
                pass
        assert 0.5 <= time.monotonic() - started < 5
        message = str(err.value)
        assert f"pid {holder.pid}" in message and "run run-1" in message and "holding for a test" in message
        assert "since 20" in message and "gave up after" in message
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    started = time.monotonic()
    with lock.writer_lock(tmp_path, "after the kill", timeout=5):  # the kernel released it
        assert time.monotonic() - started < 1
        assert lock.read_holder(lock.lock_dir(tmp_path) / "writer.lock")["what"] == "after the kill"
    assert lock.read_holder(lock.lock_dir(tmp_path) / "writer.lock") is None  # a clean release names nobody


def test_the_lock_is_reentrant_in_its_thread(tmp_path):
    with lock.writer_lock(tmp_path, "outer", timeout=0):
        with lock.writer_lock(tmp_path, "inner", timeout=0):
            pass
        assert lock.read_holder(lock.lock_dir(tmp_path) / "writer.lock")["what"] == "outer"


def test_a_live_run_keeps_the_working_catalogue_and_a_dead_one_does_not(tmp_path):
    build = paths.build_path(tmp_path)
    build.parent.mkdir(parents=True)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        (build.parent / "OWNER.json").write_text(json.dumps({"pid": other.pid, "run_id": "A", "since": "then"}))
        with pytest.raises(lock.LockBusy, match=f"belongs to pid {other.pid} \\(run A"):
            with lock.writer_step(tmp_path, build, "staged_listings", "B", claim=True, timeout=0.6):
                pass
        with pytest.raises(lock.BuildTaken, match="no longer this run's"):
            with lock.writer_step(tmp_path, build, "listings", "B", timeout=0.6):
                pass
    finally:
        other.kill()
        other.wait()
    with lock.writer_step(tmp_path, build, "staged_listings", "B", claim=True, timeout=5):
        assert lock.read_holder(build.parent / "OWNER.json")["run_id"] == "B"
    with lock.writer_step(tmp_path, build, "catalogue", "B", release=True, timeout=5):
        pass
    assert not (build.parent / "OWNER.json").exists()


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_recover_removes_only_what_dead_processes_left(tmp_path):
    from pipeline.exports import export_catalogue

    gone, alive = dead_pid(), os.getpid()
    catalogue = paths.catalogue_path(tmp_path)
    catalogue.parent.mkdir(parents=True, exist_ok=True)
    stale_copy, live_copy = (tmp_path / f".catalogue.duckdb.{gone}.tmp"), (tmp_path / f".catalogue.duckdb.{alive}.tmp")
    stale_copy.write_bytes(b"x")
    live_copy.write_bytes(b"x")
    exports = tmp_path / "exports"
    (exports / f".20260101T000000Z-abc.{gone}.partial").mkdir(parents=True)
    (exports / f".20260101T000000Z-abc.{alive}.partial").mkdir()
    (exports / f".latest.{gone}.tmp").write_text("x")
    build = paths.build_path(tmp_path)
    build.parent.mkdir(parents=True)
    build.write_bytes(b"half")
    (build.parent / "OWNER.json").write_text(json.dumps({"pid": gone, "run_id": "dead-run"}))

    done = lock.recover(tmp_path, catalogue)
    assert not stale_copy.exists() and live_copy.exists()
    assert [p.name for p in exports.iterdir()] == [f".20260101T000000Z-abc.{alive}.partial"]
    assert not build.exists() and not (build.parent / "OWNER.json").exists()
    assert len(done) == 5, done

    # an export started after a killed one cleans the dead one's folder too
    (exports / f".x.{gone}.partial").mkdir()
    import duckdb
    con = duckdb.connect(str(tmp_path / "c.duckdb"))
    con.execute("create table t as select 1 as a")
    export_catalogue(con, exports, refresh_id="r1", tables=("t",))
    con.close()
    assert not (exports / f".x.{gone}.partial").exists() and (exports / "r1" / "manifest.json").exists()


def test_a_failed_publish_leaves_no_copy(tmp_path, monkeypatch):
    from pipeline import warehouse

    build, published = tmp_path / "build.duckdb", tmp_path / "catalogue.duckdb"
    warehouse.fresh_build(build).close()

    def refuse(src, dst):
        raise OSError("disk full")
    monkeypatch.setattr(warehouse.os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        warehouse.publish(build, published)
    assert list(tmp_path.glob(".catalogue.duckdb.*")) == [] and not published.exists()
