"""Incremental crawls: every response is stored (Scrapy's HTTP cache) and the next crawl asks the source
whether it changed (``If-None-Match`` / ``If-Modified-Since``, RFC 7232). A ``304 Not Modified`` costs a few
headers instead of the page; the spider gets the stored page and reads it as usual.

Two departures from Scrapy's RFC 2616 policy, both so that a cache never hides what the source did:

- every stored response is revalidated, never served as "still fresh" by the freshness heuristics, unless
  the source itself said when the document last changed: a request carrying ``meta[MODIFIED_META]`` (a
  sitemap entry's ``lastmod``, an API record's modification field) whose date is not after the stored copy's
  ``Last-Modified`` (else its ``Date``) gets the stored copy without any request (Scrapy's ``httpcache/hit``
  stat counts them). The spider still reads it and emits its listings, so an unchanged page is never taken
  for a removed one. A newer, missing or unreadable date means the conditional request as usual;
- a stored response stands in for a ``304`` only: a server error or a failed download stays a failure (Scrapy
  would serve the stored copy), so crawl completeness (``spiders/extensions.py``) still sees it.

Offline crawls fetch the snapshot from a loopback server on a new port each time; requests are fingerprinted
by the live URL a mirror URL stands for (``CatalogueSpider.unbase``), so one run's cache serves the next.
The crawl runner (``pipeline/crawl.py``) turns the cache on per provider under the data folder.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.utils.request import RequestFingerprinter


MODIFIED_META = "credcat_source_modified"
"""Request meta: when the source says the requested document last changed (W3C datetime / ISO 8601 text)."""


def modified_at(text) -> datetime | None:
    """The latest moment a source's modification date can mean, in UTC; None when it is not a date.

    A date alone (``2025-04-01``, a sitemap's usual ``lastmod``) stands for its whole day in any time zone, so
    its end is taken (36 hours after its UTC midnight); a time without a zone is read as UTC."""
    if not isinstance(text, str) or not text.strip():
        return None
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if len(text) <= 10:  # YYYY-MM-DD
        return moment.replace(tzinfo=UTC) + timedelta(hours=36)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def stored_at(cachedresponse) -> datetime | None:
    """When the stored copy was current: its ``Last-Modified``, else the ``Date`` it was served with."""
    for header in (b"Last-Modified", b"Date"):
        value = cachedresponse.headers.get(header)
        if value:
            try:
                return parsedate_to_datetime(value.decode("latin-1")).astimezone(UTC)
            except (TypeError, ValueError):
                continue
    return None


def unchanged_since_stored(request, cachedresponse) -> bool:
    """The source says the document has not changed since the stored (good) copy was current."""
    modified = modified_at(request.meta.get(MODIFIED_META))
    stored = stored_at(cachedresponse)
    return cachedresponse.status == 200 and modified is not None and stored is not None and modified <= stored


class RevalidatingPolicy(RFC2616Policy):
    """RFC 2616 caching that revalidates every stored copy (a 304 is the only acceptance), except one the
    source's own modification date says is current (:func:`unchanged_since_stored`): served, not asked."""

    def is_cached_response_fresh(self, cachedresponse, request) -> bool:
        if unchanged_since_stored(request, cachedresponse):
            return True
        self._set_conditional_validators(request, cachedresponse)  # ask the source: If-None-Match / -Modified-Since
        return False

    def is_cached_response_valid(self, cachedresponse, response, request) -> bool:
        return response.status == 304


class ConditionalCacheMiddleware(HttpCacheMiddleware):
    """Scrapy's cache middleware, without serving a stored copy for a download that failed."""

    def process_exception(self, request, exception, spider=None):
        request.meta.pop("cached_response", None)
        return None


class LiveUrlFingerprinter:
    """Scrapy's request fingerprint, taken of the live URL a mirror (offline snapshot) URL stands for."""

    def __init__(self, crawler=None):
        self.crawler = crawler
        self._default = RequestFingerprinter(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def fingerprint(self, request) -> bytes:
        unbase = getattr(getattr(self.crawler, "spider", None), "unbase", None)
        if unbase is not None:
            live = unbase(request.url)
            if live != request.url:
                request = request.replace(url=live)
        return self._default.fingerprint(request)
