"""Run one provider's spider in a subprocess and land its raw feeds; decide whether the crawl succeeded.

Scrapy runs in a child process because Twisted's reactor cannot be restarted inside a long-lived process
(Dagster's, the tests'). Each run lands in ``data/raw/<provider>/<run id>/``: ``listings.jsonl``,
``quarantine.jsonl``, ``stats.json`` and ``crawl.log``.

A crawl *succeeds* only when it finished, is complete (no request family lost, see
``spiders/extensions.py``), produced at least one listing, and no listing type collapsed against the last
good crawl (``CREDCAT_ACCEPT_DROP=provider[,provider]`` accepts a drop the source really made, for one
run). Only then does ``LATEST`` move to it. Anything else (a failed family, an empty crawl, a timeout,
a missing snapshot, any exception) is a failed crawl for that provider alone: ``LATEST`` keeps naming the
last good feed, and ``status.json`` beside it records the failure, its reason and since when the provider
is stale (``credcat status`` and the Dagster metadata read it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, UTC
from pathlib import Path

from pipeline import paths
from pipeline.quality import counts_collapsed
from pipeline.snapshot_server import serve_snapshot
from spiders import config

# Loopback snapshots are ours: crawl them politely but without the live-site delays.
OFFLINE_SETTINGS = {"DOWNLOAD_DELAY": "0.05", "AUTOTHROTTLE_START_DELAY": "0.05", "AUTOTHROTTLE_MAX_DELAY": "2", "CREDCAT_ALLOW_LOOPBACK": "1"}
TYPE_STAT = "credcat/listings/"


@dataclass
class CrawlResult:
    provider: str
    run_dir: Path
    listings: int
    quarantined: int
    finish_reason: str | None
    returncode: int
    stats: dict = field(default_factory=dict)
    error: str | None = None
    """Why the crawl could not run to its end (timeout, missing snapshot, exception), else None."""
    collapsed: dict = field(default_factory=dict)
    """Listing types whose count fell below ``min_row_ratio`` of the last good crawl's."""

    @property
    def listings_path(self) -> Path:
        return self.run_dir / "listings.jsonl"

    @property
    def quarantine_path(self) -> Path:
        return self.run_dir / "quarantine.jsonl"

    @property
    def ok(self) -> bool:
        """The spider ran to its end (whatever it found); see :attr:`succeeded` for a usable crawl."""
        return self.error is None and self.returncode == 0 and self.finish_reason == "finished"

    @property
    def by_type(self) -> dict[str, int]:
        return {k[len(TYPE_STAT):]: v for k, v in self.stats.items() if k.startswith(TYPE_STAT) and v}

    @property
    def failure_reason(self) -> str | None:
        """Why this crawl must not become the provider's feed, or None when it succeeded."""
        if self.error:
            return self.error
        if self.returncode != 0:
            return f"scrapy exited with code {self.returncode} (see {self.run_dir / 'crawl.stderr'})"
        if self.finish_reason != "finished":
            return f"crawl ended early: {self.finish_reason}"
        if self.stats.get("credcat/complete") is not True:
            reasons = self.stats.get("credcat/incomplete_reasons") or ["no completeness record in stats.json"]
            more = f" (+{len(reasons) - 3} more)" if len(reasons) > 3 else ""
            return "incomplete: " + "; ".join(reasons[:3]) + more
        if self.listings == 0:
            return "empty crawl: no listings"
        if self.collapsed:
            return "listing count collapsed against the last good crawl: " + ", ".join(
                f"{t} {c['before']} -> {c['now']}" for t, c in sorted(self.collapsed.items()))
        return None

    @property
    def succeeded(self) -> bool:
        return self.failure_reason is None


def count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as fh:
        return sum(1 for line in fh if line.strip())


