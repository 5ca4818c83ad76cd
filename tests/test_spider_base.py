"""The base classes every spider shares: the one mirror rule and the one body loader."""

from __future__ import annotations

import pytest
from scrapy.http import Response, TextResponse

from spiders.helpers import joined, with_unit
from spiders.items import Quarantined
from spiders.providers.coursera import CourseraSpider
from spiders.providers.ctdl import CtdlSpider
from spiders.providers.moochub import MoochubSpider
from spiders.providers.openbadges import OpenBadgesSpider
from tests.spider_helpers import spider_in_process

M = "http://127.0.0.1:8123"


@pytest.mark.parametrize(("spider_cls", "live", "mirror"), [
    # one provider host (or several, with allowed_domains) -> the mirror's root
    (CourseraSpider, "https://www.coursera.org/learn/python?x=1", f"{M}/learn/python?x=1"),
    (CtdlSpider, "https://credentialengineregistry.org/resources/ce-1", f"{M}/resources/ce-1"),
    # documents spread over many hosts: host by host under the mirror
    (OpenBadgesSpider, "https://badges.example/badgeclasses/a.json", f"{M}/badges.example/badgeclasses/a.json"),
    # configured prefixes: a MOOChub platform under its key
    (MoochubSpider, "https://open.hpi.de/bridges/moochub/courses?page=2", f"{M}/openhpi/bridges/moochub/courses?page=2"),
])
def test_one_mirror_rule_and_its_inverse(spider_cls, live, mirror):
    spider = spider_in_process(spider_cls, base_url=M)
    assert spider.rebase(live) == mirror
    assert spider.rebase(mirror) == mirror  # already on the mirror: unchanged
    assert spider.unbase(mirror) == live


def test_several_hosts_share_the_mirror_root():
    spider = spider_in_process(CourseraSpider, base_url=M)
    assert spider.rebase("https://api.coursera.org/api/courses.v1?start=0") == f"{M}/api/courses.v1?start=0"
    assert spider.unbase(f"{M}/learn/x") == "https://www.coursera.org/learn/x"  # back to the provider's base URL


def test_other_hosts_and_live_crawls_are_left_alone():
    mirrored = spider_in_process(CtdlSpider, base_url=M)
    assert mirrored.rebase("https://apps.credentialengine.org/search") == "https://apps.credentialengine.org/search"
    assert mirrored.rebase("file:///tmp/export.json") == "file:///tmp/export.json"
    live = spider_in_process(CtdlSpider)
    assert not live.mirrored
    assert live.rebase("https://credentialengineregistry.org/x") == "https://credentialengineregistry.org/x"


def test_the_body_loader_decodes_strictly_as_utf8():
    spider = spider_in_process(CtdlSpider)
    ok, bad = spider.load_json(Response("https://x/ok", body='\ufeff{"name": "Café"}'.encode("utf-8")))
    assert ok == {"name": "Café"} and bad is None  # a byte-order mark is allowed, whatever the Content-Type
    # invalid bytes inside a string survive the loader as lone surrogates (never U+FFFD): the item pipeline then
    # quarantines only the record holding them, as invalid_encoding, and the rest of the page still lands
    # (tests/test_hostile_inputs.py)
    data, row = spider.load_json(Response("https://x/latin1", body='{"name": "Café"}'.encode("latin-1")))
    assert row is None and data == {"name": "Caf\udce9"}
    # a Content-Type that claims another charset does not make invalid UTF-8 acceptable
    declared = TextResponse("https://x/cp1252", body='{"name": "Café"}'.encode("cp1252"), encoding="cp1252")
    assert spider.load_json(declared)[0] == {"name": "Caf\udce9"}
    # outside strings, invalid bytes leave no document: the body is quarantined whole, marked where it broke
    data, row = spider.load_json(Response("https://x/bad", body=b'{"name": "x", \xff "n": 1}'))
    assert data is None and isinstance(row, Quarantined) and row.reason == "invalid_encoding"
    assert "\ufffd" not in row.raw
    _, broken = spider.load_json(Response("https://x/broken", body=b'{"name": '))
    assert broken.reason == "invalid_json"


def test_helpers_render_and_join_without_interpreting():
    assert with_unit(25, "minutes") == "25 minutes" and with_unit(1.5, "hours") == "1.5 hours"
    assert with_unit(None, "minutes") is None
    with pytest.raises(TypeError, match="expected a number of minutes"):
        with_unit("ninety", "minutes")
    assert joined(["de", "en", "de", "", None]) == "de, en" and joined([]) is None
