"""Robustness and politeness of the web spiders: broken JSON-LD, looping and empty sources, Retry-After,
robots.txt, allowed domains, the maximum response size."""

from __future__ import annotations

import json
import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from scrapy.http import HtmlResponse

from spiders import config
from spiders.items import Listing, Quarantined
from spiders.providers.coursera import CourseraSpider
from spiders.providers.jsonld import GenericJsonLdSpider
from spiders.record import validate
from tests.spider_helpers import run_spider, spider_in_process


def page_response(url: str, *blocks: str) -> HtmlResponse:
    scripts = "".join(f'<script type="application/ld+json">{b}</script>' for b in blocks)
    return HtmlResponse(url, body=f"<html><head>{scripts}</head></html>".encode(), encoding="utf-8")


@pytest.fixture
def exu():
    return spider_in_process(GenericJsonLdSpider, provider="example-university")


URL = "https://shortcourses.example.edu/courses/x"


def test_jsonld_list_graph_and_invalid_block_in_one_page(exu):
    response = page_response(
        URL,
        '[{"@type":"WebSite","name":"S"},{"@type":"Course","name":"From a list","url":"' + URL + '"}]',
        '{"@context":"https://schema.org","@graph":[{"@type":"Course","name":"From a graph","url":"' + URL + '-2"}]}',
        '{"@type":"Course","name":"Broken",,,}}',
    )
    items = list(exu.parse_page(response))
    listings = [i for i in items if isinstance(i, Listing)]
    bad = [i for i in items if isinstance(i, Quarantined)]
    assert sorted(i.title for i in listings) == ["From a graph", "From a list"]
    assert len(bad) == 1 and bad[0].reason == "invalid_jsonld" and bad[0].source_id == "courses/x"
    assert "Broken" in bad[0].raw
    assert exu.crawler.stats.get_value("credcat/jsonld/invalid_blocks") == 1


def test_page_without_wanted_type_is_counted(exu):
    assert list(exu.parse_page(page_response(URL, '{"@type":"Organization","name":"O"}'))) == []
    assert list(exu.parse_page(HtmlResponse(URL, body=b"<html></html>"))) == []
    stats = exu.crawler.stats
    assert stats.get_value("credcat/jsonld/pages_without_wanted_type") == 2
    assert stats.get_value("credcat/jsonld/pages_without_jsonld") == 1


def test_missing_fields_become_invalid_records_not_crashes(exu):
    items = list(exu.parse_page(page_response(URL, '{"@type":"Course","description":"no name"}')))
    assert len(items) == 1 and isinstance(items[0], Listing)
    assert items[0].url == URL  # falls back to the page URL
    problems = validate(items[0].__dict__)
    assert problems == ["missing_field: title is required"]  # the ValidationPipeline quarantines it


def test_same_listing_twice_is_dropped(exu):
    block = '{"@type":"Course","name":"Once","url":"' + URL + '"}'
    first = list(exu.parse_page(page_response(URL, block)))
    again = list(exu.parse_page(page_response(URL + "?utm_source=x", block)))
    assert len(first) == 1 and again == []
    assert exu.crawler.stats.get_value("credcat/duplicates_dropped") == 1


def test_page_walk_stops_at_a_seen_page_and_at_max_pages():
    spider = spider_in_process(CourseraSpider, techniques="api")
    url = spider.api_url(0)
    assert spider.page_request(url, 1) is not None
    assert spider.page_request(url, 2) is None
    spider.max_pages = 2
    assert spider.page_request(spider.api_url(10), 2) is not None
    assert spider.page_request(spider.api_url(20), 3) is None
    stats = spider.crawler.stats
    assert stats.get_value("credcat/pagination/loop_stopped") == 1
    assert stats.get_value("credcat/pagination/max_pages_reached") == 1


def copy_snapshot(name: str, tmp_path):
    dest = tmp_path / name
    shutil.copytree(config.snapshot_dir(name), dest)
    return dest


def test_looping_pagination_stops(tmp_path):
    snap = copy_snapshot("coursera", tmp_path)
    last = next((snap / "api").glob("courses.v1?start=20*"))
    body = json.loads(last.read_text())
    body["paging"]["next"] = "0"  # the last page points back to the first
    last.write_text(json.dumps(body))
    run = run_spider("coursera", tmp_path / "out", snapshot=snap, args={"techniques": "api"})
    assert run.returncode == 0 and run.stats["finish_reason"] == "finished"
    assert len(run.listings) == 23
    assert run.stats["credcat/pagination/loop_stopped"] == 1
    assert run.stats["credcat/pagination/pages"] == 3