def run_id_now() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def crawl(
    provider: str,
    *,
    offline: bool = False,
    base_url: str | None = None,
    run_id: str | None = None,
    extra_settings: dict[str, str] | None = None,
    timeout: float = 3600,
    data_dir: Path | None = None,
    spider_args: dict[str, str] | None = None,
) -> CrawlResult:
    """Crawl ``provider`` and land its feeds; ``offline`` serves the bundled snapshot on loopback.

    Never raises for a crawl that goes wrong: the result carries the reason, and ``LATEST`` moves only when
    the crawl succeeded."""
    run_dir = paths.raw_dir(provider, data_dir) / (run_id or run_id_now())
    run_dir.mkdir(parents=True, exist_ok=True)
    returncode, error = -1, None
    try:
        returncode = _run_spider(provider, run_dir, offline=offline, base_url=base_url, timeout=timeout,
                                 extra_settings=extra_settings, spider_args=spider_args)
    except subprocess.TimeoutExpired as exc:
        error = f"timeout: crawl still running after {exc.timeout:g}s, killed"
        (run_dir / "crawl.stderr").write_text(str(exc.stderr or ""))
    except FileNotFoundError as exc:
        error = f"missing: {exc}"
    except Exception as exc:  # noqa: BLE001 - one provider's failure is recorded, never raised into the others
        error = f"{type(exc).__name__}: {exc}"
    stats_path = run_dir / "stats.json"
    try:
        stats = json.loads(stats_path.read_text()) if stats_path.exists() else {}
    except ValueError:
        stats = {}
    result = CrawlResult(
        provider=provider,
        run_dir=run_dir,
        listings=count_lines(run_dir / "listings.jsonl"),
        quarantined=count_lines(run_dir / "quarantine.jsonl"),
        finish_reason=stats.get("finish_reason"),
        returncode=returncode,
        stats=stats,
        error=error,
    )
    previous = read_status(provider, data_dir).get("last_success") or {}
    accepted = {p.strip() for p in os.environ.get("CREDCAT_ACCEPT_DROP", "").split(",")}
    if previous.get("by_type") and provider not in accepted:
        ratio = float(_provider_entry(provider).get("min_row_ratio", 0.5))
        result.collapsed = counts_collapsed(result.by_type, previous["by_type"], ratio)
    record_outcome(result, data_dir)
    return result


def _provider_entry(provider: str) -> dict:
    try:
        return config.provider(provider)
    except KeyError:
        return {}


