"""Real SIGKILLs and SIGTERMs of ``credcat refresh --offline``, each followed by an unattended refresh.

Each refresh is a subprocess with its own ``CREDCAT_DATA_DIR`` and ``DAGSTER_HOME`` under ``tmp_path``, on one
small provider so the points are reached fast. ``pipeline.lock.checkpoint`` reports every named point to a
marks file (``CREDCAT_TEST_MARKS``) and, with ``CREDCAT_TEST_PAUSE_AT``, sleeps there until signalled; a kill
lands either exactly at a paused point (lock held) or a chosen delay after a point (inside the step's SQL).
Every refresh after a kill must get past the point where the previous one died, within a timeout, and the last
one must publish. A reader process checks the published catalogue is whole throughout.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from pipeline import lock

PROVIDER = "openbadges"
LISTINGS = 12  # openbadges' offline snapshot
REFRESH_TIMEOUT = 240  # a hang is forever; this only bounds a slow, shared machine


class Refresh:
    def __init__(self, tmp_path: Path):
        self.data, self.home, self.marks = tmp_path / "data", tmp_path / "dagster_home", tmp_path / "marks.txt"
        self.home.mkdir(parents=True, exist_ok=True)
        (self.home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
        self.env = {k: v for k, v in os.environ.items() if k not in ("CREDCAT_CATALOGUE", "CREDCAT_TEST_PAUSE_AT")}
        self.env.update(CREDCAT_DATA_DIR=str(self.data), DAGSTER_HOME=str(self.home), CREDCAT_LOCK_TIMEOUT="60",
                        CREDCAT_TEST_MARKS=str(self.marks))

    def start(self, pause_at: str | None = None, crawl: bool = True) -> subprocess.Popen:
        """``credcat refresh --offline`` of the one provider; without ``crawl``, from its last feed (faster)."""
        self.marks.write_text("")
        env = {**self.env, **({"CREDCAT_TEST_PAUSE_AT": pause_at} if pause_at else {})}
        args = ["--provider", PROVIDER] if crawl else ["--no-crawl"]
        return subprocess.Popen([sys.executable, "-m", "pipeline.cli", "refresh", "--offline", *args],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def seen(self) -> list[str]:
        return [line.split()[0] for line in self.marks.read_text().splitlines() if line.strip()]

    def wait_for(self, proc: subprocess.Popen, point: str, timeout: float = REFRESH_TIMEOUT) -> None:
        end = time.monotonic() + timeout
        while point not in self.seen():
            if proc.poll() is not None:
                out, err = proc.communicate()
                pytest.fail(f"refresh exited ({proc.returncode}) before {point}; reached {self.seen()}\n{out}\n{err[-3000:]}")
            if time.monotonic() > end:
                proc.kill()
                pytest.fail(f"refresh did not reach {point} in {timeout} s (hung?); reached {self.seen()}")
            time.sleep(0.02)

    def run_to_end(self, crawl: bool = True) -> subprocess.CompletedProcess:
        proc = self.start(crawl=crawl)
        try:
            out, err = proc.communicate(timeout=REFRESH_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            pytest.fail(f"refresh hung: reached {self.seen()}")
        assert proc.returncode == 0, f"{out}\n{err[-3000:]}"
        assert "published:" in out
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)

    def runs(self) -> dict[str, str]:
        """Run id -> status, read from the instance the refreshes used."""
        import dagster as dg

        with dg.DagsterInstance.from_config(str(self.home)) as instance:
            return {r.run_id: r.status.value for r in instance.get_runs()}

    def leftovers(self) -> list[Path]:
        catalogue = self.data / "catalogue.duckdb"
        return [*catalogue.parent.glob(".catalogue.duckdb.*.tmp"), *(self.data / "exports").glob(".*.partial"),
                *(self.data / "build").glob("OWNER.json")]


READER = textwrap.dedent("""
    import sys, time, duckdb
    path, stop = sys.argv[1], sys.argv[2]
    import os
    reads, errors, counts = 0, 0, set()
    while not os.path.exists(stop):
        try:
            con = duckdb.connect(path, read_only=True)
            counts.add(con.execute("select count(*) from listings").fetchone()[0])
            con.execute("select (select count(*) from credentials), (select count(*) from pathways)").fetchall()
            con.close()
            reads += 1
        except Exception as exc:
            errors += 1
            print("ERROR", exc, file=sys.stderr)
        time.sleep(0.1)  # often enough to catch a broken swap, cheap enough to leave the CPU to the refreshes
    print(reads, errors, sorted(counts))
