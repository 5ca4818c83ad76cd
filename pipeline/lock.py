"""One writer at a time, with locks the operating system releases when the holder dies, and cleanup of what
dead processes left behind.

A Dagster concurrency pool keeps its slot in the instance storage when a run is SIGKILLed, and every later run
then waits on it forever. An ``fcntl.flock`` on a file in the data folder is released by the kernel the moment
its holder exits, however it exits. The lock file also says who holds it (pid, run id, step, since when), so a
refresh that finds it held waits a bounded time (``CREDCAT_LOCK_TIMEOUT`` seconds) and then fails saying so.

Two locks, both under ``<data>/locks/``:

- ``refresh.lock``: a whole refresh from :func:`pipeline.refresh.refresh` (the in-process executor), so two
  refreshes started at once do not both crawl and build.
- ``writer.lock``: every step that writes DuckDB (the working catalogue, the publish). Under the UI's
  multiprocess executor each step is its own process, so a lock cannot span the run; the working catalogue is
  therefore *claimed* by one run (``build/OWNER.json``): a second run waits until the owner's run has ended
  (or its process is gone), and a step that finds its build claimed by another run fails instead of mixing
  two runs' tables.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, UTC
from pathlib import Path

DEFAULT_TIMEOUT = 600.0
POLL_SECONDS = 0.2
ACTIVE_STATUSES = ("STARTING", "STARTED", "CANCELING")
PID_TAG = "credcat/pid"  # on runs `credcat refresh` starts: its process, before the run has a RUN_START event

_held: dict[str, tuple[int, int]] = {}  # lock path -> (thread id, depth): re-entrant within one thread
_held_guard = threading.Lock()


class LockBusy(TimeoutError):
    """A lock (or the working catalogue) stayed taken for the whole bounded wait."""


class BuildTaken(RuntimeError):
    """The working catalogue was claimed by another run while this run was building it."""


def lock_dir(data: Path) -> Path:
    return Path(data) / "locks"


def lock_timeout() -> float:
    return float(os.environ.get("CREDCAT_LOCK_TIMEOUT", DEFAULT_TIMEOUT))


def pid_alive(pid: int | None) -> bool:
    """Whether a process with this id exists on this machine (a zombie counts as gone)."""
    if not pid or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return True


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def read_holder(path: Path) -> dict | None:
    """What the lock file says about its holder (the last one, if nobody holds it now)."""
    try:
        return json.loads(Path(path).read_text() or "null")
    except (OSError, ValueError):
        return None


def describe(info: dict | None) -> str:
    if not info:
        return "another process"
    return f"pid {info.get('pid')} (run {info.get('run_id') or '-'}, {info.get('what')}) since {info.get('since')}"


@contextmanager
def hold(path: Path, what: str, run_id: str | None = None, timeout: float | None = None) -> Iterator:
    """Hold the exclusive lock ``path``; wait at most ``timeout`` seconds, then raise :class:`LockBusy`.

    Yields ``note(**fields)``, which adds fields (a run id) to what the lock file says about its holder.
    Re-entrant in the thread that holds it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key, me = str(path.resolve()), threading.get_ident()
    with _held_guard:
        owner = _held.get(key)
        if owner and owner[0] == me:
            _held[key] = (me, owner[1] + 1)
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield lambda **fields: None
        finally:
            with _held_guard:
                _held[key] = (me, _held[key][1] - 1)
        return
    wait = lock_timeout() if timeout is None else timeout
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockBusy(f"{path.name} is held by {describe(read_holder(path))}; gave up after "
                                   f"{wait:.0f} s (CREDCAT_LOCK_TIMEOUT)") from None
                time.sleep(POLL_SECONDS)
        info = {"pid": os.getpid(), "run_id": run_id, "what": what, "since": _now()}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        with _held_guard:
            _held[key] = (me, 1)

        def note(**fields) -> None:  # e.g. the run id, once the run has one
            info.update(fields)
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(info).encode(), 0)

        try:
            yield note
        finally:
            with _held_guard:
                del _held[key]
            os.ftruncate(fd, 0)  # released cleanly: nobody to name
    finally:
        os.close(fd)  # closing (or dying) releases the flock


def refresh_lock(data: Path, run_id: str | None = None, timeout: float | None = None):
    return hold(lock_dir(data) / "refresh.lock", "refresh", run_id, timeout)


def writer_lock(data: Path, what: str, run_id: str | None = None, timeout: float | None = None):
    return hold(lock_dir(data) / "writer.lock", what, run_id, timeout)


