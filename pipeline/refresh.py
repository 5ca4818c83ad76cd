"""One refresh of the catalogue through the Dagster asset graph, for the CLI and for services."""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from pipeline import lock, paths, warehouse
from spiders import config


class RefreshStopped(Exception):
    """A refresh stopped by SIGTERM or SIGINT: its runs are marked failed, the published catalogue is untouched."""

    def __init__(self, signame: str, runs: list[str]):
        self.signame, self.runs = signame, runs
        super().__init__(f"refresh stopped by {signame}; run(s) {', '.join(runs) or '-'} marked failed; "
                         f"the published catalogue is unchanged")


@dataclass
class RefreshReport:
    published: bool
    providers: dict[str, dict] = field(default_factory=dict)
    failed_checks: list[str] = field(default_factory=list)
    catalogue: str = ""

    def render(self) -> str:
        w = max([len("provider"), *map(len, self.providers)]) + 2
        head = f"{'provider':<{w}}{'crawl':<10}{'listings':>10}{'quarantined':>13}{'published':>11}"
        lines = [head, "-" * len(head)]
        for name, p in self.providers.items():
            lines.append(f"{name:<{w}}{p['crawl']:<10}{p['listings']:>10}{p['quarantined']:>13}{p['published']:>11}")
        for name, p in self.providers.items():
            if p.get("reason"):
                lines.append(f"{name}: crawl failed, its last good feed stays in use (stale since "
                             f"{p.get('stale_since')}): {p['reason']}")
        if self.published:
            lines.append(f"published: {self.catalogue}")
        else:
            reason = ", ".join(self.failed_checks) or "a step failed"
            lines.append(f"NOT published ({reason}); the previous catalogue is unchanged: {self.catalogue}")
        return "\n".join(lines)


