"""Scrapy extensions: write the crawl's stats to a JSON file the pipeline reads after the crawl."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from scrapy import signals


class StatsFile:
    """On close, dumps crawl stats (item counts, HTTP codes, finish reason) to ``CREDCAT_STATS_FILE``.

    The pipeline uses them to tell a healthy crawl from one that "succeeded" with nothing in it.
    """

    def __init__(self, path: str | None, stats):
        self.path = path
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler.settings.get("CREDCAT_STATS_FILE"), crawler.stats)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider, reason):
        if not self.path:
            return
        stats = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in self.stats.get_stats().items()}
        stats["finish_reason"] = reason
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        Path(self.path).write_text(json.dumps(stats, indent=2, sort_keys=True, default=str))