# -- test hook -------------------------------------------------------------------------------------------------
def checkpoint(name: str) -> None:
    """A named point in a refresh, for the kill tests: ``CREDCAT_TEST_MARKS`` names a file each point appends
    ``<name> <pid> <time>`` to; ``CREDCAT_TEST_PAUSE_AT`` (names, comma-separated) makes the process sleep at
    those points until it is signalled. Costs one environment look-up otherwise."""
    marks, pause = os.environ.get("CREDCAT_TEST_MARKS"), os.environ.get("CREDCAT_TEST_PAUSE_AT")
    if not (marks or pause):
        return
    if marks:
        with open(marks, "a") as fh:
            fh.write(f"{name} {os.getpid()} {time.time():.3f}\n")
    if pause and name in pause.split(","):
        while True:
            time.sleep(0.05)


# -- the working catalogue belongs to one run ------------------------------------------------------------------
def _owner_path(build_path: Path) -> Path:
    return Path(build_path).with_name("OWNER.json")


def run_alive(instance, run_id: str | None, pid: int | None = None) -> bool:
    """A run is alive while the instance records it as running and the process that started it exists.

    A run unknown to this instance (an ephemeral one, say) is judged by ``pid``; one of this very process is
    over, since one process runs one refresh at a time (the refresh lock). Pids are only meaningful on this
    machine, which holds for the SQLite instance under ``DAGSTER_HOME``.
    """
    record = instance.get_run_by_id(run_id) if (instance is not None and run_id) else None
    if record is None:
        return pid != os.getpid() and pid_alive(pid)
    if record.status.value not in ACTIVE_STATUSES:
        return False
    return pid_alive(_run_pid(instance, run_id) or pid)


def _run_pid(instance, run_id: str) -> int | None:
    """The process that started the run (its RUN_START event): the CLI's, or the UI's run worker."""
    import dagster as dg

    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.RUN_START, limit=1).records
    return records[0].event_log_entry.dagster_event.pid if records else None


def try_claim_build(build_path: Path, run_id: str, instance) -> dict | None:
    """Make the working catalogue this run's, holding the writer lock; returns the live owner instead when
    another run that is still alive has it."""
    owner_file = _owner_path(build_path)
    owner = read_holder(owner_file)
    if owner and owner.get("run_id") != run_id and run_alive(instance, owner.get("run_id"), owner.get("pid")):
        return owner
    owner_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = owner_file.with_name(f".{owner_file.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"pid": os.getpid(), "run_id": run_id, "what": "build", "since": _now()}))
    os.replace(tmp, owner_file)
    return None


def check_build(build_path: Path, run_id: str) -> None:
    owner = read_holder(_owner_path(build_path))
    if not owner or owner.get("run_id") != run_id:
        raise BuildTaken(f"the working catalogue {build_path} is no longer this run's "
                         f"(now {describe(owner) if owner else 'nobody'}'s): stopping without publishing")


def release_build(build_path: Path, run_id: str) -> None:
    owner_file = _owner_path(build_path)
    owner = read_holder(owner_file)
    if owner and owner.get("run_id") == run_id:
        owner_file.unlink(missing_ok=True)


def step(context, catalogue, first: bool = False, last: bool = False):
    """The wrapper for a DuckDB-writing asset: ``with lock.step(context, catalogue, first=...):``. ``first``
    (the step that starts a new working catalogue) claims it for this run; ``last`` (the publish) gives it up."""
    return writer_step(catalogue.data, catalogue.build_path, context.op_def.name, context.run.run_id, context.instance,
                       claim=first, release=last, catalogue_path=catalogue.catalogue_path)


@contextmanager
def writer_step(data: Path, build_path: Path, what: str, run_id: str, instance=None, claim: bool = False,
                release: bool = False, catalogue_path: Path | None = None,
                timeout: float | None = None) -> Iterator[None]:
    """A DuckDB-writing step: hold the writer lock; ``claim`` (the first step) cleans up after dead processes
    and takes the working catalogue for this run (waiting, lock released, while a live run has it); every
    other step checks it is still this run's."""
    wait = lock_timeout() if timeout is None else timeout
    deadline = time.monotonic() + wait
    while True:
        with writer_lock(data, what, run_id, timeout=max(0.0, deadline - time.monotonic())):
            owner = None
            if claim:
                recover(data, catalogue_path, instance=instance, current_run=run_id)
                owner = try_claim_build(build_path, run_id, instance)
            else:
                check_build(build_path, run_id)
            if owner is None:
                checkpoint(f"{what}:start")
                yield
                checkpoint(f"{what}:end")
                if release:
                    release_build(build_path, run_id)
                return
        if time.monotonic() >= deadline:
            raise LockBusy(f"the working catalogue {build_path} belongs to {describe(owner)}, still running; "
                           f"gave up after {wait:.0f} s (CREDCAT_LOCK_TIMEOUT)")
        time.sleep(POLL_SECONDS)  # lock released meanwhile: the owning run can take its next step


# -- cleanup of what dead processes left ----------------------------------------------------------------------
def pid_in(name: str) -> int | None:
    """The pid in a leftover's name, ``.<name>.<pid>.tmp`` or ``.<id>.<pid>.partial``; None if it has none."""
    parts = name.rsplit(".", 2)
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None


def fail_dead_runs(instance, current_run: str | None = None) -> list[str]:
    """Mark failed every run the instance has as running (or, started by ``credcat refresh``, not yet started)
    whose process is gone; return their ids."""
    import dagster as dg

    if instance is None:
        return []
    failed = []
    statuses = [dg.DagsterRunStatus(s) for s in (*ACTIVE_STATUSES, "NOT_STARTED")]
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=statuses)):
        if run.run_id == current_run:
            continue
        tagged = run.tags.get(PID_TAG, "")
        pid = _run_pid(instance, run.run_id) or (int(tagged) if tagged.isdigit() else None)
        if pid is None or pid_alive(pid):
            continue  # not started by a process we can see (a UI run being launched), or still running
        instance.report_run_failed(run, message=f"credcat: the process running this run (pid {pid}) is gone; "
                                                f"marked failed at the next start")
        free = getattr(instance.event_log_storage, "free_concurrency_slots_for_run", None)
        if free:
            free(run.run_id)  # a pool slot from before the file lock
        failed.append(run.run_id)
    return failed