def crawl_failed_alone(result) -> bool:
    """True when a run's raw_listings step failed (some provider's crawl failed) and nothing after it ran."""
    from pipeline.defs.sensors import only_the_crawl_failed

    failed = {e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE"}
    started = {e.step_key for e in result.all_events if e.event_type_value == "STEP_START"}
    return only_the_crawl_failed(failed) and started == {"raw_listings"}


def instance() -> dg.DagsterInstance:
    """The instance under DAGSTER_HOME when set (runs show in the UI), else a throwaway one."""
    return dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()


def refresh(providers: list[str] | None = None, offline: bool = False,
            dagster_instance: dg.DagsterInstance | None = None, crawl: bool = True) -> RefreshReport:
    """Materialise the refresh asset graph once: all providers in one run, or a subset then a publish;
    ``crawl=False`` only rebuilds and publishes from every provider's latest good feed (the ``publish`` job).

    Paths come from the environment (``CREDCAT_DATA_DIR``, ``CREDCAT_CATALOGUE``), as for the Dagster UI.
    """
    from pipeline.definitions import defs
    from pipeline.defs.partitions import FEED_PROVIDERS, PROVIDERS
    from pipeline.defs.schedules import all_providers_tags
    from pipeline.defs.sensors import INLINE_PUBLISH_TAG

    selected = sorted(set(providers or PROVIDERS)) if crawl else []
    for name in selected:
        config.provider(name)  # unknown names fail early with the list of known ones
    inst = dagster_instance or instance()
    quiet = {"loggers": {"console": {"config": {"log_level": os.environ.get("CREDCAT_DAGSTER_LOG_LEVEL", "WARNING")}}}}
    run_config = {"ops": {"raw_listings": {"config": {"offline": offline}}}, **quiet}
    if not crawl:
        runs = [(defs.resolve_job_def("publish"), {"run_config": quiet})]
    elif selected == PROVIDERS:
        runs = [(defs.resolve_job_def("refresh"), {"run_config": run_config,
                                                   "tags": {**all_providers_tags(), INLINE_PUBLISH_TAG: "1"}})]
    else:
        runs = [(defs.resolve_job_def("crawl"), {"run_config": run_config, "partition_key": name}) for name in selected]
        runs.append((defs.resolve_job_def("publish"), {"run_config": quiet}))
    data = paths.data_dir()
    results, started = [], []
    with lock.refresh_lock(data) as note, _signals_stop_the_refresh() as stopped:
        try:
            with lock.writer_lock(data, "cleanup"):
                lock.recover(data, paths.catalogue_path(), inst)
            while runs:
                job, kwargs = runs.pop(0)
                run_id = str(uuid.uuid4())
                started.append(run_id)
                note(run_id=run_id)
                lock.checkpoint(f"run:{job.name}")
                tags = {**kwargs.pop("tags", {}), lock.PID_TAG: str(os.getpid())}
                results.append(job.execute_in_process(instance=inst, run_id=run_id, raise_on_error=False, tags=tags,
                                                      **kwargs))
                if stopped:  # Dagster failed the run on the signal and returned
                    raise KeyboardInterrupt
                if job.name == "refresh" and crawl_failed_alone(results[-1]):
                    # a failed provider fails its raw_listings partition, which skips the rest of the run:
                    # publish every provider's last good feed in a second run, as the publish_after_crawl
                    # sensor does for scheduled runs
                    runs.append((defs.resolve_job_def("publish"), {"run_config": quiet}))
        except KeyboardInterrupt:
            time.sleep(0.05)  # let the watcher record which signal it was
            raise RefreshStopped(stopped.get("signal", "SIGINT"), _fail_unfinished(inst, started)) from None

    events = [e for r in results for e in r.all_events]
    failed_checks = [
        e.asset_check_evaluation_data.asset_check_key.name
        for e in events
        if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.asset_check_evaluation_data.passed
    ]
    crawled: dict[str, dict] = {}
    published = False
    for e in events:
        if e.event_type_value == "STEP_FAILURE" and e.step_key == "raw_listings":
            failure = e.step_failure_data.user_failure_data
            if failure is not None and "providers" in failure.metadata:
                crawled.update(failure.metadata["providers"].value)
        if e.event_type_value != "ASSET_MATERIALIZATION":
            continue
        if e.asset_key == dg.AssetKey("raw_listings"):
            meta = e.event_specific_data.materialization.metadata
            crawled.update(meta["providers"].value if "providers" in meta else {})
        elif e.asset_key == dg.AssetKey("catalogue"):
            published = True

    catalogue_path = paths.catalogue_path()
    counts = warehouse.published_counts(catalogue_path)
    report = RefreshReport(published=published, failed_checks=failed_checks, catalogue=str(catalogue_path))
    for name in [p for p in FEED_PROVIDERS if p in PROVIDERS or counts.get(p)]:  # import-only ones once imported
        info = crawled.get(name)
        report.providers[name] = {
            "crawl": "skipped" if name not in selected else ("ok" if info and info["crawl"] == "ok" else "FAILED"),
            "reason": (info or {}).get("last_failure_reason") if name in selected and not (info and info["crawl"] == "ok") else None,
            "stale_since": (info or {}).get("stale_since"),
            "listings": (info or {}).get("listings") or 0,
            "quarantined": (info or {}).get("quarantined") or 0,
            "published": counts.get(name, 0),
        }
    return report


def _fail_unfinished(inst: dg.DagsterInstance, run_ids: list[str]) -> list[str]:
    """Mark failed the runs of an interrupted refresh that Dagster left running; returns the failed ones."""
    failed = []
    for run_id in run_ids:
        run = inst.get_run_by_id(run_id)
        if run is not None and run.status.value in lock.ACTIVE_STATUSES + ("NOT_STARTED",):
            inst.report_run_failed(run, message="credcat: refresh stopped by a signal")
        if run is None or inst.get_run_by_id(run_id).status != dg.DagsterRunStatus.SUCCESS:
            failed.append(run_id)
    return failed


@contextmanager
def _signals_stop_the_refresh() -> Iterator[dict]:
    """SIGTERM and SIGINT stop the refresh: no further run starts, the crawl subprocesses are stopped.

    Inside a Dagster run, Dagster's own handler turns both into an interrupt that fails the run; outside one
    (cleanup, between runs) ours raises KeyboardInterrupt. Either way a watcher thread learns of the signal
    through ``signal.set_wakeup_fd`` (written whichever Python handler is current) and records it in the
    yielded dict.
    """
    stopped: dict = {}
    if threading.current_thread() is not threading.main_thread():
        yield stopped
        return
    watched = {signal.SIGTERM, signal.SIGINT}
    r, w = os.pipe()
    os.set_blocking(w, False)

    def watch() -> None:
        while byte := os.read(r, 1):
            if byte[0] in watched:
                stopped.setdefault("signal", signal.Signals(byte[0]).name)
                _stop_children()

    def handle(signum, frame):
        raise KeyboardInterrupt

    previous = {s: signal.signal(s, handle) for s in watched}
    previous_fd = signal.set_wakeup_fd(w, warn_on_full_buffer=False)
    watcher = threading.Thread(target=watch, name="credcat-signal-watch", daemon=True)
    watcher.start()
    try:
        yield stopped
    finally:
        signal.set_wakeup_fd(previous_fd)
        for s, h in previous.items():
            signal.signal(s, h)
        os.close(w)  # ends the watcher
        watcher.join(timeout=5)
        os.close(r)


def _stop_children() -> None:
    """SIGTERM every child process of this one (the crawls), read from /proc; elsewhere a no-op."""
    me = str(os.getpid())
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == me:
            try:
                os.kill(int(stat.parent.name), signal.SIGTERM)
            except OSError:
                pass
