"""moochub: the MOOChub JSON:API spider on its snapshot, field by field, and its robustness cases."""

from __future__ import annotations

import json

import pytest
from scrapy import Request
from scrapy.http import TextResponse

from spiders import config
from spiders.helpers import clean
from spiders.items import Listing
from spiders.providers.moochub import MoochubSpider, workload_text
from spiders.record import validate
from tests._linked_feeds import offline_crawl, scrapy_crawl
from tests.spider_helpers import spider_in_process, typed_values


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    return offline_crawl("moochub", tmp_path_factory.mktemp("moochub"))


def test_every_platform_is_crawled_and_pages_are_followed(crawled):
    result, listings, _ = crawled
    platforms = {r["platform"] for r in listings.values()}
    assert platforms == {"openHPI", "mooin", "iMooX"}
    # openHPI spreads seven courses over two pages joined by links.next.
    assert result.stats["credcat/moochub/courses/openhpi"] == 7
    assert "moochub:openhpi:linux2025" in listings  # from page 2
    assert result.stats["credcat/moochub/courses/imoox"] == 6
    assert len(listings) == 17
    assert all(not validate(r) for r in listings.values())


def test_course_field_by_field(crawled):
    _, listings, _ = crawled
    r = listings["moochub:openhpi:datascience2025"]
    assert r["source"] == "moochub"
    assert r["source_id"] == "openhpi:datascience2025"
    assert r["title"] == "Data Science Bootcamp"
    assert r["url"] == "https://open.hpi.de/courses/datascience2025"
    assert r["credential_type"] == "course"
    assert r["description"].startswith("Learn the data science workflow")
    assert r["organisation"] == "Hasso Plattner Institute"
    assert r["platform"] == "openHPI"
    assert r["level_text"] == "intermediate"
    assert r["language_text"] == "en"
    assert r["duration_text"] == "4 h/week"  # workload as stated ...
    assert r["length_text"] == "P6W"  # ... and the calendar length beside it, never multiplied here
    assert r["cost_text"] == "free"
    assert typed_values(r) == {}
    assert r["skills"] == ["data science", "statistics", "pandas"]
    assert r["raw"]["attributes"]["courseCode"] == "datascience2025"
    assert r["source_url"].endswith("/openhpi/bridges/moochub/courses")


def test_html_entities_are_decoded_but_raw_is_kept(crawled):
    _, listings, _ = crawled
    r = listings["moochub:openhpi:cybersecurity2025"]
    assert r["title"] == "Cybersecurity & Privacy Basics"
    assert "\u2013" in r["description"]  # &ndash;
    assert r["raw"]["attributes"]["name"] == "Cybersecurity &amp; Privacy Basics"
    assert listings["moochub:mooin:oncampus-MOOC-2025-002"]["title"] == 'Onlinekurs "Digitale Lehre gestalten"'


def test_bare_number_workload_is_kept_as_text_not_guessed(crawled):
    _, listings, _ = crawled
    r = listings["moochub:mooin:oncampus-MOOC-2025-004"]
    assert (r["duration_text"], r["length_text"]) == ("1080", "P6W")  # a bare number stays bare: no unit guessed
    assert r["cost_text"] == r["raw"]["attributes"]["access"][0]
    assert r["organisation"] == "oncampus GmbH"  # no partner institute: the MOOC provider


def test_missing_url_goes_to_quarantine(crawled):
    _, listings, quarantine = crawled
    assert "moochub:mooin:oncampus-MOOC-2025-003" not in listings
    [row] = quarantine
    assert row["reason"] == "missing_field"
    assert "url is required" in row["message"]
    assert "Windenergie" in row["raw"]


def test_pagination_loop_stops_and_is_counted(crawled):
    result, listings, _ = crawled
    assert result.stats["credcat/pagination/loop_stopped"] == 1
    assert sum(1 for uid in listings if uid.startswith("moochub:imoox:")) == 6  # each page once


def test_platform_that_returns_nothing_is_recorded(crawled):
    result, _, _ = crawled
    assert result.stats["credcat/moochub/empty_platforms"] == 1
    assert result.stats["credcat/moochub/empty/opensap"] == 1
    assert result.stats["credcat/moochub/courses/opensap"] == 0


def test_workload_is_rendered_with_its_unit_never_converted():
    assert workload_text({"timeValue": 3, "timeUnit": "h/week"}) == "3 h/week"
    assert workload_text({"timeValue": 1.5, "timeUnit": "hours"}) == "1.5 hours"
    assert workload_text({"timeValue": 90, "timeUnit": "minutes"}) == "90 minutes"
    assert workload_text({"timeValue": "lots", "timeUnit": "hours"}) is None
    assert workload_text(1080) == "1080"
    assert workload_text(None) is None
    assert clean("  Data &amp;amp; AI ") == "Data & AI"


def test_pages_of_a_walk_keep_its_platform_and_family():
    spider = spider_in_process(MoochubSpider, base_url="http://mirror.test")
    first = {r.meta["credcat_platform"]: r for r in spider.start_urls_for()}
    assert {r.meta["credcat_family"] for r in first.values()} == {f"api:{k}" for k in spider.platforms}
    hpi = first["openhpi"]
    assert hpi.url == "http://mirror.test/openhpi/bridges/moochub/courses"  # the one mirror rule
    assert spider.unbase(hpi.url) == "https://open.hpi.de/bridges/moochub/courses"
    page = {"links": {"next": "/bridges/moochub/courses?page=2"},  # relative to the live URL
            "data": [{"type": "courses", "id": "c1", "attributes": {"name": "C1", "url": "https://open.hpi.de/c1"}},
                     {"type": "announcements", "id": "a1"}]}
    response = TextResponse(hpi.url, body=json.dumps(page).encode(), request=hpi)
    out = list(spider.parse_api_page(response, page=1))
    [listing] = [o for o in out if isinstance(o, Listing)]
    assert (listing.source_id, listing.platform) == ("openhpi:c1", "openHPI")
    [nxt] = [o for o in out if isinstance(o, Request)]
    assert nxt.url == "http://mirror.test/openhpi/bridges/moochub/courses?page=2"
    assert (nxt.meta["credcat_family"], nxt.meta["credcat_platform"]) == ("api:openhpi", "openhpi")
    assert spider.crawler.stats.get_value("credcat/moochub/skipped_type/announcements") == 1


def test_import_a_feed_from_file_for_a_named_platform(tmp_path):
    feed = config.snapshot_dir("moochub") / "mooin" / "mooin" / "moochub" / "courses" / "index.json"
    listings, quarantine, _ = scrapy_crawl("moochub", [feed.as_uri()], tmp_path / "out.jsonl", args=("platforms=mooin",))
    assert len(listings) == 4 and len(quarantine) == 1
    assert {i["platform"] for i in listings} == {"mooin"}
    assert all(i["source_id"].startswith("mooin:") for i in listings)
    assert listings[0]["source_url"] == feed.as_uri()