def _run_spider(provider, run_dir, *, offline, base_url, timeout, extra_settings, spider_args, spider=None) -> int:
    """Run the provider's spider (or ``spider``, reading the provider's entry) into ``run_dir``; its exit code."""
    entry = config.provider(provider)
    feeds = {
        str(run_dir / "listings.jsonl"): {"format": "jsonlines", "item_classes": ["spiders.items.Listing"], "overwrite": True},
        str(run_dir / "quarantine.jsonl"): {
            "format": "jsonlines", "item_classes": ["spiders.items.Quarantined"], "overwrite": True,
        },
    }
    # conditional re-crawls (spiders/cache.py): one cache per provider, beside its runs
    cache = paths.http_cache_dir(provider, run_dir.parents[2])  # run_dir = <data>/raw/<provider>/<run>
    settings = {"FEEDS": json.dumps(feeds), "CREDCAT_STATS_FILE": str(run_dir / "stats.json"), "LOG_FILE": str(run_dir / "crawl.log"),
                "HTTPCACHE_ENABLED": "1", "HTTPCACHE_DIR": str(cache)}
    with ExitStack() as stack:
        if offline:
            base_url = stack.enter_context(serve_snapshot(config.snapshot_dir(provider)))
            settings.update(OFFLINE_SETTINGS)
        settings.update(extra_settings or {})
        cmd = [sys.executable, "-m", "scrapy", "crawl", spider or entry["spider"]]
        if spider and spider != provider:
            cmd += ["-a", f"provider={provider}"]
        if base_url:
            cmd += ["-a", f"base_url={base_url}"]
        for key, value in (spider_args or {}).items():
            cmd += ["-a", f"{key}={value}"]
        for key, value in settings.items():
            cmd += ["-s", f"{key}={value}"]
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "spiders.settings",
               "PYTHONPATH": os.pathsep.join(filter(None, [str(paths.PROJECT_ROOT), os.environ.get("PYTHONPATH")]))}
        proc = subprocess.run(cmd, cwd=paths.PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        (run_dir / "crawl.stderr").write_text(proc.stderr)
    return proc.returncode


# -- per-provider status: last success, last failure, stale since ------------------------------------------------
def status_path(provider: str, data_dir: Path | None = None) -> Path:
    return paths.raw_dir(provider, data_dir) / "status.json"


def read_status(provider: str, data_dir: Path | None = None) -> dict:
    """The provider's crawl status (``{}`` before its first crawl). A feed landed before status files
    existed counts as its last success."""
    path = status_path(provider, data_dir)
    if path.exists():
        try:
            return json.loads(path.read_text())
        except ValueError:
            pass
    run = latest_run(provider, data_dir)
    if run is None:
        return {}
    stats = json.loads((run / "stats.json").read_text()) if (run / "stats.json").exists() else {}
    return {"last_success": {"run": run.name, "at": stats.get("finish_time"), "listings": count_lines(run / "listings.jsonl"),
                             "by_type": {k[len(TYPE_STAT):]: v for k, v in stats.items() if k.startswith(TYPE_STAT) and v}}}


def record_outcome(result: CrawlResult, data_dir: Path | None = None) -> dict:
    """Move ``LATEST`` when the crawl succeeded; update ``status.json`` either way (written atomically)."""
    status = read_status(result.provider, data_dir)
    now = utc_now()
    status["provider"] = result.provider
    status["last_attempt"] = {"run": result.run_dir.name, "at": now, "succeeded": result.succeeded}
    if result.succeeded:
        status["last_success"] = {"run": result.run_dir.name, "at": now, "listings": result.listings,
                                  "quarantined": result.quarantined, "by_type": result.by_type}
        status["stale_since"] = None
        _write_atomically(result.run_dir.parent / "LATEST", result.run_dir.name + "\n")
    else:
        status["last_failure"] = {"run": result.run_dir.name, "at": now, "reason": result.failure_reason,
                                  "listings": result.listings}
        status["stale_since"] = status.get("stale_since") or now
    _write_atomically(status_path(result.provider, data_dir), json.dumps(status, indent=2, sort_keys=True))
    return status


def record_failure(provider: str, reason: str, data_dir: Path | None = None) -> dict:
    """Record a failed crawl that never produced a result (the caller caught an exception)."""
    run_dir = paths.raw_dir(provider, data_dir) / run_id_now()
    run_dir.parent.mkdir(parents=True, exist_ok=True)
    return record_outcome(CrawlResult(provider, run_dir, 0, 0, None, -1, error=reason), data_dir)


def provider_status(provider: str, data_dir: Path | None = None, now: datetime | None = None) -> dict:
    """One provider's figures for ``credcat status`` and the Dagster metadata: the last crawl's outcome, the
    feed in use (last success, listing count, age in hours), the last failure and why, stale since when."""
    status = read_status(provider, data_dir)
    ok, bad = status.get("last_success") or {}, status.get("last_failure") or {}
    attempt = status.get("last_attempt") or {}
    age = None
    if ok.get("at"):
        then = datetime.fromisoformat(ok["at"])
        age = round(((now or datetime.now(UTC)) - then).total_seconds() / 3600, 2)
    crawl_state = "never" if not attempt and not ok else ("ok" if attempt.get("succeeded", bool(ok)) else "failed")
    return {
        "provider": provider,
        "crawl": crawl_state,
        "listings": ok.get("listings"),
        "quarantined": ok.get("quarantined"),
        "by_type": ok.get("by_type", {}),
        "feed": ok.get("run"),
        "last_success": ok.get("at"),
        "age_hours": age,
        "last_failure": bad.get("at"),
        "last_failure_reason": bad.get("reason"),
        "stale": bool(status.get("stale_since")) or not ok,
        "stale_since": status.get("stale_since"),
    }


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def latest_run(provider: str, data_dir: Path | None = None) -> Path | None:
    """The newest run of ``provider`` that succeeded, or None."""
    pointer = paths.raw_dir(provider, data_dir) / "LATEST"
    if not pointer.exists():
        return None
    run_dir = pointer.parent / pointer.read_text().strip()
    return run_dir if run_dir.is_dir() else None
