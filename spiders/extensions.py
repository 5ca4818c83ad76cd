"""Scrapy extensions: crawl completeness per request family, and the crawl's stats as a JSON file.

A crawl that "finished" is not a crawl that succeeded: a whole listing type can fail (500, 404, timeout)
while Scrapy still reports ``finish_reason = finished``. :class:`CrawlCompleteness` counts what each request
*family* lost, and :class:`StatsFile` writes ``credcat/complete`` and ``credcat/incomplete_reasons`` into
``stats.json``, which the pipeline reads to decide whether a crawl may become the provider's ``LATEST``.

Families (contract 2 in TEAM.md): a request whose loss loses a whole family of listings (an API page, a
per-type catalogue request, a sitemap, a feed page) carries ``meta["credcat_family"] = "<name>"``; start
requests default to ``"start"``. ``meta["credcat_family"] = None`` opts a request out (an optional extra).
Requests without the key are single pages (``"page"``): one listing each.

A family request fails, and the crawl is incomplete, when it finally fails (after retries): an HTTP error,
a download error or timeout, a refusal or drop (robots.txt, off-site, redirect loops and limits, size
limits, a redirect back to a URL already requested), or when its response is empty or gave nothing but
quarantined records (an unreadable body). A page fails the same way, except that 404/410 (the listing is
gone) and refusals by policy (robots.txt, off-site, an unsafe address found inside a document:
``spiders/safety.py``) are tolerated and only counted. Spiders whose start URLs are single documents say
so with ``credcat_start_family = "page"``. robots.txt itself failing with a 5xx or a download error makes
the crawl incomplete too (RFC 9309: an unreachable robots.txt means "assume complete disallow").
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import TimeoutError as TwistedTimeoutError

from spiders.safety import UnsafeAddress

FAMILY = "credcat_family"
START = "start"
PAGE = "page"
_TRACKED = "_credcat_tracked"
REASONS = "credcat/incomplete_reasons"
MAX_REASONS = 20
PAGE_TOLERATED_STATUS = (404, 410)
POLICY_REFUSALS = ("Forbidden by robots.txt", "Filtered offsite request")


def family_of(request: Request) -> str | None:
    """The request's family; ``PAGE`` when untagged; None when explicitly opted out."""
    return request.meta.get(FAMILY, PAGE)


def describe_failure(failure) -> tuple[str, bool]:
    """(a short reason, whether a page may tolerate it) for a request's final failure."""
    exc = failure.value
    if isinstance(exc, HttpError):
        status = exc.response.status
        return f"HTTP {status}", status in PAGE_TOLERATED_STATUS
    if isinstance(exc, IgnoreRequest):
        message = str(exc) or type(exc).__name__
        return f"refused: {message}", isinstance(exc, UnsafeAddress) or message.startswith(POLICY_REFUSALS)
    if isinstance(exc, (TwistedTimeoutError, TimeoutError)):
        return f"timeout: {exc}", False
    return f"download error: {type(exc).__name__}: {exc}", False