""")

# (signal, point, delay after the point in seconds, pause there): every step of the graph; pauses are exact
# (inside the step, writer lock held), delays land inside the step's SQL (writer connection open).
STOPS = [
    ("SIGKILL", "run:crawl", 1.0, False),  # inside the crawl, a Scrapy subprocess running
    ("SIGKILL", "build_catalogue:start", 0.0, True),  # lock held, working catalogue just claimed
    ("SIGKILL", "build:raw_feeds", 0.0, True),  # writer connection open on a fresh working catalogue
    ("SIGKILL", "build:parse_values", 0.1, False),  # parsing the distinct raw values
    ("SIGKILL", "build:listings", 0.0, True),
    ("SIGKILL", "build:match_listings", 0.3, False),  # the matcher running
    ("SIGKILL", "build:map_skills", 0.5, False),
    ("SIGKILL", "build:ctdl_pathways", 0.0, True),
    ("SIGKILL", "build_catalogue:end", 0.2, False),  # blocking checks reading the build
    ("SIGKILL", "publish:dropped", 0.0, True),  # writer connection open with uncheckpointed drops
    ("SIGKILL", "publish:copied", 0.0, True),  # temporary copy beside the catalogue, not yet swapped in
    ("SIGKILL", "export:partial", 0.0, True),  # new catalogue published, export half written
    ("SIGTERM", "run:crawl", 1.0, False),
    ("SIGTERM", "build:match_listings", 0.3, False),
    ("SIGINT", "publish:copied", 0.0, True),
]


def run_chain(tmp_path: Path, stops: list[tuple]) -> dict:
    """Publish once, then for each stop start a refresh, signal it at its point, and check what it left; then
    one refresh that must publish. A reader process checks the published catalogue throughout."""
    r = Refresh(tmp_path)
    r.run_to_end()  # a published catalogue to keep whole throughout, and a feed to rebuild from
    order = r.seen()  # every point, in the order a refresh passes them
    catalogue = r.data / "catalogue.duckdb"
    stop_file = tmp_path / "stop-reading"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(catalogue), str(stop_file)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    died_at, previous = [], None
    try:
        for signame, point, delay, pause in stops:
            proc = r.start(pause_at=point if pause else None, crawl=point.startswith("run:"))
            r.wait_for(proc, point)
            if previous and previous in r.seen()[:0] + order[order.index("run:publish"):] \
                    and order.index(previous) <= order.index(point):
                assert previous in r.seen(), (previous, r.seen())  # got past where the previous one died
            time.sleep(delay)
            sent = time.monotonic()
            proc.send_signal(getattr(signal, signame))
            out, err = proc.communicate(timeout=60)
            if signame == "SIGKILL":
                assert proc.returncode == -signal.SIGKILL
                holder = lock.read_holder(r.data / "locks" / "refresh.lock")
                assert holder["pid"] == proc.pid and not lock.pid_alive(holder["pid"])  # says who held it
            else:  # stopped cleanly and promptly, saying so, its run already marked failed
                assert proc.returncode == 128 + getattr(signal, signame), err[-3000:]
                assert f"stopped by {signame}" in err and time.monotonic() - sent < 30
                assert not any(s in ("STARTED", "STARTING") for s in r.runs().values())
                assert lock.read_holder(r.data / "locks" / "writer.lock") is None  # released, nobody named
            previous = r.seen()[-1]
            died_at.append(previous)
            if point == "publish:copied" and signame == "SIGKILL":
                assert list(r.data.glob(".catalogue.duckdb.*.tmp")), "the killed publish left its copy"
            if point == "export:partial":
                assert list((r.data / "exports").glob(".*.partial")), "the killed export left its folder"
        assert set(order) - {"run:crawl"} <= set(r.run_to_end(crawl=False) and r.seen())  # and past every point
    finally:
        stop_file.touch()
        out, err = reader.communicate(timeout=60)
    reads, errors, counts = out.split(" ", 2)
    assert int(errors) == 0, err
    assert int(reads) > 20 and eval(counts) == [LISTINGS], out  # every read saw the whole catalogue

    statuses = list(r.runs().values())
    assert "STARTED" not in statuses and "STARTING" not in statuses, statuses  # dead runs marked failed
    # every stopped run failed and only the three unstopped ones (first crawl and publish, last publish)
    # succeeded; a stop right at the start of the crawl may come before its run exists
    assert sorted(set(statuses)) == ["FAILURE", "SUCCESS"] and statuses.count("SUCCESS") == 3, statuses
    assert statuses.count("FAILURE") >= sum(not point.startswith("run:") for _, point, _, _ in stops), statuses
    assert r.leftovers() == [], r.leftovers()
    from pipeline.exports import latest_export, verify_export
    assert verify_export(latest_export(r.data / "exports")) == []
    return {"reads": int(reads), "died_at": died_at}


def test_every_kill_and_stop_is_followed_by_a_refresh_that_completes(tmp_path):
    """The stops are shared out over three chains (own data folder, instance and reader each) run at once."""
    from concurrent.futures import ThreadPoolExecutor

    chains = [STOPS[i::3] for i in range(3)]
    with ThreadPoolExecutor(len(chains)) as pool:
        results = list(pool.map(run_chain, [tmp_path / f"chain{i}" for i in range(len(chains))], chains))
    died_at = [d for res in results for d in res["died_at"]]
    assert len(died_at) == len(STOPS)
    print(f"{len(STOPS)} stops ({sum(s[0] == 'SIGKILL' for s in STOPS)} SIGKILL), each followed by a refresh that "
          f"got past it; {sum(res['reads'] for res in results)} reads, 0 errors; died at {died_at}")


def test_a_second_refresh_waits_a_bounded_time_and_names_the_holder(tmp_path):
    r = Refresh(tmp_path)
    r.env["CREDCAT_LOCK_TIMEOUT"] = "1"
    first = r.start(pause_at="run:crawl")
    r.wait_for(first, "run:crawl")
    try:
        second = subprocess.run([sys.executable, "-m", "pipeline.cli", "refresh", "--offline", "--provider", PROVIDER],
                                env=r.env, capture_output=True, text=True, timeout=REFRESH_TIMEOUT)
        assert second.returncode == 75, second.stderr[-2000:]
        assert f"pid {first.pid}" in second.stderr and "refresh.lock" in second.stderr and "since" in second.stderr
        assert "gave up after 1 s" in second.stderr
    finally:
        first.kill()
        first.wait()
