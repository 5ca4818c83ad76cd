"""moochub: the MOOChub JSON:API spider on its snapshot, field by field, and its robustness cases."""

from __future__ import annotations

import pytest

from spiders import config
from spiders.providers.moochub import clean, weeks_of, workload
from spiders.record import validate
from tests._linked_feeds import offline_crawl, scrapy_crawl


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
    assert r["level"] == "intermediate"
    assert r["language"] == "en"
    assert r["duration_hours"] == 24.0  # 4 h/week over P6W
    assert r["duration_text"] == "4 h/week over P6W"
    assert (r["cost_amount"], r["cost_kind"]) == (0.0, "free")
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
    assert r["duration_hours"] is None
    assert r["duration_text"] == "workload 1080, duration P6W"
    assert r["cost_kind"] == "unknown" and r["cost_amount"] is None
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
    assert result.stats["credcat/moochub/pagination_loops"] == 1
    assert sum(1 for uid in listings if uid.startswith("moochub:imoox:")) == 6  # each page once


def test_platform_that_returns_nothing_is_recorded(crawled):
    result, _, _ = crawled
    assert result.stats["credcat/moochub/empty_platforms"] == 1
    assert result.stats["credcat/moochub/empty/opensap"] == 1
    assert result.stats["credcat/moochub/courses/opensap"] == 0


def test_workload_parsing():
    assert workload({"workload": {"timeValue": 3, "timeUnit": "h/week"}, "duration": "P4W"}) == (12.0, "3 h/week over P4W")
    assert workload({"workload": {"timeValue": 20, "timeUnit": "hours"}}) == (20.0, "20 hours")
    assert workload({"workload": {"timeValue": 90, "timeUnit": "minutes"}}) == (1.5, "90 minutes")
    assert workload({"duration": "P6W"}) == (None, "P6W")
    assert workload({}) == (None, None)
    assert weeks_of("P1M") == pytest.approx(4.35, abs=0.01)
    assert weeks_of("nonsense") is None
    assert clean("  Data &amp;amp; AI ") == "Data & AI"



def test_import_a_feed_from_file_for_a_named_platform(tmp_path):
    feed = config.snapshot_dir("moochub") / "mooin" / "mooin" / "moochub" / "courses" / "index.json"
    listings, quarantine, _ = scrapy_crawl("moochub", [feed.as_uri()], tmp_path / "out.jsonl", args=("platforms=mooin",))
    assert len(listings) == 4 and len(quarantine) == 1
    assert {i["platform"] for i in listings} == {"mooin"}
    assert all(i["source_id"].startswith("mooin:") for i in listings)
    assert listings[0]["source_url"] == feed.as_uri()