def recover(data: Path, catalogue_path: Path | None = None, instance=None, current_run: str | None = None) -> list[str]:
    """Clean what dead processes left; returns one line per thing cleaned. Call it holding the writer lock.

    - runs stuck STARTING/STARTED whose process is gone: marked failed in the Dagster instance;
    - ``.<catalogue>.<pid>.tmp`` copies next to the published catalogue, of dead pids;
    - ``exports/.<id>.<pid>.partial`` folders and ``.<file>.<pid>.tmp`` files of dead pids;
    - a working catalogue whose owning run is no longer alive (it can only be half-built or already published).
    """
    from pipeline import paths
    from pipeline.exports import remove_dead_partials
    from pipeline.warehouse import remove_dead_copies

    data = Path(data)
    done = [f"run {r} marked failed (its process is gone)" for r in fail_dead_runs(instance, current_run)]
    catalogue_path = Path(catalogue_path) if catalogue_path else paths.catalogue_path(data)
    done += [f"removed {p}" for p in remove_dead_copies(catalogue_path) + remove_dead_partials(data / "exports")]
    build = paths.build_path(data)
    owner = read_holder(_owner_path(build))
    if owner and owner.get("run_id") != current_run and not run_alive(instance, owner.get("run_id"), owner.get("pid")):
        for p in (build, build.with_name(build.name + ".wal"), _owner_path(build)):
            if p.exists():
                p.unlink()
                done.append(f"removed {p} (left by run {owner.get('run_id')})")
    return done


def writer(first: bool = False, last: bool = False):
    """Decorate a DuckDB-writing asset (below ``@dg.asset``) to run it inside :func:`step`; the asset takes
    ``context`` and a ``catalogue`` resource."""
    import functools
    import inspect

    def wrap(fn):
        signature = inspect.signature(fn)

        if inspect.isgeneratorfunction(fn):  # a multi-asset yields its results: hold the lock while it does
            @functools.wraps(fn)
            def run_yielding(*args, **kwargs):
                bound = signature.bind(*args, **kwargs).arguments
                with step(bound["context"], bound["catalogue"], first=first, last=last):
                    yield from fn(*args, **kwargs)
            return run_yielding

        @functools.wraps(fn)
        def run(*args, **kwargs):
            bound = signature.bind(*args, **kwargs).arguments
            with step(bound["context"], bound["catalogue"], first=first, last=last):
                return fn(*args, **kwargs)
        return run
    return wrap
