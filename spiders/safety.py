"""Address safety: never fetch private, loopback, link-local or otherwise non-public addresses.

Open Badges and CTDL documents name further URLs (issuers, organisations, components) that third parties
wrote. A URL such as ``http://10.0.0.5/admin`` or ``http://169.254.169.254/latest/meta-data`` inside a badge
must never make the crawler fetch it (server-side request forgery). :class:`AddressSafetyMiddleware` resolves
the host of every request of a spider that opts in (``address_safety = True``) and refuses the request when
any address the host resolves to is not a public unicast address.

``CREDCAT_ALLOW_LOOPBACK`` lets loopback (127.0.0.0/8, ::1) through, and nothing else: the offline snapshot
crawls and the tests serve their documents on 127.0.0.1. Private, link-local, multicast, reserved and
unspecified ranges are refused whatever the settings say.

A refusal raises ``IgnoreRequest`` (so the request's errback runs: the spider records a quarantine row for
the referring document), is logged, and is counted in the crawl stats under ``credcat/unsafe_address/*``.
The check covers the URL as written in the document (``request.meta["credcat_origin_url"]``) as well as the
URL actually fetched, because a mirror crawl rewrites the host; redirects pass through the middleware again.
Known limit: the crawler resolves the name once more when it connects, so a DNS answer that changes between
the two look-ups (DNS rebinding) is not caught here.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

ORIGIN_META = "credcat_origin_url"
REFUSED_META = "credcat_unsafe_address"


class UnsafeAddress(IgnoreRequest):
    """The request's host is, or resolves to, an address credcat must not fetch."""

    def __init__(self, url: str, host: str, address: str, kind: str):
        super().__init__(f"refused {url}: host {host!r} is {address} ({kind} address)")
        self.url, self.host, self.address, self.kind = url, host, address, kind


def address_kind(address: str) -> str | None:
    """Why ``address`` is not a public unicast address (``loopback``, ``private`` ...), or None when it is."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private:
        return "private"
    if not ip.is_global:
        return "reserved"
    return None


def literal_address(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]").split("%", 1)[0]))
    except ValueError:
        return None


def check_addresses(url: str, host: str, addresses: list[str], allow_loopback: bool) -> None:
    for address in addresses:
        kind = address_kind(address)
        if kind is None or (kind == "loopback" and allow_loopback):
            continue
        raise UnsafeAddress(url, host, address, kind)


async def resolve(host: str, port: int | None) -> list[str]:
    """Every address ``host`` resolves to; an empty list when it does not resolve (the fetch will fail anyway)."""
    literal = literal_address(host)
    if literal:
        return [literal]
    try:
        loop = asyncio.get_running_loop()
        infos = await loop.getaddrinfo(host, port or 80, type=socket.SOCK_STREAM)
    except (OSError, RuntimeError, UnicodeError):
        return []
    return sorted({info[4][0] for info in infos})


class AddressSafetyMiddleware:
    """Downloader middleware; active only for spiders with ``address_safety = True``."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.allow_loopback = crawler.settings.getbool("CREDCAT_ALLOW_LOOPBACK", False)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request, spider=None):
        spider = spider or getattr(self.crawler, "spider", None)
        if not getattr(spider, "address_safety", False):
            return None
        urls = [request.url]
        origin = request.meta.get(ORIGIN_META)
        if origin and origin != request.url:
            urls.insert(0, origin)
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https"):
                if parts.scheme in ("file", "data") and url == request.url:
                    continue  # local files are what the user asked to import
                if url != request.url:
                    continue  # the origin of a mirrored request may be any scheme; the fetched URL is checked
                self._refuse(request, spider, UnsafeAddress(url, parts.netloc, parts.scheme, "non-http scheme"))
            host = parts.hostname or ""
            if not host:
                continue
            try:
                port = parts.port
            except ValueError:
                port = None
            addresses = await resolve(host, port)
            try:
                check_addresses(url, host, addresses, self.allow_loopback)
            except UnsafeAddress as exc:
                self._refuse(request, spider, exc)
        return None

    def _refuse(self, request, spider, exc: UnsafeAddress):
        self.stats.inc_value("credcat/unsafe_address/refused")
        self.stats.inc_value(f"credcat/unsafe_address/{exc.kind}")
        if spider is not None:
            spider.logger.warning("address safety: %s", exc)
        request.meta[REFUSED_META] = str(exc)
        raise exc
