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
    unasked = second.stats.get("httpcache/hit", 0)  # dated by the sitemap's lastmod: not even asked
    print(f"{provider}: first crawl {s1['body_bytes']:,} body bytes in {s1[200]} responses; second "
          f"{s2.get('body_bytes', 0):,} bytes, {s2.get(304, 0)} not modified, {unasked} read from the cache "
          f"unasked: ratio {ratio:.3f}")
    assert ratio <= 0.10
    assert s2.get(304, 0) + unasked >= s1[200] * 0.9
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


def _served_crawl(provider, root, data_dir):
    stats: dict = {}
    with snapshot_server.serve_snapshot(root, stats=stats) as url:
        result = crawling.crawl(provider, base_url=url, data_dir=data_dir, extra_settings=crawling.OFFLINE_SETTINGS)
    assert result.succeeded, result.failure_reason
    return result, stats


def _titles(result):
    return {row["uid"]: row["title"] for row in map(json.loads, result.listings_path.read_text().splitlines())}


def test_sitemap_lastmod_serves_unchanged_pages_from_the_cache_without_a_request(tmp_path, monkeypatch):
    """The sitemap's lastmod is the first filter: a page (or sub-sitemap) it says is not newer than the stored
    copy is read from the HTTP cache unasked and still listed; one whose lastmod moved is fetched again."""
    import os
    import shutil
    from datetime import UTC, datetime

    monkeypatch.setenv("CREDCAT_DATA_DIR", str(tmp_path))
    root = tmp_path / "snap"
    shutil.copytree(config.snapshot_dir("coursera"), root)
    served_at = datetime(2025, 10, 1, tzinfo=UTC).timestamp()  # every file's Last-Modified: after all its lastmods
    for f in root.rglob("*"):
        os.utime(f, (served_at, served_at))
    first, s1 = _served_crawl("coursera", root, tmp_path)
    second, s2 = _served_crawl("coursera", root, tmp_path)
    print(f"coursera: first crawl {len(s1['requests'])} requests, {s1['body_bytes']:,} body bytes; second "
          f"{len(s2['requests'])} requests ({s2.get(304, 0)} not modified), {s2.get('body_bytes', 0):,} body bytes; "
          f"{second.stats.get('httpcache/hit', 0)} pages and sitemaps read from the cache unasked")
    assert {p for _, p in s2["requests"]} == {"/robots.txt", "/sitemap.xml"}  # nothing the sitemap dates
    assert s2.get(200, 0) == 0 and s2.get("body_bytes", 0) == 0
    assert second.stats["httpcache/hit"] >= len(s1["requests"]) - 2
    assert _titles(second) == _titles(first)

    # the source changes one course: its page, its lastmod, and the index's lastmod of its sub-sitemap
    page = root / "learn" / "python" / "index.html"
    page.write_text(page.read_text().replace("(Getting Started with Python)", "(Getting Started with Python 3)"))
    now = datetime.now(UTC).isoformat(timespec="seconds")
    sub = root / "sitemap~www~courses.xml"
    sub.write_text(sub.read_text().replace("learn/python</loc><lastmod>2025-01-10<",
                                           f"learn/python</loc><lastmod>{now}<"))
    index = root / "sitemap.xml"
    index.write_text(index.read_text().replace("courses.xml</loc><lastmod>2025-09-18<",
                                               f"courses.xml</loc><lastmod>{now}<"))
    third, s3 = _served_crawl("coursera", root, tmp_path)
    fetched = sorted(p for status, p in s3["requests"] if status == 200)
    assert fetched == ["/learn/python", "/sitemap.xml", "/sitemap~www~courses.xml"]
    changed = {uid: t for uid, t in _titles(third).items() if _titles(first)[uid] != t}
    assert changed == {"coursera:learn/python": "Programming for Everybody (Getting Started with Python 3)"}
