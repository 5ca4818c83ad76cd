"""Helpers for the spider tests: run a crawl in a subprocess against a loopback server and read its feeds.

``pipeline.crawl.crawl`` is the path the pipeline takes; :func:`run_spider` is for the cases it does not
cover (spider arguments, a temporary providers.toml, a hand-made snapshot or server).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from pipeline import paths
from pipeline.crawl import OFFLINE_SETTINGS
from pipeline.snapshot_server import serve_snapshot
from scrapy.utils.test import get_crawler

FAST = {**OFFLINE_SETTINGS, "RETRY_BACKOFF_BASE": "0.05"}
# Typed values only pipeline/normalise computes (contract 1): a spider never fills them.
TYPED_FIELDS = ("level", "language", "duration_hours", "cost_amount", "cost_currency", "cost_kind")


def typed_values(record: dict) -> dict:
    """The typed fields a feed record fills (empty for every spider's records)."""
    return {k: record[k] for k in TYPED_FIELDS if record.get(k) is not None}


@dataclass
class Run:
    listings: list[dict]
    quarantined: list[dict]
    stats: dict
    returncode: int
    log: str

    def by_uid(self) -> dict[str, dict]:
        return {r["uid"]: r for r in self.listings}


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def run_spider(spider: str, out: Path, *, snapshot: Path | None = None, base_url: str | None = None,
               args: dict[str, str] | None = None, settings: dict[str, str] | None = None,
               providers_toml: Path | None = None, timeout: float = 120) -> Run:
    out.mkdir(parents=True, exist_ok=True)
    feeds = {
        str(out / "listings.jsonl"): {"format": "jsonlines", "item_classes": ["spiders.items.Listing"], "overwrite": True},
        str(out / "quarantine.jsonl"): {"format": "jsonlines", "item_classes": ["spiders.items.Quarantined"], "overwrite": True},
    }
    all_settings = {**FAST, "FEEDS": json.dumps(feeds), "CREDCAT_STATS_FILE": str(out / "stats.json"),
                    "LOG_FILE": str(out / "crawl.log"), **(settings or {})}
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "spiders.settings",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(paths.PROJECT_ROOT), os.environ.get("PYTHONPATH")]))}
    if providers_toml:
        env["CREDCAT_PROVIDERS"] = str(providers_toml)
    with ExitStack() as stack:
        if snapshot is not None:
            base_url = stack.enter_context(serve_snapshot(snapshot))
        cmd = [sys.executable, "-m", "scrapy", "crawl", spider]
        if base_url:
            cmd += ["-a", f"base_url={base_url}"]
        for k, v in (args or {}).items():
            cmd += ["-a", f"{k}={v}"]
        for k, v in all_settings.items():
            cmd += ["-s", f"{k}={v}"]
        proc = subprocess.run(cmd, cwd=paths.PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    stats_path = out / "stats.json"
    log = (out / "crawl.log").read_text() if (out / "crawl.log").exists() else ""
    return Run(read_jsonl(out / "listings.jsonl"), read_jsonl(out / "quarantine.jsonl"),
               json.loads(stats_path.read_text()) if stats_path.exists() else {}, proc.returncode, log + proc.stderr)


def spider_in_process(spider_cls, **kwargs):
    """A spider instance with a crawler and stats, for calling callbacks directly on built responses."""
    crawler = get_crawler(spider_cls)
    return spider_cls.from_crawler(crawler, **kwargs)


def references_resolve(listings: list[dict]) -> list[str]:
    """Stacking references (part_of / has_part / prepares_for) that point at no listing of the crawl."""
    uids = {r["uid"] for r in listings}
    return [u for r in listings for k in ("part_of", "has_part", "prepares_for") for u in r[k] if u not in uids]


def both_ends_agree(listings: list[dict]) -> list[tuple[str, str]]:
    """(parent, child) pairs stated by one end only where the other end states stacking at all."""
    by_uid = {r["uid"]: r for r in listings}
    problems = []
    for r in listings:
        for child in r["has_part"]:
            c = by_uid.get(child)
            if c is not None and c["part_of"] and r["uid"] not in c["part_of"]:
                problems.append((r["uid"], child))
    return problems
