"""Run one provider's spider in a subprocess and land its raw feeds.

Scrapy runs in a child process because Twisted's reactor cannot be restarted inside a long-lived process
(Dagster's, the tests'). Each run lands in ``data/raw/<provider>/<run id>/``: ``listings.jsonl``,
``quarantine.jsonl``, ``stats.json`` and ``crawl.log``. A ``LATEST`` file names the newest run that
finished, so a later step always reads a complete feed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pipeline import paths
from pipeline.snapshot_server import serve_snapshot
from spiders import config

# Loopback snapshots are ours: crawl them politely but without the live-site delays.
OFFLINE_SETTINGS = {"DOWNLOAD_DELAY": "0.05", "AUTOTHROTTLE_START_DELAY": "0.05", "AUTOTHROTTLE_MAX_DELAY": "2", "CREDCAT_ALLOW_LOOPBACK": "1"}


@dataclass
class CrawlResult:
    provider: str
    run_dir: Path
    listings: int
    quarantined: int
    finish_reason: str | None
    returncode: int
    stats: dict = field(default_factory=dict)

    @property
    def listings_path(self) -> Path:
        return self.run_dir / "listings.jsonl"

    @property
    def quarantine_path(self) -> Path:
        return self.run_dir / "quarantine.jsonl"

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.finish_reason == "finished"


def count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as fh:
        return sum(1 for line in fh if line.strip())


def run_id_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


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
    """Crawl ``provider`` and land its feeds; ``offline`` serves the bundled snapshot on loopback."""
    entry = config.provider(provider)
    run_dir = paths.raw_dir(provider, data_dir) / (run_id or run_id_now())
    run_dir.mkdir(parents=True, exist_ok=True)
    feeds = {
        str(run_dir / "listings.jsonl"): {"format": "jsonlines", "item_classes": ["spiders.items.Listing"], "overwrite": True},
        str(run_dir / "quarantine.jsonl"): {
            "format": "jsonlines", "item_classes": ["spiders.items.Quarantined"], "overwrite": True,
        },
    }
    settings = {"FEEDS": json.dumps(feeds), "CREDCAT_STATS_FILE": str(run_dir / "stats.json"), "LOG_FILE": str(run_dir / "crawl.log")}
    with ExitStack() as stack:
        if offline:
            base_url = stack.enter_context(serve_snapshot(config.snapshot_dir(provider)))
            settings.update(OFFLINE_SETTINGS)
        settings.update(extra_settings or {})
        cmd = [sys.executable, "-m", "scrapy", "crawl", entry["spider"]]
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
    stats_path = run_dir / "stats.json"
    stats = json.loads(stats_path.read_text()) if stats_path.exists() else {}
    result = CrawlResult(
        provider=provider,
        run_dir=run_dir,
        listings=count_lines(run_dir / "listings.jsonl"),
        quarantined=count_lines(run_dir / "quarantine.jsonl"),
        finish_reason=stats.get("finish_reason"),
        returncode=proc.returncode,
        stats=stats,
    )
    if result.ok:
        (run_dir.parent / "LATEST").write_text(run_dir.name + "\n")
    return result


def latest_run(provider: str, data_dir: Path | None = None) -> Path | None:
    """The newest run of ``provider`` that finished, or None."""
    pointer = paths.raw_dir(provider, data_dir) / "LATEST"
    if not pointer.exists():
        return None
    run_dir = pointer.parent / pointer.read_text().strip()
    return run_dir if run_dir.is_dir() else None
