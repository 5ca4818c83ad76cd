"""Address safety: private, loopback, link-local and other non-public addresses are refused."""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Request, Spider
from scrapy.utils.test import get_crawler

from spiders.safety import GIVEN_META, ORIGIN_META, AddressSafetyMiddleware, NotResolved, UnsafeAddress, address_kind


@pytest.mark.parametrize("address,kind", [
    ("10.0.0.5", "private"), ("172.16.3.4", "private"), ("192.168.1.10", "private"), ("127.0.0.1", "loopback"),
    ("::1", "loopback"), ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("224.0.0.1", "multicast"),
    ("0.0.0.0", "unspecified"), ("240.0.0.1", "reserved"), ("100.64.0.1", "reserved"), ("fc00::1", "private"),
    ("::ffff:10.0.0.5", "private"), ("93.184.215.14", None), ("2606:4700::1111", None),
])
def test_address_kinds(address, kind):
    assert address_kind(address) == kind


class OptIn(Spider):
    name = "optin"
    address_safety = True
    allowed_domains = ["93.184.215.14", "127.0.0.1", "10.0.0.5", "169.254.169.254", "192.168.0.1", "192.168.1.1",
                       "localhost", "::1", "example.org"]


class NoOptIn(Spider):
    name = "nooptin"


def run(settings: dict, spider_cls, request: Request):
    crawler = get_crawler(spider_cls, settings_dict=settings)
    crawler.spider = spider_cls.from_crawler(crawler)
    crawler.stats.open_spider()
    mw = AddressSafetyMiddleware.from_crawler(crawler)
    return crawler, asyncio.run(mw.process_request(request, crawler.spider))


@pytest.mark.parametrize("url", ["http://10.0.0.5/issuer.json", "http://169.254.169.254/latest/meta-data",
                                 "http://[::1]:8080/x", "http://127.0.0.1:9/x", "http://localhost/x"])
def test_refused_without_allowance(url):
    with pytest.raises(UnsafeAddress):
        run({}, OptIn, Request(url))


def test_refusal_is_counted():
    crawler = get_crawler(OptIn)
    crawler.spider = OptIn.from_crawler(crawler)
    mw = AddressSafetyMiddleware.from_crawler(crawler)
    with pytest.raises(UnsafeAddress):
        asyncio.run(mw.process_request(Request("http://192.168.0.1/"), crawler.spider))
    assert crawler.stats.get_value("credcat/unsafe_address/refused") == 1
    assert crawler.stats.get_value("credcat/unsafe_address/private") == 1


def test_loopback_allowance_is_loopback_only():
    assert run({"CREDCAT_ALLOW_LOOPBACK": True}, OptIn, Request("http://127.0.0.1:8000/x"))[1] is None
    for url in ("http://10.0.0.5/", "http://169.254.169.254/", "http://192.168.1.1/"):
        with pytest.raises(UnsafeAddress):
            run({"CREDCAT_ALLOW_LOOPBACK": True}, OptIn, Request(url))


def test_origin_url_is_judged_even_when_a_mirror_is_fetched():
    request = Request("http://127.0.0.1:8000/10.0.0.5/issuer.json", meta={ORIGIN_META: "http://10.0.0.5/issuer.json"})
    with pytest.raises(UnsafeAddress, match="10.0.0.5"):
        run({"CREDCAT_ALLOW_LOOPBACK": True}, OptIn, request)


def test_public_hosts_given_files_and_other_spiders_pass():
    assert run({}, OptIn, Request("http://93.184.215.14/badge.json"))[1] is None
    given = Request("file:///tmp/export.json", meta={GIVEN_META: "file:///tmp/export.json"})
    assert run({}, OptIn, given)[1] is None  # only a URL the user gave with -a urls= may be file://
    assert run({}, NoOptIn, Request("http://10.0.0.5/"))[1] is None  # only opted-in spiders are guarded


@pytest.mark.parametrize("url", ["file:///etc/passwd", "data:application/json,{}", "ftp://example.org/x",
                                 "gopher://example.org/x", "s3://bucket/x"])
def test_non_http_schemes_are_refused(url):
    with pytest.raises(UnsafeAddress) as refused:
        run({}, OptIn, Request(url))
    assert refused.value.kind == "scheme"


def test_given_marker_does_not_carry_over_to_a_redirect():
    # RedirectMiddleware copies meta onto the redirected request: the marker must name the fetched URL.
    redirected = Request("file:///etc/passwd", meta={GIVEN_META: "https://example.org/export.json"})
    with pytest.raises(UnsafeAddress):
        run({}, OptIn, redirected)


def test_hosts_off_the_allowed_domains_are_refused_even_with_dont_filter():
    with pytest.raises(UnsafeAddress) as refused:
        run({}, OptIn, Request("http://1.1.1.1/x", dont_filter=True))
    assert refused.value.kind == "offsite"
    assert run({}, OptIn, Request("http://93.184.215.14/x", dont_filter=True))[1] is None


def test_unresolvable_host_fails_closed():
    with pytest.raises(UnsafeAddress) as refused:
        run({}, OptIn, Request("http://no-such-host.example.org/x"))
    assert refused.value.kind == "unresolvable"


def test_links_of_local_documents_make_no_lookup_unless_asked():
    request = Request("http://93.184.215.14/issuer.json", meta={"referrer_url": "file:///tmp/export.json"})
    with pytest.raises(NotResolved):
        run({}, OptIn, request)

    class Resolving(OptIn):
        resolve = "1"

    assert run({}, Resolving, request)[1] is None


def test_connect_time_resolver_refuses_non_public_answers():
    """DNS rebinding: a name that answered public to the middleware and private to the crawler is refused."""
    from twisted.internet import reactor
    from twisted.internet.error import DNSLookupError

    from spiders.safety import PublicOnlyResolver

    strict = PublicOnlyResolver.from_crawler(get_crawler(OptIn), reactor)
    assert strict.checked("93.184.215.14", "public.example") == "93.184.215.14"
    for address in ("10.0.0.5", "169.254.169.254", "127.0.0.1", "::ffff:192.168.0.1"):
        with pytest.raises(DNSLookupError):
            strict.checked(address, "rebind.example")
    lenient = PublicOnlyResolver.from_crawler(get_crawler(OptIn, {"CREDCAT_ALLOW_LOOPBACK": True}), reactor)
    assert lenient.checked("127.0.0.1", "localhost") == "127.0.0.1"
    with pytest.raises(DNSLookupError):
        lenient.checked("10.0.0.5", "rebind.example")


def test_settings_install_the_connect_time_resolver():
    from spiders import settings

    assert settings.TWISTED_DNS_RESOLVER == "spiders.safety.PublicOnlyResolver"