def test_provider_that_suddenly_returns_nothing_sets_the_empty_crawl_stat(tmp_path):
    snap = copy_snapshot("futurelearn", tmp_path)
    (snap / "feeds/courses/index.json").write_text("[]")
    (snap / "sitemap.xml").write_text('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>')
    run = run_spider("futurelearn", tmp_path / "out", snapshot=snap)
    assert run.returncode == 0 and run.stats["finish_reason"] == "finished"
    assert run.listings == [] and run.quarantined == []
    assert run.stats["credcat/empty_crawl"] == 1 and run.stats["credcat/listings"] == 0
    assert run.stats["credcat/pagination/empty_pages"] == 1


def test_robots_txt_is_obeyed_and_offsite_urls_are_not_fetched(tmp_path):
    snap = copy_snapshot("example-university", tmp_path)
    robots = (snap / "robots.txt").read_text().replace("Disallow: /admin/", "Disallow: /admin/\nDisallow: /courses/")
    (snap / "robots.txt").write_text(robots)
    sitemap = (snap / "sitemap.xml").read_text().replace(
        "</urlset>", "  <url><loc>https://elsewhere.example.com/courses/not-ours</loc></url>\n</urlset>")
    (snap / "sitemap.xml").write_text(sitemap)
    run = run_spider("example-university", tmp_path / "out", snapshot=snap)
    assert run.returncode == 0
    assert sorted(r["credential_type"] for r in run.listings) == ["micro_credential"] * 3
    assert run.stats["robotstxt/forbidden"] == 16  # every course page of the sitemap
    assert run.stats["offsite/filtered"] == 1


def test_maximum_response_size(tmp_path):
    run = run_spider("futurelearn", tmp_path, snapshot=config.snapshot_dir("futurelearn"),
                     settings={"DOWNLOAD_MAXSIZE": "8000", "DOWNLOAD_WARNSIZE": "4000"})
    assert run.returncode == 0
    # the 20 kB courses feed is refused; the small programme pages are read
    assert sorted(r["credential_type"] for r in run.listings) == ["learning_program", "learning_program", "micro_credential"]
    assert "larger than download max size" in run.log


class FlakyFeed(BaseHTTPRequestHandler):
    """robots.txt, an empty sitemap, and a courses feed that answers 429 + Retry-After before it answers."""

    hits: list[float] = []
    refusals = 1
    retry_after = "1"
    feed = json.dumps([{"url": "https://www.futurelearn.com/courses/patience", "name": "Patience", "language": "en",
                        "hours_per_week": 2, "runs": [{"duration_in_weeks": 3, "start_date": "2025-01-01"}]}]).encode()

    def do_GET(self):  # noqa: N802
        if self.path == "/robots.txt":
            self.reply(200, b"User-agent: *\nAllow: /\n", "text/plain")
        elif self.path.startswith("/feeds/courses"):
            type(self).hits.append(time.monotonic())
            if len(type(self).hits) <= type(self).refusals:
                self.send_response(429)
                self.send_header("Retry-After", type(self).retry_after)
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self.reply(200, type(self).feed, "application/json")
        else:
            self.reply(404, b"", "text/plain")

    def reply(self, status, body, ctype):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def flaky_server():
    handler = type("Handler", (FlakyFeed,), {"hits": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield handler, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_retry_after_is_honoured(flaky_server, tmp_path):
    handler, base = flaky_server
    handler.retry_after = "2"
    run = run_spider("futurelearn", tmp_path, base_url=base)
    assert run.returncode == 0, run.log[-2000:]
    assert [r["title"] for r in run.listings] == ["Patience"]
    assert len(handler.hits) == 2
    assert handler.hits[1] - handler.hits[0] >= 1.9  # waited as asked, not the 0.05 s test backoff
    assert run.stats["retry/retry_after"] == 1 and run.stats["retry/count"] == 1


def test_retry_after_longer_than_the_cap_gives_up(flaky_server, tmp_path):
    handler, base = flaky_server
    handler.retry_after = "3600"
    run = run_spider("futurelearn", tmp_path, base_url=base, settings={"RETRY_AFTER_MAX": "5"})
    assert run.returncode == 0
    assert len(handler.hits) == 1 and run.listings == []
    assert run.stats["retry/retry_after_too_long"] == 1
    assert run.stats["credcat/empty_crawl"] == 1
