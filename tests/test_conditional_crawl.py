"""Incremental crawls (issue 16): a second crawl of an unchanged snapshot revalidates every page with a
conditional request and downloads at most 10% of the first crawl's bytes, and still lands the same listings."""

from __future__ import annotations

import json

import pytest

from pipeline import crawl as crawling
from pipeline import snapshot_server
from spiders import config


def _crawl_served(provider, data_dir, monkeypatch):
    """One crawl of the provider's snapshot through a counting loopback server: (result, server stats)."""
    stats: dict = {}
    with snapshot_server.serve_snapshot(config.snapshot_dir(provider), stats=stats) as url:
        result = crawling.crawl(provider, base_url=url, data_dir=data_dir,
                                extra_settings=crawling.OFFLINE_SETTINGS)
    return result, stats


@pytest.mark.parametrize("provider", ["mslearn", "futurelearn"])
def test_second_crawl_of_an_unchanged_snapshot_downloads_under_a_tenth(provider, tmp_path, monkeypatch):
    monkeypatch.setenv("CREDCAT_DATA_DIR", str(tmp_path))
    first, s1 = _crawl_served(provider, tmp_path, monkeypatch)
    second, s2 = _crawl_served(provider, tmp_path, monkeypatch)
    assert first.succeeded and second.succeeded, (first.failure_reason, second.failure_reason)
    assert s1["body_bytes"] > 0 and s1.get(304, 0) == 0
    ratio = s2.get("body_bytes", 0) / s1["body_bytes"]
    print(f"{provider}: first crawl {s1['body_bytes']:,} body bytes in {s1[200]} responses; second "
          f"{s2.get('body_bytes', 0):,} bytes, {s2.get(304, 0)} not modified: ratio {ratio:.3f}")
    assert ratio <= 0.10
    assert s2.get(304, 0) >= s1[200] * 0.9
    # the same listings, read from the stored pages
    def listings(result):
        return sorted(json.loads(line)["uid"] for line in (result.run_dir / "listings.jsonl").read_text().splitlines())
    assert listings(first) == listings(second)


def test_a_modified_page_is_downloaded_again(tmp_path, monkeypatch):
    """The server's answer decides: a file whose bytes changed gets a new ETag and a 200."""
    import shutil
    import urllib.request

    root = tmp_path / "snap"
    shutil.copytree(config.snapshot_dir("futurelearn"), root)
    stats: dict = {}
    with snapshot_server.serve_snapshot(root, stats=stats) as url:
        first = urllib.request.urlopen(url + "/robots.txt")
        etag = first.headers["ETag"]
        req = urllib.request.Request(url + "/robots.txt", headers={"If-None-Match": etag})
        with pytest.raises(urllib.error.HTTPError) as not_modified:
            urllib.request.urlopen(req)
        assert not_modified.value.code == 304
        (root / "robots.txt").write_text((root / "robots.txt").read_text() + "\n# changed\n")
        again = urllib.request.urlopen(req)
        assert again.status == 200 and again.headers["ETag"] != etag
