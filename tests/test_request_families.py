"""Contract 2 (spiders -> crawlops): a request whose loss loses a whole family of listings carries
``meta["credcat_family"]``; a request for one listing page does not."""

from __future__ import annotations

import json

from scrapy.http import TextResponse, XmlResponse

from spiders.base import FAMILY_META
from spiders.providers.coursera import CourseraSpider
from spiders.providers.ctdl import CtdlSpider
from spiders.providers.edx import EdxSpider
from spiders.providers.futurelearn import FutureLearnSpider
from spiders.providers.jsonld import GenericJsonLdSpider
from spiders.providers.mslearn import MicrosoftLearnSpider
from tests.spider_helpers import spider_in_process

MIRROR = "http://mirror.test"


def families(requests) -> list[str | None]:
    return [r.meta.get(FAMILY_META) for r in requests]


def test_each_microsoft_learn_type_is_its_own_family():
    spider = spider_in_process(MicrosoftLearnSpider, techniques="catalog")
    assert families(spider.type_requests()) == spider.types
    [taxonomies] = list(spider.start_urls_for())  # losing the names loses no listing
    assert FAMILY_META not in taxonomies.meta
    v1 = spider_in_process(MicrosoftLearnSpider, base_url=MIRROR)  # Learn Platform API v1: one walk per type
    assert families(v1.start_urls_for()) == v1.types


def test_api_pages_are_of_the_api_family_page_after_page():
    spider = spider_in_process(CourseraSpider, techniques="api", base_url=MIRROR)
    [first] = list(spider.start_urls_for())
    assert first.meta[FAMILY_META] == "api" and first.url.startswith(MIRROR + "/api/courses.v1?start=0")
    page = {"elements": [{"slug": "one", "name": "One"}], "paging": {"next": "10"}}
    out = list(spider.parse_api_page(TextResponse(first.url, body=json.dumps(page).encode(), request=first), page=1))
    [nxt] = [o for o in out if hasattr(o, "meta")]
    assert nxt.meta[FAMILY_META] == "api" and "start=10" in nxt.url


def test_sitemaps_are_a_family_the_pages_they_list_are_not():
    spider = spider_in_process(GenericJsonLdSpider, provider="example-university", base_url=MIRROR)
    [robots] = list(spider.sitemap_requests())
    assert robots.meta[FAMILY_META] == "sitemap"
    index = XmlResponse(f"{MIRROR}/sitemap.xml", body=b"""<?xml version="1.0"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://shortcourses.example.edu/sitemap-courses.xml</loc></sitemap></sitemapindex>""")
    [sub] = list(spider._parse_sitemap(index))
    assert sub.url == f"{MIRROR}/sitemap-courses.xml" and sub.meta[FAMILY_META] == "sitemap"
    urlset = XmlResponse(f"{MIRROR}/sitemap-courses.xml", body=b"""<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://shortcourses.example.edu/courses/intro-to-gis</loc></url></urlset>""")
    [page] = list(spider._parse_sitemap(urlset))
    assert page.url == f"{MIRROR}/courses/intro-to-gis" and FAMILY_META not in page.meta


def test_feeds_are_families():
    futurelearn = spider_in_process(FutureLearnSpider, base_url=MIRROR)
    assert families(futurelearn.start_urls_for()) == ["feed", "sitemap"]
    edx = spider_in_process(EdxSpider, techniques="rss", base_url=MIRROR)
    [rss] = list(edx.start_urls_for())
    assert rss.meta[FAMILY_META] == "rss" and rss.url == f"{MIRROR}/api/v2/report/course-feed/rss"


def test_registry_search_pages_are_a_family(monkeypatch):
    monkeypatch.setenv("CE_REGISTRY_API_KEY", "k")
    [search] = list(spider_in_process(CtdlSpider).search_requests())
    assert search.meta[FAMILY_META] == "search"
