"""moochub: the MOOChub JSON:API spider on its snapshot, field by field, and its robustness cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from itemadapter import ItemAdapter
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
    # openHPI spreads eight courses (MOOChub v3) over two pages joined by links.next.
    assert result.stats["credcat/moochub/courses/openhpi"] == 8
    assert result.stats["credcat/moochub/version/v3"] == 8 and result.stats["credcat/moochub/version/v2"] == 11
    assert "moochub:openhpi:linux2025" in listings  # from page 2
    assert result.stats["credcat/moochub/courses/imoox"] == 6
    assert len(listings) == 19
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
    assert r["organisation"] == "Hasso Plattner Institute; University of Potsdam"  # v3 creators, every partner
    assert r["platform"] == "openHPI"
    assert r["level_text"] == "INTERMEDIATE"  # v3 educationalLevel[].name
    assert r["language_text"] == "en, de"  # every language
    assert r["duration_text"] == "4 h/week"  # workload as stated ...
    assert r["length_text"] == "P6W"  # ... and the calendar length beside it, never multiplied here
    assert r["cost_text"] == "Course: EUR 0; Certificate: EUR 50"  # every v3 offer, by category
    assert r["credits_text"] == "2 ECTS"
    assert r["learning_outcomes"] == ["Clean, join and reshape tabular data with pandas.", "Statistical inference"]
    assert (r["participation_text"], r["pacing_text"]) == ("online", "asynchronous")
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


def test_a_course_without_url_is_kept_with_its_course_page_or_a_stable_id(crawled):
    _, listings, quarantine = crawled
    assert quarantine == []
    # openHPI configures its course pages (providers.toml course_url); mooin does not: a stable id
    assert listings["moochub:openhpi:linux2025"]["url"] == "https://open.hpi.de/courses/linux2025"
    r = listings["moochub:mooin:oncampus-MOOC-2025-003"]
    assert r["url"] == "urn:moochub:mooin:oncampus-MOOC-2025-003" and "Windenergie" in r["title"] + (r["description"] or "")


def test_v3_workload_per_day_and_prerequisites(crawled):
    _, listings, _ = crawled
    r = listings["moochub:openhpi:cybersecurity2025"]
    assert (r["duration_text"], r["length_text"]) == ("2 h/day", "P2W")
    assert r["prerequisites"] == "Basic computer use"


def test_the_published_v3_example_course(crawled):
    """The complete course of moochub-api.v3.yml (MOOChub/schema, MIT), served as the last of openHPI's page 2."""
    _, listings, _ = crawled
    r = listings["moochub:openhpi:8978f51e-770c-4d0a-a2e3-23fae8f6aa79"]
    assert r["title"] == "Course - the complete example"
    assert r["organisation"] == "openHPI"  # the creator is a person: their affiliation
    assert (r["duration_text"], r["length_text"], r["language_text"]) == ("3 h/week", "P2W", "en")
    assert r["cost_text"] == "Course: EUR 0; Certificate: EUR 50"
    assert r["credits_text"] == "0 ECTS" and r["level_text"] == "INTERMEDIATE"
    assert r["learning_outcomes"][0].startswith("To protect personal data and privacy")
    assert r["prerequisites"].startswith("HPI Academy: Leading Digital Transformation")
    assert r["participation_text"] is None or r["participation_text"] == "online"  # the example gives no courseMode


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
    assert len(listings) == 5 and len(quarantine) == 0
    assert {i["platform"] for i in listings} == {"mooin"}
    assert all(i["source_id"].startswith("mooin:") for i in listings)
    assert listings[0]["source_url"] == feed.as_uri()


FIXTURES = Path(__file__).parent / "fixtures"


def _entries(path: Path) -> list[dict]:
    spider = spider_in_process(MoochubSpider, platforms="openhpi")
    response = TextResponse("https://open.hpi.de/bridges/moochub/courses", body=path.read_bytes(),
                            request=Request("https://open.hpi.de/bridges/moochub/courses", meta={"credcat_platform": "openhpi"}))
    return [o for o in spider.parse_api_page(response, page=1) if isinstance(o, Listing)]


def test_real_published_v3_example_document():
    """moochub-api.v3.yml's openHPI example response, as published (its data is one object, not a list)."""
    [listing] = _entries(FIXTURES / "moochub" / "moochub_v3_api_example.json")
    assert listing.url == "https://open.hpi.de/courses/confidentialcommunication2021"
    assert listing.cost_text == "Course: EUR 0; Certificate: EUR 50" and listing.credits_text == "0 ECTS"
    assert listing.skills == ["cyber security", "internet", "www", "world wide web", "mooc"]
    assert validate(ItemAdapter(listing).asdict()) == []


def test_real_recorded_v2_mooin_response():
    """The mooin feed recorded in the mammooc project's tests (MIT): the older shape, read as v2."""
    listings = _entries(FIXTURES / "provider_api_samples" / "mooin__course_data.json")
    assert len(listings) == 2
    first = listings[0]
    assert first.title == "Aussprachetraining für arabische Deutschlerner"
    assert first.language_text and first.organisation
    assert all(validate(ItemAdapter(x).asdict()) == [] for x in listings)
