"""Helpers for the moochub / openbadges / ctdl spider tests: run a crawl, read its feeds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pipeline import paths
from pipeline.crawl import CrawlResult, crawl

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = paths.PROJECT_ROOT.parent / "shared" if (paths.PROJECT_ROOT.parent / "shared").is_dir() else Path("/work/shared")


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def offline_crawl(provider: str, data_dir: Path) -> tuple[CrawlResult, dict[str, dict], list[dict]]:
    """Crawl the provider's snapshot; (result, listings by uid, quarantine rows)."""
    result = crawl(provider, offline=True, data_dir=data_dir, timeout=300)
    assert result.ok, (result.run_dir / "crawl.stderr").read_text() if (result.run_dir / "crawl.stderr").exists() else result
    listings = {r["uid"]: r for r in read_jsonl(result.listings_path)}
    return result, listings, read_jsonl(result.quarantine_path)


def scrapy_crawl(spider: str, urls: list[str], out: Path, *settings: str,
                 args: tuple[str, ...] = ()) -> tuple[list[dict], list[dict], str]:
    """``scrapy crawl SPIDER -a urls=... [-a ARG...]`` as a user runs it; (listings, quarantine rows, log)."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider, "-a", "urls=" + ",".join(urls), "-O", str(out),
           "-s", "DOWNLOAD_TIMEOUT=5", "-s", "RETRY_ENABLED=0", "-s", "TELNETCONSOLE_ENABLED=0"]
    for s in settings:
        cmd += ["-s", s]
    for a in args:
        cmd += ["-a", a]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "spiders.settings", "PYTHONPATH": str(paths.PROJECT_ROOT)}
    proc = subprocess.run(cmd, cwd=paths.PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    items = read_jsonl(out)
    return [i for i in items if "reason" not in i], [i for i in items if "reason" in i], proc.stderr
