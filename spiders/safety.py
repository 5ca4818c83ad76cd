"""Safe fetching for spiders that follow URLs found inside third-party documents (openbadges, ctdl).

Open Badges and CTDL documents name further URLs (issuers, badges, achievements, organisations, components)
that third parties wrote. Scrapy would fetch every one of them: ``file:///etc/passwd`` and ``data:`` natively,
``http://169.254.169.254/latest/meta-data`` or ``http://10.0.0.5/admin`` on the internal network (server-side
request forgery), and ``dont_filter=True`` or empty ``allowed_domains`` switch its off-site filter off.
:class:`AddressSafetyMiddleware` therefore judges every request of a spider that opts in
(``address_safety = True``), before anything is fetched or read, and refuses it unless:

1. the scheme is http or https. The one exception: a ``file://`` URL the user gave with ``-a urls=``
   (``meta["credcat_given_url"]`` equal to the URL fetched, so a redirect or a link never inherits it);
2. the host is one of the spider's ``allowed_domains`` (or a subdomain), whatever ``dont_filter`` says;
3. no address the host is, or resolves to, is private, loopback, link-local, multicast, reserved or
   unspecified. The check fails closed: a host that does not resolve is refused.

Documents read from a local file (the referring document's URL is not http(s)) make no network look-up at all
unless the user asks with ``-a resolve=1``: their links raise :class:`NotResolved` before any DNS query.

``CREDCAT_ALLOW_LOOPBACK`` lets loopback (127.0.0.0/8, ::1) through, and nothing else: the offline snapshot
crawls and the tests serve their documents on 127.0.0.1. Never set it for a live crawl.

A refusal raises :class:`UnsafeAddress` (an ``IgnoreRequest``, so the request's errback runs and the spider
records a quarantine row for the referring document), is logged, and is counted in the crawl stats under
``credcat/unsafe_address/*``. The check covers the URL as written in the document
(``request.meta["credcat_origin_url"]``) as well as the URL actually fetched, because a mirror crawl rewrites
the host; a redirect is a new request and passes through the middleware again (so a redirect to ``file:`` or
to a private host is refused like a link to it).

The crawler resolves the name once more when it connects, so a DNS answer that changes between the two
look-ups (DNS rebinding) would slip past the middleware: :class:`PublicOnlyResolver` (``TWISTED_DNS_RESOLVER``)
closes that gap by refusing, at connect time and for every spider, an answer that is not a public address
(loopback only with ``CREDCAT_ALLOW_LOOPBACK``). No credcat provider lives on a private network.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

ORIGIN_META = "credcat_origin_url"
REFUSED_META = "credcat_unsafe_address"
GIVEN_META = "credcat_given_url"  # set on the requests for URLs the user gave with ``-a urls=``
REFERRER_META = "referrer_url"  # the document a followed URL was found in (set by DocumentSpider.follow_doc)
SCHEMES = ("http", "https")
# Refusals that say the link itself is hostile (not merely off the allowed hosts or unresolvable): a record that
# depends on such a link is quarantined rather than read without it.
DANGEROUS_KINDS = frozenset({"scheme", "loopback", "private", "link-local", "multicast", "reserved", "unspecified"})


class UnsafeAddress(IgnoreRequest):
    """The request's URL has a scheme, host or address credcat must not fetch."""

    def __init__(self, url: str, host: str, address: str, kind: str):
        super().__init__(f"refused {url}: {describe(host, address, kind)}")
        self.url, self.host, self.address, self.kind = url, host, address, kind

    @property
    def why(self) -> str:
        """A phrase for the referring document's quarantine message."""
        if self.kind == "scheme":
            return f"{self.url} uses the {self.address}: scheme (only http and https are fetched)"
        if self.kind == "offsite":
            return f"{self.url} is on {self.host!r}, not one of this provider's allowed domains"
        if self.kind == "unresolvable":
            return f"{self.url} names a host that does not resolve ({self.address})"
        return f"{self.url} is a {self.kind} address ({self.address})"


class NotResolved(IgnoreRequest):
    """A link inside a document read from a local file: not fetched without ``-a resolve=1``."""


def describe(host: str, address: str, kind: str) -> str:
    if kind == "scheme":
        return f"scheme {address!r} is not http(s)"
    if kind == "offsite":
        return f"host {host!r} is not an allowed domain"
    if kind == "unresolvable":
        return f"host {host!r} does not resolve ({address}): refused, the check fails closed"
    return f"host {host!r} is {address} ({kind} address)"


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


def on_domains(host: str, domains) -> bool:
    """Scrapy's off-site rule: the host is an allowed domain or a subdomain of one."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in (str(d).lower().strip(".") for d in domains or ()) if d)


def static_check(url: str, domains, allow_loopback: bool, given: bool = False) -> tuple[str, int | None] | None:
    """Everything that can be judged without the network; returns ``(host, port)`` to resolve, or None.

    Raises :class:`UnsafeAddress` for a scheme other than http(s) (``file:`` only when ``given``), a URL
    without a host, a literal non-public address, or a host outside ``domains``.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        if given and scheme == "file":
            return None  # a local export the user asked to import
        raise UnsafeAddress(url, parts.netloc, scheme or "relative", "scheme")
    host = parts.hostname or ""
    if not host:
        raise UnsafeAddress(url, parts.netloc, "no host", "offsite")
    literal = literal_address(host)
    if literal:
        check_addresses(url, host, [literal], allow_loopback)
    if not on_domains(host, domains):
        raise UnsafeAddress(url, host, host, "offsite")
    try:
        port = parts.port
    except ValueError:
        raise UnsafeAddress(url, parts.netloc, "invalid port", "offsite") from None
    return host, port