class CrawlCompleteness:
    """Spider middleware that counts, per family, requests and final failures into the crawl stats.

    Every scheduled request gets its errback wrapped once (retries and redirects copy it), so each final
    failure that reaches the spider is seen, whatever raised it: the downloader, a downloader middleware's
    ``process_request`` or ``process_response`` (redirect loops, decompression bombs), or the HTTP error
    spider middleware. The wrapped errback then behaves exactly as before.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.pending: dict[int, Request] = {}  # scheduled, not yet at the downloader

    @classmethod
    def from_crawler(cls, crawler):
        mw = cls(crawler)
        crawler.signals.connect(mw.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(mw.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(mw.request_reached_downloader, signal=signals.request_reached_downloader)
        # a stored copy served by the HTTP cache (spiders/cache.py) answers before the downloader: not refused
        crawler.signals.connect(mw.request_reached_downloader, signal=signals.response_received)
        crawler.signals.connect(mw.spider_idle, signal=signals.spider_idle)
        return mw

    # -- start requests: a family by default ----------------------------------------------------------------
    async def process_start(self, start):
        """Start requests are a family (``"start"``) unless the spider says otherwise with
        ``credcat_start_family`` (document spiders: each start URL is one listing, a ``"page"``)."""
        family = getattr(self.crawler.spider, "credcat_start_family", START)
        async for item_or_request in start:
            if isinstance(item_or_request, Request) and family != PAGE:
                item_or_request.meta.setdefault(FAMILY, family)
            yield item_or_request

    # -- every request: counted once, errback wrapped once --------------------------------------------------
    def request_scheduled(self, request, spider):
        if family_of(request) is not None:
            self.pending[id(request)] = request
        if request.meta.get(_TRACKED):
            return
        request.meta[_TRACKED] = True
        family = family_of(request)
        if family is None:
            return
        self.stats.inc_value(f"credcat/family/{family}/requests")
        original = request.errback

        def errback(failure, _original=original, _first=request):
            self.failed(getattr(failure, "request", None) or _first, failure)
            if _original is not None:
                return _original(failure)
            failure.raiseException()

        request.errback = errback

    def request_reached_downloader(self, request, spider):
        self.pending.pop(id(request), None)

    def spider_idle(self, spider):
        """Requests refused while being scheduled (the off-site filter does so for a redirect off-host)
        never reach the downloader nor an errback: once the crawl is idle, whatever is still pending was."""
        for request in self.pending.values():
            family = family_of(request)
            if family == PAGE:
                self.stats.inc_value("credcat/family/page/tolerated")
            else:
                self.record(family, f"{family}: refused before download (off-site?) at {request.url}")
        self.pending.clear()

    def request_dropped(self, request, spider):
        """A redirect to a URL this crawl already requested (a redirect loop) is dropped by the duplicate
        filter without reaching any errback: the listings behind it are lost all the same."""
        family = family_of(request)
        self.pending.pop(id(request), None)
        if family is not None and request.meta.get("redirect_times"):
            self.record(family, f"{family}: redirect loop back to {request.url}")

    def failed(self, request: Request, failure) -> None:
        family = family_of(request)
        reason, tolerable = describe_failure(failure)
        if family == PAGE and tolerable:
            self.stats.inc_value("credcat/family/page/tolerated")
            return
        self.record(family, f"{family}: {reason[:160]} at {request.url}")

    def record(self, family: str, reason: str) -> None:
        self.stats.inc_value(f"credcat/family/{family}/failed")
        reasons = list(self.stats.get_value(REASONS) or [])
        if len(reasons) < MAX_REASONS:
            reasons.append(reason)
        self.stats.set_value(REASONS, reasons)
        self.crawler.spider.logger.error("crawl incomplete: %s", reason)

    # -- family responses: empty or unreadable --------------------------------------------------------------
    def _judge(self, response, produced: int, quarantined: int) -> None:
        family = response.meta.get(FAMILY, PAGE)
        if family in (None, PAGE) or response.status >= 300:
            return
        if not response.body.strip():
            self.record(family, f"{family}: empty response at {response.url}")
        elif quarantined and not produced:
            self.record(family, f"{family}: unreadable response at {response.url} "
                                f"({quarantined} quarantined record(s), nothing else)")

    @staticmethod
    def _is_quarantine(obj) -> bool:
        return type(obj).__name__ == "Quarantined"

    def _tally(self, counts: list[int], obj):
        """Count ``obj`` as a quarantine row or as anything else a callback produced; return it unchanged."""
        counts[self._is_quarantine(obj)] += 1
        return obj

    def process_spider_output(self, response, result):
        counts = [0, 0]  # produced, quarantined
        for obj in result:
            yield self._tally(counts, obj)
        self._judge(response, *counts)

    async def process_spider_output_async(self, response, result):
        counts = [0, 0]
        async for obj in result:
            yield self._tally(counts, obj)
        self._judge(response, *counts)


def completeness_reasons(stats: dict, finish_reason: str) -> list[str]:
    """Everything that makes a crawl incomplete, from its final stats."""
    reasons = list(stats.get(REASONS) or [])
    failed = sum(v for k, v in stats.items() if k.startswith("credcat/family/") and k.endswith("/failed"))
    if failed > len(reasons):
        reasons.append(f"... {failed - len(reasons)} more failed request(s)")
    for key, value in sorted(stats.items()):
        if key.startswith("robotstxt/response_status_count/") and int(key.rsplit("/", 1)[1]) >= 500:
            reasons.append(f"robots.txt unreachable: HTTP {key.rsplit('/', 1)[1]} ({value}x)")
        elif key.startswith("robotstxt/exception_count/"):
            reasons.append(f"robots.txt unreachable: {key.rsplit('/', 1)[1]} ({value}x)")
    if finish_reason != "finished":
        reasons.append(f"crawl ended early: {finish_reason}")
    return reasons


class StatsFile:
    """On close, dumps crawl stats (item counts, HTTP codes, finish reason, completeness) to
    ``CREDCAT_STATS_FILE``. The pipeline uses them to tell a complete crawl from one that "finished"."""

    def __init__(self, path: str | None, stats):
        self.path = path
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler.settings.get("CREDCAT_STATS_FILE"), crawler.stats)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider, reason):
        if not self.path:
            return
        stats = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in self.stats.get_stats().items()}
        stats["finish_reason"] = reason
        stats[REASONS] = completeness_reasons(stats, reason)
        stats["credcat/complete"] = not stats[REASONS]
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        Path(self.path).write_text(json.dumps(stats, indent=2, sort_keys=True, default=str))
