"""Every registered spider crawls its snapshot through the real downloader and yields valid canonical records."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from pipeline.crawl import crawl
from pipeline.paths import PROJECT_ROOT
from spiders import config
from spiders.record import validate
from tests.conftest import read_jsonl
from tests.spider_helpers import typed_values

PROVIDERS = config.crawled()


def test_scrapy_list_shows_every_spider():
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "spiders.settings"}
    out = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=PROJECT_ROOT, env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    assert {"mslearn", "coursera", "edx", "futurelearn", "moochub", "openbadges", "ctdl", "jsonld"} <= set(out)
    assert {config.provider(p)["spider"] for p in PROVIDERS} <= set(out)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_spider_crawls_its_snapshot_into_valid_records(provider, tmp_path):
    result = crawl(provider, offline=True, data_dir=tmp_path)
    assert result.ok, (result.run_dir / "crawl.log").read_text()[-2000:]
    records = read_jsonl(result.listings_path)
    assert len(records) >= 10, f"{provider} snapshot yields only {len(records)} listings"
    for record in records:
        assert validate(record) == [], record["uid"]
        assert record["source"] == provider
        assert record["uid"] == f"{provider}:{record['source_id']}"
        assert record["raw"], "the source's own record is kept"
        assert typed_values(record) == {}, f"{record['uid']}: only pipeline/normalise computes typed values"
    assert len({r["uid"] for r in records}) == len(records), "uids are unique within a crawl"
    # it went through robots.txt and Scrapy's downloader, not the files
    assert result.stats.get("robotstxt/request_count", 0) >= 1
    assert result.stats.get("response_received_count", 0) >= 2
    assert result.stats.get("credcat/empty_crawl") == 0