def refused_statically(url: str, spider) -> bool:
    """Whether the middleware will refuse ``url`` for ``spider`` without any look-up (a followed link)."""
    settings = getattr(spider, "settings", None)
    allow_loopback = settings.getbool("CREDCAT_ALLOW_LOOPBACK", False) if settings is not None else False
    try:
        static_check(url, getattr(spider, "allowed_domains", None) or (), allow_loopback)
    except UnsafeAddress:
        return True
    return False


async def resolve(host: str, port: int | None) -> list[str]:
    """Every address ``host`` resolves to; an empty list when it does not resolve."""
    literal = literal_address(host)
    if literal:
        return [literal]
    try:
        loop = asyncio.get_running_loop()
        infos = await loop.getaddrinfo(host, port or 80, type=socket.SOCK_STREAM)
    except (OSError, RuntimeError, UnicodeError, ValueError):
        return []
    return sorted({info[4][0] for info in infos})


def truthy(value) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def absolute(url: str, referrer) -> str:
    """A URL found in ``referrer``'s document made absolute against that document's URL as written."""
    if referrer is None:
        return url
    try:
        base = referrer.meta.get(ORIGIN_META) or referrer.url
    except AttributeError:  # a response built without a request (tests)
        base = referrer.url
    return urljoin(base, url)


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
        try:
            await self.check(request, spider)
        except UnsafeAddress as exc:
            self._refuse(request, spider, exc)
        return None

    async def check(self, request, spider) -> None:
        fetched = request.url
        origin = request.meta.get(ORIGIN_META) or fetched
        given = request.meta.get(GIVEN_META) == fetched
        domains = getattr(spider, "allowed_domains", None) or ()
        # 1. without the network: scheme, host, literal address, allowed domain; for both URLs
        to_resolve = []
        for url in dict.fromkeys((origin, fetched)):
            target = static_check(url, domains, self.allow_loopback, given=given and url == fetched)
            if target is not None:
                to_resolve.append((url, *target))
        # 2. a document read from a local file makes no network look-up unless asked (-a resolve=1)
        referrer = request.meta.get(REFERRER_META)
        if referrer and urlsplit(referrer).scheme.lower() not in SCHEMES and not truthy(getattr(spider, "resolve", "")):
            self.stats.inc_value("credcat/unsafe_address/not_resolved")
            raise NotResolved(f"not fetched {origin}: it was found in a local document ({referrer}); "
                              f"-a resolve=1 fetches the links of local documents")
        # 3. every address the host resolves to; the fetched host must resolve (fail closed). A mirrored
        #    origin is not connected to, so only what it does resolve to is judged.
        for url, host, port in to_resolve:
            addresses = await resolve(host, port)
            if not addresses and url == fetched:
                raise UnsafeAddress(url, host, "no DNS answer", "unresolvable")
            check_addresses(url, host, addresses, self.allow_loopback)

    async def process_response(self, request, response, spider=None):
        """A redirect to a non-http(s) URL: Scrapy's RedirectMiddleware leaves the 3xx response as it is (so
        the spider would only log an HTTP error); refuse it instead, so the referring document is quarantined.
        An http(s) redirect target is a new request and meets :meth:`process_request`."""
        spider = spider or getattr(self.crawler, "spider", None)
        location = response.headers.get(b"Location") if 300 <= response.status < 400 else None
        if location and getattr(spider, "address_safety", False):
            target = urljoin(request.url, location.decode("latin-1").strip())
            scheme = urlsplit(target).scheme.lower()
            if scheme not in SCHEMES:
                self._refuse(request, spider, UnsafeAddress(target, urlsplit(target).netloc, scheme or "relative",
                                                            "scheme"))
        return response

    def _refuse(self, request, spider, exc: UnsafeAddress):
        self.stats.inc_value("credcat/unsafe_address/refused")
        self.stats.inc_value(f"credcat/unsafe_address/{exc.kind}")
        if spider is not None:
            spider.logger.warning("address safety: %s", exc)
        request.meta[REFUSED_META] = str(exc)
        raise exc


class PublicOnlyResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing answers that are not public addresses: the address connected to."""

    allow_loopback = False

    @classmethod
    def from_crawler(cls, crawler, reactor):
        resolver = super().from_crawler(crawler, reactor)
        resolver.allow_loopback = crawler.settings.getbool("CREDCAT_ALLOW_LOOPBACK", False)
        return resolver

    def getHostByName(self, name: str, timeout=()):  # noqa: N802 - Twisted's interface
        return super().getHostByName(name, timeout).addCallback(self.checked, name)

    def checked(self, address: str, name: str) -> str:
        kind = address_kind(address)
        if kind is not None and not (kind == "loopback" and self.allow_loopback):
            raise DNSLookupError(f"{name} resolves to {address}, a {kind} address: refused at connect time")
        return address
